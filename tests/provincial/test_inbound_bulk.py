"""Issue 11, speed of the inbound import: a page of the feed is imported in bulk
(``inbound_page_import``: known records and duplicate candidates read once for the page, the
postings' reference data read once, the audit events appended per chain together) and leaves
exactly what importing its items one at a time leaves: the same postings, records, audit
events, history rows and outbox messages; the audit chain verifies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from conftest import ID_NUMBERS, UserFactory
from provincial_support import CREDIT_CODE, posting_data, posting_publish_new, qingxiu_make
from stdnum.cn import uscc

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import chain_list, chain_verify
from audit.services import atomic_with_events, event_batch, event_record
from cases.models import Applicant, Case
from markets.models import Market, Membership, Region, Role
from notifications.models import OutboxMessage
from provincial.inbound import inbound_item_import, inbound_page_import
from provincial.models import InboundRecord, OutboundMessage
from sla.models import Deadline
from workflows.postings.models import Posting, Status
from workflows.postings.services import posting_withdraw

pytestmark = pytest.mark.django_db

Outcome = InboundRecord.Outcome
LIUZHOU_COUNTY = "450202"


def credit_code(n: int) -> str:
    base = f"91450103MA5KC{n:04d}"
    return base + uscc.calc_check_digit(base)


@pytest.fixture(autouse=True)
def _world(frozen_time: time_machine.Traveller, nanning_market: Market) -> Iterator[None]:
    qingxiu_make()
    yield


@pytest.fixture
def importer(nanning_market: Market) -> User:
    user = UserFactory.create(username="provincial-sync")
    Membership.objects.create(user=user, role=Role.OFFICER, market=nanning_market)
    return user


def item(
    platform_id: str,
    *,
    code: str,
    updated_at: str = "2026-03-02T08:00:00+08:00",
    status: str = "published",
    employer: dict[str, str] | None = None,
    **posting: Any,
) -> dict[str, Any]:
    return {
        "platform_id": platform_id,
        "record_type": "posting",
        "updated_at": updated_at,
        "status": status,
        "employer": employer or {"name": f"用工单位{platform_id}", "credit_code": code},
        "posting": posting_data(**posting),
    }


def _known_records(importer: User, officer: User, frozen_time: time_machine.Traveller) -> None:
    """Two records imported earlier: GX-K (published), GX-W (withdrawn here since)."""
    for platform_id, n in (("GX-K", 90), ("GX-W", 91)):
        inbound_item_import(item=item(platform_id, code=credit_code(n)), actor=importer)
    posting = InboundRecord.objects.get(platform_id="GX-W").posting
    assert posting is not None
    posting_withdraw(actor=officer, posting=posting, reason="雇主不招了")
    frozen_time.shift(timedelta(hours=3))


def the_page(liuzhou_county: bool) -> list[dict[str, Any]]:
    later = "2026-03-02T11:00:00+08:00"
    page = [
        item("GX-1", code=credit_code(1)),
        item(  # an employer with a mobile: texted the reference, then the outcome
            "GX-2",
            code=credit_code(2),
            employer={
                "name": "用工单位GX-2",
                "credit_code": credit_code(2),
                "mobile": "13907710002",
            },
        ),
        item(  # a person who hires (by ID number): taken in one at a time within the page
            "GX-person",
            code="",
            employer={"name": "韦小宝", "id_number": ID_NUMBERS[0], "mobile": "13907710003"},
            address="南宁市青秀区民族大道 8 号",
        ),
        item("GX-2b", code=credit_code(2), start_date="2026-03-05"),  # duplicates GX-2
        item("GX-dup", code=CREDIT_CODE, start_date="2026-03-10"),  # duplicates ours
        item("GX-age", code=credit_code(3), skill_requirements="年龄35岁以下，有经验"),
        item("GX-male", code=credit_code(4), skill_requirements="限男性，能吃苦"),
        item("GX-K", code=credit_code(90), updated_at=later, end_date="2026-04-15"),
        item("GX-W", code=credit_code(91), updated_at=later, end_date="2026-04-10"),
        item("GX-1", code=credit_code(1)),  # the same change again
        item("GX-badcode", code="91450103MA5KC00019"),  # a credit code that does not check
    ]
    if liuzhou_county:
        # A market the import account does not work in: the employer is registered first,
        # then the intake is refused; nothing of it (row or event) may stay.
        page.append(item("GX-lz", code=credit_code(5), county=LIUZHOU_COUNTY))
    return page


def snapshot(since_event: int) -> dict[str, Any]:
    """What an import leaves, by natural keys (ids differ between two runs)."""
    by_record: dict[int | None, str] = {}
    for record in InboundRecord.objects.exclude(outcome=Outcome.LINKED):  # who took it in
        by_record[record.posting_id] = record.platform_id

    def name(posting_id: int | None) -> str:
        return by_record.get(posting_id, "ours") if posting_id else ""

    events = AuditEvent.objects.filter(pk__gt=since_event)
    return {
        "records": sorted(
            (r.platform_id, r.outcome, r.detail, name(r.posting_id), r.platform_status)
            for r in InboundRecord.objects.all()
        ),
        "postings": sorted(
            (name(p.pk), p.status, p.employer.credit_code, p.end_date.isoformat(), p.case.state)
            for p in Posting.objects.select_related("employer", "case")
        ),
        "events": sorted(Counter((e.action, e.target_type) for e in events).items()),
        "event_actors": sorted({e.actor_label for e in events}),
        "history": {
            "posting": Posting.history.count(),
            "case": Case.history.count(),
            "applicant": Applicant.history.count(),
        },
        "applicants": sorted(Applicant.objects.values_list("credit_code", flat=True)),
        "deadlines": sorted(
            (d.target, d.stopped_at is None, d.met, d.kind) for d in Deadline.objects.all()
        ),
        "outbox": sorted(
            (name(m.record_id), m.sequence, m.change)
            for m in OutboundMessage.objects.filter(record_type="posting")
        ),
        "texts": sorted(
            (m.channel, m.idempotency_key.split(":")[0], m.body.split("：")[0][:12])
            for m in OutboxMessage.objects.all()
        ),
    }


def _import_one_at_a_time(page: list[dict[str, Any]], actor: User) -> None:
    for one in page:
        inbound_item_import(item=one, actor=actor)


def _import_as_a_page(page: list[dict[str, Any]], actor: User) -> None:
    inbound_page_import(items=page, actor=actor)


@pytest.fixture
def liuzhou_market(liuzhou: Region) -> Market:
    from conftest import MarketFactory

    Region.objects.create(code=LIUZHOU_COUNTY, name="城中区", level="county", parent=liuzhou)
    market: Market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    return market


def _run(
    how: Callable[[list[dict[str, Any]], User], None],
    importer: User,
    officer: User,
    nanning_market: Market,
    frozen_time: time_machine.Traveller,
) -> dict[str, Any]:
    posting_publish_new(officer, nanning_market)  # ours, CREDIT_CODE
    _known_records(importer, officer, frozen_time)
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    how(the_page(liuzhou_county=True), importer)
    return snapshot(since)


@pytest.mark.parametrize("how", [_import_one_at_a_time, _import_as_a_page])
def test_a_page_imported_in_bulk_leaves_what_one_at_a_time_leaves(
    how: Callable[[list[dict[str, Any]], User], None],
    importer: User,
    officer: User,
    nanning_market: Market,
    liuzhou_market: Market,
    frozen_time: time_machine.Traveller,
) -> None:
    """Both ways are measured against the same expectations (so they equal each other)."""
    got = _run(how, importer, officer, nanning_market, frozen_time)

    assert got["records"] == [
        ("GX-1", Outcome.CREATED, "", "GX-1", "published"),
        ("GX-2", Outcome.CREATED, "", "GX-2", "published"),
        ("GX-2b", Outcome.LINKED, "", "GX-2", "published"),
        ("GX-K", Outcome.UPDATED, "extended on the platform", "GX-K", "published"),
        ("GX-W", Outcome.KEPT, "withdrawn here: stays withdrawn", "GX-W", "published"),
        ("GX-age", Outcome.REVIEW, "", "GX-age", "published"),
        ("GX-badcode", Outcome.REFUSED, got["records"][6][2], "", "published"),
        ("GX-dup", Outcome.LINKED, "", got["records"][7][3], "published"),
        (
            "GX-lz",
            Outcome.REFUSED,
            "the import account does not work in this market",
            "",
            "published",
        ),
        ("GX-male", Outcome.REFUSED, got["records"][9][2], "", "published"),
        ("GX-person", Outcome.CREATED, "", "GX-person", "published"),
    ]
    assert "credit_code" in got["records"][6][2]
    assert got["records"][7][3] == "ours"
    assert "限男" in got["records"][9][2]
    statuses = {p[0]: p[1] for p in got["postings"]}
    assert statuses == {
        "GX-1": Status.PUBLISHED,
        "GX-2": Status.PUBLISHED,
        "GX-K": Status.PUBLISHED,
        "GX-W": Status.WITHDRAWN,
        "GX-age": Status.IN_REVIEW,
        "GX-person": Status.PUBLISHED,
        got["records"][7][3]: Status.PUBLISHED,
    }
    assert ("GX-K", 2, "extended") in got["outbox"]
    assert [m for m in got["outbox"] if m[0] in ("GX-1", "GX-2", "GX-age", "GX-person")] == [
        ("GX-1", 1, "published"),
        ("GX-2", 1, "published"),
        ("GX-person", 1, "published"),
    ]
    # The employers who gave a mobile are texted the reference, then the outcome (GX-2,
    # GX-person, and ours at set-up).
    assert Counter(text[1] for text in got["texts"]) == {"case-received": 3, "case-resolved": 3}
    # Nothing of the intake refused in Liuzhou (its employer's registration) is left.
    assert credit_code(5) not in got["applicants"]
    events = dict(got["events"])
    assert events[("provincial.record_imported", "provincial.inboundrecord")] == 11
    assert events[("posting.published", "postings.posting")] == 3
    assert events[("posting.taken_in", "postings.posting")] == 4
    assert events[("case.opened", "cases.case")] == 4
    assert events[("case.closed", "cases.case")] == 3
    assert events[("posting.extended", "postings.posting")] == 1
    assert got["event_actors"] == ["provincial-sync"]
    for chain in chain_list():
        assert chain_verify(chain=chain, anchors=[]).ok, chain


def test_both_ways_leave_the_same_trail(
    importer: User,
    officer: User,
    nanning_market: Market,
    liuzhou_market: Market,
    frozen_time: time_machine.Traveller,
) -> None:
    """The two ways side by side: the first rolled back, the second compared with it."""
    from django.db import transaction

    point = transaction.savepoint()
    one_at_a_time = _run(_import_one_at_a_time, importer, officer, nanning_market, frozen_time)
    transaction.savepoint_rollback(point)
    frozen_time.shift(timedelta(hours=-3))

    as_a_page = _run(_import_as_a_page, importer, officer, nanning_market, frozen_time)

    assert as_a_page == one_at_a_time


def test_a_page_reads_its_known_records_and_duplicate_candidates_once(importer: User) -> None:
    """The page's reads that were one per item: the records by platform id and the postings
    a new one could duplicate (by the employer's credit code). Counted for a page of 1 and of
    6 postings."""
    from django.db import connection

    def reads_of(page: list[dict[str, Any]]) -> Counter[str]:
        seen: Counter[str] = Counter()

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if sql.startswith("SELECT"):
                if 'FROM "provincial_inboundrecord"' in sql:
                    seen["records"] += 1
                if 'FROM "postings_posting"' in sql and '"cases_applicant"' in sql:
                    seen["duplicates"] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            inbound_page_import(items=page, actor=importer)
        return seen

    assert reads_of([item("GX-0", code=credit_code(10))]) == Counter(
        {"records": 1, "duplicates": 1}
    )
    page = [item(f"GX-{n}", code=credit_code(n)) for n in range(11, 17)]
    assert reads_of(page) == Counter({"records": 1, "duplicates": 1})
    assert InboundRecord.objects.filter(outcome=Outcome.CREATED).count() == 7


def test_an_event_batch_writes_the_events_event_record_would_and_the_chain_verifies(
    officer: User, nanning_market: Market
) -> None:
    from django.db import transaction

    with transaction.atomic(), event_batch():
        first = event_record(action="test.one", actor=officer, market=nanning_market)
        event_record(action="test.global", actor=officer)
        try:
            with atomic_with_events():
                event_record(action="test.rolled_back", actor=officer, market=nanning_market)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        event_record(action="test.two", actor=officer, market=nanning_market)
        assert first.pk is None  # written when the batch ends
    event_record(action="test.three", actor=officer, market=nanning_market)

    market_chain = AuditEvent.objects.filter(
        chain=f"market:{nanning_market.pk}", action__startswith="test."
    )
    one, two, three = market_chain.order_by("sequence").values_list("action", "sequence")
    assert [one[0], two[0], three[0]] == ["test.one", "test.two", "test.three"]
    assert two[1] == one[1] + 1 and three[1] == two[1] + 1
    assert AuditEvent.objects.filter(action="test.global").count() == 1
    for chain in chain_list():
        assert chain_verify(chain=chain, anchors=[]).ok, chain


@pytest.mark.parametrize("how", [_import_one_at_a_time, _import_as_a_page])
def test_a_copy_of_a_posting_the_page_then_refuses_is_taken_in_itself(
    how: Callable[[list[dict[str, Any]], User], None], importer: User
) -> None:
    """The first of two copies asks for an exception to the screen, which only a team lead
    may grant: refused. The second copy duplicates nothing kept, so it is taken in."""
    page = [
        item(
            "GX-x1",
            code=credit_code(20),
            screening_exceptions=["gender"],
            screening_justification="搬运重物，法规限制",
        ),
        item("GX-x2", code=credit_code(20), start_date="2026-03-05"),
    ]

    how(page, importer)

    records = {r.platform_id: r for r in InboundRecord.objects.all()}
    assert records["GX-x1"].outcome == Outcome.REFUSED and records["GX-x1"].posting is None
    assert records["GX-x1"].detail == "the import account does not work in this market"
    assert records["GX-x2"].outcome == Outcome.CREATED
    assert Posting.objects.get().pk == records["GX-x2"].posting_id
    for chain in chain_list():
        assert chain_verify(chain=chain, anchors=[]).ok, chain


def test_items_linked_to_postings_of_ours_read_those_postings_once_a_page(
    importer: User, officer: User, nanning_market: Market
) -> None:
    """An item that duplicates a posting of ours is linked to it without a read of its own:
    the page's one read of its duplicate candidates gives the postings themselves."""
    from django.db import connection

    ours = posting_publish_new(officer, nanning_market)
    page = [
        item(f"GX-d{n}", code=CREDIT_CODE, start_date=f"2026-03-{10 + n:02d}") for n in range(4)
    ]
    reads: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith("SELECT") and 'FROM "postings_posting"' in sql:
            reads.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        records = inbound_page_import(items=page, actor=importer)

    assert len(reads) == 1, reads
    assert [(r.outcome, r.posting_id) for r in records if r is not None] == [
        (Outcome.LINKED, ours.pk)
    ] * 4
    linked = AuditEvent.objects.filter(action="provincial.record_imported")
    assert {e.market_id for e in linked} == {nanning_market.pk}
    assert linked.count() == 4
    for chain in chain_list():
        assert chain_verify(chain=chain, anchors=[]).ok, chain
