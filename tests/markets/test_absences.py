"""Absence cover (AB岗), the services: a team lead records that an officer is away and names a
deputy of the same market; ends it early or cancels it. Each change is an audit event; every
rule is refused with its own message, on the field concerned."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from absence_support import TODAY, absence_events, away, colleague, day
from conftest import MarketFactory
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from accounts.models import User
from audit.models import AuditEvent
from markets import hooks
from markets.absences import absence_cancel, absence_end, absence_record
from markets.models import Absence, Market, Region, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The refusals read in English here; the pages show them in both languages."""
    with translation.override("en"):
        yield


@pytest.fixture
def lead(nanning_market: Market, frozen_time: time_machine.Traveller) -> User:
    return colleague("lead", nanning_market, Role.TEAM_LEAD)


@pytest.fixture
def zhang(nanning_market: Market) -> User:
    return colleague("zhang", nanning_market)


@pytest.fixture
def li(nanning_market: Market) -> User:
    return colleague("li", nanning_market)


@pytest.fixture
def wang(nanning_market: Market) -> User:
    return colleague("wang", nanning_market)


def _refused(call: Callable[[], Any]) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_a_team_lead_records_an_absence_with_a_deputy_and_it_is_audited(
    lead: User, zhang: User, li: User, nanning_market: Market
) -> None:
    absence = away(lead, zhang, li, start=0, end=4, note="  病假  ")

    stored = Absence.objects.get()
    assert stored == absence
    assert (stored.market, stored.officer, stored.deputy) == (nanning_market, zhang, li)
    assert (stored.starts_on, stored.ends_on, stored.note) == (day(0), day(4), "病假")
    assert stored.recorded_by == lead
    assert stored.runs_on(TODAY)
    assert stored.history.get().history_user == lead
    assert absence_events() == [
        (
            "absences.recorded",
            lead.pk,
            str(absence.pk),
            {},
            {
                "officer_id": zhang.pk,
                "officer": "zhang",
                "deputy_id": li.pk,
                "deputy": "li",
                "starts_on": "2026-03-02",
                "ends_on": "2026-03-06",
            },
        )
    ]
    assert AuditEvent.objects.get(target_type="markets.absence").market == nanning_market


def test_an_officer_may_not_record_an_absence(zhang: User, li: User, lead: User) -> None:
    market = zhang.memberships.get().market
    assert market is not None
    with pytest.raises(PermissionDenied):
        absence_record(
            actor=li, market=market, officer=zhang, deputy=lead, starts_on=day(0), ends_on=day(1)
        )
    assert not Absence.objects.exists()
    assert absence_events() == []


def test_an_absence_that_ends_before_it_starts_is_refused(
    lead: User, zhang: User, li: User
) -> None:
    errors = _refused(lambda: away(lead, zhang, li, start=3, end=2))

    assert errors == {"ends_on": ["An absence cannot end before it starts."]}
    assert not Absence.objects.exists()
    assert absence_events() == []


def test_an_absence_already_over_is_refused(lead: User, zhang: User, li: User) -> None:
    errors = _refused(lambda: away(lead, zhang, li, start=-5, end=-1))

    assert errors == {"ends_on": ["This absence would be over already."]}


def test_the_absent_officer_cannot_be_their_own_deputy(lead: User, zhang: User) -> None:
    errors = _refused(lambda: away(lead, zhang, zhang))

    assert errors == {"deputy": ["The absent officer cannot be their own deputy."]}
    assert not Absence.objects.exists()


def test_a_deputy_from_another_market_is_refused(lead: User, zhang: User, guangxi: Region) -> None:
    liuzhou = MarketFactory.create(
        region=Region.objects.create(code="450200", name="柳州市", level="city", parent=guangxi),
        name="柳州市零工市场",
    )
    stranger = colleague("stranger", liuzhou)

    errors = _refused(lambda: away(lead, zhang, stranger))

    assert errors == {
        "deputy": ["The deputy must be an active colleague of the same market (南宁市零工市场)."]
    }
    assert not Absence.objects.exists()


