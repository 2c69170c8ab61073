"""Issue 11, item 4 (inbound): the platform's feed is pulled from a cursor kept in the
database, idempotent by the platform's id (duplicated and out-of-order pages change nothing);
a duplicate of one of our postings is linked, not doubled; imported postings go through the
counter's intake and screen (a warned one becomes a review case, a refused one is not taken
in); conflicts: the more recent change wins, a withdrawn posting stays withdrawn."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from conftest import ID_NUMBERS, UserFactory
from provincial_support import (
    CREDIT_CODE,
    client_for,
    posting_data,
    posting_publish_new,
    qingxiu_make,
    simulator,
)
from stdnum.cn import uscc

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Channel, State
from markets.models import Market, Membership, Role
from provincial.inbound import inbound_pull
from provincial.models import FeedCursor, InboundRecord
from provincial.simulator import PlatformSimulator
from workflows.postings.models import Posting, Status
from workflows.postings.services import posting_withdraw
from workflows.seekers.models import SeekerProfile

pytestmark = pytest.mark.django_db
__all__ = ["simulator"]

OTHER_CREDIT_CODE = "91450103MA5KB0QX28"


def credit_code(n: int) -> str:
    """A valid unified social credit code of the n-th employer."""
    base = f"91450103MA5KB{n:04d}"
    return base + uscc.calc_check_digit(base)


Outcome = InboundRecord.Outcome


@pytest.fixture(autouse=True)
def _world(frozen_time: time_machine.Traveller, nanning_market: Market) -> Iterator[None]:
    qingxiu_make()
    yield


@pytest.fixture
def importer(nanning_market: Market) -> User:
    user = UserFactory.create(username="provincial-sync")
    Membership.objects.create(user=user, role=Role.OFFICER, market=nanning_market)
    return user


def _posting_item(
    platform_id: str,
    *,
    updated_at: str = "2026-03-02T08:00:00+08:00",
    status: str = "published",
    credit_code: str = OTHER_CREDIT_CODE,
    **posting: Any,
) -> dict[str, Any]:
    return {
        "platform_id": platform_id,
        "record_type": "posting",
        "updated_at": updated_at,
        "status": status,
        "employer": {"name": "南宁青秀家政服务有限公司", "credit_code": credit_code},
        "posting": posting_data(**posting),
    }


def _pull(simulator: PlatformSimulator) -> Any:
    return inbound_pull(client=client_for(simulator))


def test_a_clean_posting_is_taken_in_through_the_intake_and_published(
    simulator: PlatformSimulator, importer: User
) -> None:
    simulator.add_record(_posting_item("GX-1"))

    run = _pull(simulator)

    assert run.outcomes == {Outcome.CREATED: 1}, InboundRecord.objects.values_list("detail")
    record = InboundRecord.objects.get(platform_id="GX-1")
    posting = record.posting
    assert posting is not None and posting.status == Status.PUBLISHED
    assert posting.case is not None and posting.case.channel == Channel.PLATFORM
    assert posting.employer.credit_code == OTHER_CREDIT_CODE
    assert FeedCursor.objects.get().cursor == "1"
    assert AuditEvent.objects.filter(
        action="provincial.record_imported", target_id=str(record.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="posting.published", actor=importer).exists()


def test_pulling_again_or_duplicated_and_reversed_pages_import_each_record_once(
    simulator: PlatformSimulator, importer: User
) -> None:
    for n in range(5):
        simulator.add_record(_posting_item(f"GX-{n}", credit_code=credit_code(n)))
    simulator.set_faults(duplicate_pages=True, shuffle_pages=True)

    inbound_pull(client=client_for(simulator))
    inbound_pull(client=client_for(simulator))

    assert InboundRecord.objects.count() == 5
    assert Posting.objects.count() == 5
    assert FeedCursor.objects.get().cursor == "5"


def test_a_duplicate_of_our_posting_is_linked_not_doubled(
    simulator: PlatformSimulator, importer: User, officer: User, nanning_market: Market
) -> None:
    ours = posting_publish_new(officer, nanning_market)  # credit code CREDIT_CODE
    simulator.add_record(_posting_item("GX-dup", credit_code=CREDIT_CODE, start_date="2026-03-10"))

    _pull(simulator)

    record = InboundRecord.objects.get(platform_id="GX-dup")
    assert (record.outcome, record.posting) == (Outcome.LINKED, ours)
    assert Posting.objects.count() == 1


def test_the_same_employer_outside_the_validity_window_is_a_new_posting(
    simulator: PlatformSimulator, importer: User, officer: User, nanning_market: Market
) -> None:
    posting_publish_new(officer, nanning_market)  # 2026-03-03 … 2026-03-31
    simulator.add_record(
        _posting_item(
            "GX-later", credit_code=CREDIT_CODE, start_date="2026-04-01", end_date="2026-04-20"
        )
    )

    _pull(simulator)

    assert InboundRecord.objects.get(platform_id="GX-later").outcome == Outcome.CREATED
    assert Posting.objects.count() == 2


def test_a_posting_the_screen_warns_about_becomes_a_review_case_not_published(
    simulator: PlatformSimulator, importer: User
) -> None:
    simulator.add_record(_posting_item("GX-age", skill_requirements="年龄35岁以下，有经验"))

    _pull(simulator)

    record = InboundRecord.objects.get(platform_id="GX-age")
    assert record.outcome == Outcome.REVIEW
    assert record.posting is not None and record.posting.status == Status.IN_REVIEW
    assert record.posting.case is not None
    assert record.posting.case.state in (State.NEW, State.IN_PROGRESS)


def test_a_posting_the_screen_refuses_is_not_taken_in_and_its_reasons_kept(
    simulator: PlatformSimulator, importer: User
) -> None:
    simulator.add_record(_posting_item("GX-male", skill_requirements="限男性，能吃苦"))

    _pull(simulator)

    record = InboundRecord.objects.get(platform_id="GX-male")
    assert record.outcome == Outcome.REFUSED and record.posting is None
    assert "限男" in record.detail
    assert Posting.objects.count() == 0


def _imported(simulator: PlatformSimulator, platform_id: str) -> Posting:
    simulator.add_record(_posting_item(platform_id))
    _pull(simulator)
    posting = InboundRecord.objects.get(platform_id=platform_id).posting
    assert posting is not None
    return posting


def test_a_more_recent_change_on_the_platform_wins(
    simulator: PlatformSimulator, importer: User, frozen_time: time_machine.Traveller
) -> None:
    posting = _imported(simulator, "GX-7")
    frozen_time.shift(timedelta(hours=2))  # 11:00 in Shanghai
    simulator.add_record(
        _posting_item("GX-7", updated_at="2026-03-02T10:30:00+08:00", end_date="2026-04-15")
    )

    _pull(simulator)

    posting.refresh_from_db()
    assert posting.end_date.isoformat() == "2026-04-15"
    assert InboundRecord.objects.get(platform_id="GX-7").outcome == Outcome.UPDATED


def test_an_older_change_arriving_late_changes_nothing(
    simulator: PlatformSimulator, importer: User, frozen_time: time_machine.Traveller
) -> None:
    posting = _imported(simulator, "GX-8")
    simulator.add_record(
        _posting_item("GX-8", updated_at="2026-03-02T07:00:00+08:00", status="withdrawn")
    )

    _pull(simulator)

    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    assert InboundRecord.objects.get(platform_id="GX-8").outcome == Outcome.CREATED


def test_our_more_recent_change_wins(
    simulator: PlatformSimulator,
    importer: User,
    officer: User,
    frozen_time: time_machine.Traveller,
) -> None:
    from workflows.postings.services import posting_extend

    posting = _imported(simulator, "GX-9")
    frozen_time.shift(timedelta(hours=3))  # 12:00: ours is extended
    posting_extend(actor=officer, posting=posting, end_date="2026-04-20")
    simulator.add_record(
        _posting_item("GX-9", updated_at="2026-03-02T10:00:00+08:00", end_date="2026-04-10")
    )

    _pull(simulator)

    posting.refresh_from_db()
    assert posting.end_date.isoformat() == "2026-04-20"
    assert InboundRecord.objects.get(platform_id="GX-9").outcome == Outcome.KEPT


def test_withdrawn_on_the_platform_withdraws_ours(
    simulator: PlatformSimulator, importer: User, frozen_time: time_machine.Traveller
) -> None:
    posting = _imported(simulator, "GX-10")
    frozen_time.shift(timedelta(hours=2))
    simulator.add_record(
        _posting_item("GX-10", updated_at="2026-03-02T10:00:00+08:00", status="withdrawn")
    )

    _pull(simulator)

    posting.refresh_from_db()
    assert posting.status == Status.WITHDRAWN
    assert AuditEvent.objects.filter(action="posting.withdrawn", actor=importer).exists()


def test_withdrawn_here_stays_withdrawn_whatever_the_platform_says_later(
    simulator: PlatformSimulator,
    importer: User,
    officer: User,
    frozen_time: time_machine.Traveller,
) -> None:
    posting = _imported(simulator, "GX-11")
    posting_withdraw(actor=officer, posting=posting, reason="雇主不招了")
    frozen_time.shift(timedelta(hours=5))
    simulator.add_record(
        _posting_item("GX-11", updated_at="2026-03-02T13:00:00+08:00", end_date="2026-04-10")
    )

    _pull(simulator)

    posting.refresh_from_db()
    assert posting.status == Status.WITHDRAWN
    assert posting.end_date.isoformat() == "2026-03-31"
    assert InboundRecord.objects.get(platform_id="GX-11").outcome == Outcome.KEPT


def test_while_the_platform_is_down_the_cursor_stays_and_the_pull_resumes(
    simulator: PlatformSimulator, importer: User
) -> None:
    simulator.add_record(_posting_item("GX-a"))
    _pull(simulator)
    simulator.add_record(_posting_item("GX-b", credit_code=credit_code(1)))
    simulator.set_faults(down=True)

    run = _pull(simulator)

    assert run.unavailable and run.items == 0
    assert FeedCursor.objects.get().cursor == "1"
    simulator.heal()
    _pull(simulator)
    assert sorted(InboundRecord.objects.values_list("platform_id", flat=True)) == ["GX-a", "GX-b"]


def test_a_registration_from_the_platform_is_registered_through_the_counters_service(
    simulator: PlatformSimulator, importer: User
) -> None:
    simulator.add_record(
        {
            "platform_id": "GX-R-1",
            "record_type": "registration",
            "updated_at": "2026-03-02T08:00:00+08:00",
            "status": "active",
            "county": "450103",
            "person": {"name": "韦小宝", "id_number": ID_NUMBERS[0], "mobile": "13800000000"},
            "profile": {"wanted_occupations": ["4-03-02-05"]},
        }
    )

    _pull(simulator)

    seeker = SeekerProfile.objects.get()
    assert seeker.wanted_occupations == ["4-03-02-05"]
    assert InboundRecord.objects.get(platform_id="GX-R-1").outcome == Outcome.CREATED
    assert AuditEvent.objects.filter(action="seeker.registered", actor=importer).exists()