def test_an_inactive_deputy_is_refused(lead: User, zhang: User, li: User) -> None:
    li.is_active = False
    li.save(update_fields=["is_active"])

    assert "deputy" in _refused(lambda: away(lead, zhang, li))


def test_an_officer_of_another_market_cannot_be_recorded_away_here(
    lead: User, li: User, guangxi: Region
) -> None:
    liuzhou = MarketFactory.create(
        region=Region.objects.create(code="450200", name="柳州市", level="city", parent=guangxi),
        name="柳州市零工市场",
    )
    stranger = colleague("stranger", liuzhou)

    errors = _refused(lambda: away(lead, stranger, li))

    assert errors == {"officer": ["This person does not work in this market."]}


@pytest.mark.parametrize(("start", "end"), [(0, 4), (4, 9), (-1, 0), (2, 3), (-2, 10)])
def test_overlapping_absences_of_the_same_officer_are_refused(
    lead: User, zhang: User, li: User, wang: User, start: int, end: int
) -> None:
    first = away(lead, zhang, li, start=0, end=4)

    errors = _refused(lambda: away(lead, zhang, wang, start=start, end=end))

    assert errors == {
        "starts_on": [
            "zhang is already recorded as away from 2026-03-02 to 2026-03-06: the absences of "
            "one officer may not overlap. End or cancel that one first."
        ]
    }
    assert list(Absence.objects.all()) == [first]
    assert [row[0] for row in absence_events()] == ["absences.recorded"]


def test_absences_of_the_same_officer_that_do_not_overlap_are_both_recorded(
    lead: User, zhang: User, li: User, wang: User
) -> None:
    away(lead, zhang, li, start=0, end=4)
    away(lead, zhang, wang, start=5, end=6)

    assert Absence.objects.count() == 2


def test_a_deputy_who_is_away_at_that_time_is_refused(
    lead: User, zhang: User, li: User, wang: User
) -> None:
    """Our choice: cover is one step, never a chain of deputies."""
    away(lead, li, wang, start=3, end=8)

    errors = _refused(lambda: away(lead, zhang, li, start=0, end=4))

    assert errors == {
        "deputy": ["li is away themselves from 2026-03-05 to 2026-03-10: choose another deputy."]
    }


def test_an_officer_who_covers_for_someone_then_cannot_be_away_then(
    lead: User, zhang: User, li: User, wang: User
) -> None:
    away(lead, wang, zhang, start=0, end=4)

    errors = _refused(lambda: away(lead, zhang, li, start=2, end=3))

    assert errors == {
        "officer": [
            "zhang covers for wang from 2026-03-02 to 2026-03-06: name another deputy for wang "
            "first."
        ]
    }


def test_ending_early_makes_the_officer_present_again_and_is_audited(
    lead: User, zhang: User, li: User, frozen_time: time_machine.Traveller
) -> None:
    absence = away(lead, zhang, li, start=-2, end=4)
    frozen_time.shift(3600)

    ended = absence_end(actor=lead, absence=absence)

    assert ended.ends_on == TODAY
    assert ended.ended_at is not None
    assert ended.changed_by == lead
    assert not ended.runs_on(TODAY)
    action, actor, _target, old, new = absence_events()[-1]
    assert (action, actor) == ("absences.ended_early", lead.pk)
    assert (old["ends_on"], new["ends_on"]) == ("2026-03-06", "2026-03-02")
    assert new["ended_at"] == ended.ended_at.isoformat()
    # Back: another absence of the same officer may be recorded from today on.
    away(lead, zhang, li, start=0, end=1)


def test_an_absence_not_running_cannot_be_ended_early(lead: User, zhang: User, li: User) -> None:
    absence = away(lead, zhang, li, start=2, end=4)

    with pytest.raises(ValidationError, match="Only an absence that is running now"):
        absence_end(actor=lead, absence=absence)
    assert [row[0] for row in absence_events()] == ["absences.recorded"]


def test_cancelling_a_coming_absence_is_audited_and_frees_its_days(
    lead: User, zhang: User, li: User, wang: User
) -> None:
    absence = away(lead, zhang, li, start=2, end=4)

    cancelled = absence_cancel(actor=lead, absence=absence)

    assert cancelled.cancelled_at is not None
    assert cancelled.is_withdrawn
    action, actor, _target, old, new = absence_events()[-1]
    assert (action, actor, old["starts_on"]) == ("absences.cancelled", lead.pk, "2026-03-04")
    assert new == {"cancelled_at": cancelled.cancelled_at.isoformat()}
    away(lead, zhang, wang, start=2, end=4)  # the days are free again


def test_a_running_absence_cannot_be_cancelled_only_ended_early(
    lead: User, zhang: User, li: User
) -> None:
    absence = away(lead, zhang, li, start=0, end=4)

    with pytest.raises(ValidationError, match="end a running one early"):
        absence_cancel(actor=lead, absence=absence)
    assert Absence.objects.get().cancelled_at is None


def test_a_lead_of_another_market_may_not_end_or_cancel(
    lead: User, zhang: User, li: User, guangxi: Region
) -> None:
    liuzhou = MarketFactory.create(
        region=Region.objects.create(code="450200", name="柳州市", level="city", parent=guangxi),
        name="柳州市零工市场",
    )
    other_lead = colleague("other_lead", liuzhou, Role.TEAM_LEAD)
    running = away(lead, zhang, li, start=0, end=4)

    with pytest.raises(PermissionDenied):
        absence_end(actor=other_lead, absence=running)
    assert Absence.objects.get().ended_at is None


def test_without_an_audit_handler_nothing_is_recorded(
    lead: User, zhang: User, li: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hooks, "_handlers", [])

    with pytest.raises(ImproperlyConfigured):
        away(lead, zhang, li)
    assert not Absence.objects.exists()


# --- Two team leads at once (PostgreSQL: row locks and concurrent connections) ---------------


def _race(calls: list[Callable[[], Any]]) -> tuple[list[Any], list[ValidationError]]:
    start = threading.Barrier(len(calls))
    won: list[Any] = []
    refused: list[ValidationError] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=30)
            won.append(call())
        except ValidationError as error:
            refused.append(error)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return won, refused


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks (SELECT … FOR UPDATE) and real concurrent connections: PostgreSQL",
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_absences_recorded_at_once_have_exactly_one_winner(
    nanning_market: Market,
) -> None:
    with time_machine.travel(TODAY.isoformat() + " 09:00 +0800", tick=True):
        leads = [colleague(f"lead{n}", nanning_market, Role.TEAM_LEAD) for n in range(2)]
        zhang = colleague("zhang", nanning_market)
        deputies = [colleague(f"deputy{n}", nanning_market) for n in range(2)]

        won, refused = _race(
            [
                lambda n=n: away(  # type: ignore[misc]
                    User.objects.get(pk=leads[n].pk),
                    User.objects.get(pk=zhang.pk),
                    User.objects.get(pk=deputies[n].pk),
                    start=n,
                    end=n + 3,
                )
                for n in range(2)
            ]
        )

    assert len(won) == 1
    assert len(refused) == 1
    assert "starts_on" in refused[0].message_dict
    assert Absence.objects.count() == 1
    assert [row[0] for row in absence_events()] == ["absences.recorded"]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_colleagues_made_each_others_deputy_at_once_have_exactly_one_winner(
    nanning_market: Market,
) -> None:
    with time_machine.travel(TODAY.isoformat() + " 09:00 +0800", tick=True):
        leads = [colleague(f"lead{n}", nanning_market, Role.TEAM_LEAD) for n in range(2)]
        pair = [colleague("zhang", nanning_market), colleague("li", nanning_market)]

        won, refused = _race(
            [
                lambda n=n: away(  # type: ignore[misc]
                    User.objects.get(pk=leads[n].pk),
                    User.objects.get(pk=pair[n].pk),
                    User.objects.get(pk=pair[1 - n].pk),
                )
                for n in range(2)
            ]
        )

    assert len(won) == 1
    assert len(refused) == 1
    assert set(refused[0].message_dict) <= {"deputy", "officer"}
    assert Absence.objects.count() == 1
