"""The work-log ledger (工作日志台账): daily and monthly figures from the event log, per market and
per officer, counted on Asia/Shanghai days; and the team lead's sign-off."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from audit_support import market_make, rows, user_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from audit.ledger import (
    BUSINESS_FIGURE_LABELS,
    FIGURES,
    LedgerFigures,
    day_range,
    ledger_day,
    ledger_event_counts,
    ledger_figure_events,
    ledger_month,
    ledger_sign_off,
)
from audit.models import LedgerSignOff
from audit.selectors import chain_verify
from audit.services import TargetRef, event_record
from markets.models import Market, Role

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)  # a Monday
_case_numbers = count(1)


def at(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    """An instant given as a wall-clock time in Asia/Shanghai."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


def record(
    action: str,
    *,
    actor: User | None,
    market: Market,
    when: datetime,
    success: bool = True,
    **values: Any,
) -> None:
    """An event as the case engine writes it, at ``when``."""
    number = next(_case_numbers)
    case = TargetRef(type="cases.case", id=str(number), label=f"450100-2026-{number:06d}")
    with time_machine.travel(when, tick=False):
        event_record(
            action=action,
            actor=actor,
            market=market,
            target=case,
            new_values=values,
            success=success,
        )


@pytest.fixture
def market_a() -> Market:
    return market_make("450100")


@pytest.fixture
def market_b() -> Market:
    return market_make("450200")


@pytest.fixture
def alice(market_a: Market) -> User:
    return user_make("alice", role=Role.OFFICER, market=market_a)


@pytest.fixture
def bob(market_a: Market) -> User:
    return user_make("bob", role=Role.OFFICER, market=market_a)


@pytest.fixture
def lead(market_a: Market) -> User:
    return user_make("lead", role=Role.TEAM_LEAD, market=market_a)


@pytest.fixture
def scripted_day(market_a: Market, market_b: Market, alice: User, bob: User, lead: User) -> None:
    """One working day in market A, with events just inside and just outside it."""
    a, b = market_a, market_b
    # The evening before (23:59 Shanghai is 15:59 UTC the same day): not on DAY.
    before = DAY - timedelta(days=1)
    record(
        "case.opened",
        actor=alice,
        market=a,
        when=at(before, 23, 59, 59),
        kind="postings",
        channel="counter",
        reference="r0",
    )
    # 00:10 Shanghai is 16:10 UTC on the previous UTC day: on DAY all the same.
    record(
        "case.opened",
        actor=alice,
        market=a,
        when=at(DAY, 0, 10),
        kind="postings",
        channel="counter",
        reference="r1",
    )
    record(
        "case.opened",
        actor=bob,
        market=a,
        when=at(DAY, 0, 10),
        kind="seekers",
        channel="phone",
        reference="r2",
    )
    record(
        "case.opened",
        actor=alice,
        market=a,
        when=at(DAY, 9, 0),
        kind="postings",
        channel="online",
        reference="r3",
    )
    record("case.claimed", actor=alice, market=a, when=at(DAY, 9, 5))
    record(
        "case.materials_requested",
        actor=alice,
        market=a,
        when=at(DAY, 9, 30),
        notice_id=7,
        item_count=3,
    )
    record("case.materials_received", actor=alice, market=a, when=at(DAY, 11, 0), item_count=3)
    record(
        "case.transferred",
        actor=alice,
        market=a,
        when=at(DAY, 11, 30),
        to_market_id=b.pk,
        to_user_id=None,
    )
    record("case.transfer_accepted", actor=bob, market=a, when=at(DAY, 12, 0))
    record("case.transfer_declined", actor=bob, market=a, when=at(DAY, 12, 5))
    record("case.resolved", actor=bob, market=a, when=at(DAY, 14, 0))
    record(
        "case.closed", actor=bob, market=a, when=at(DAY, 14, 30), kind="seekers", channel="phone"
    )
    record("case.reopened", actor=lead, market=a, when=at(DAY, 15, 0))
    record("case.withdrawn", actor=alice, market=a, when=at(DAY, 15, 30))
    # The team lead approves the extra item; the breach is alice's, who issued the notice.
    record("notice.breach_recorded", actor=lead, market=a, when=at(DAY, 16, 0), officer_id=alice.pk)
    record("personal_data.revealed", actor=bob, market=a, when=at(DAY, 16, 30))
    record("personal_data.revealed", actor=bob, market=a, when=at(DAY, 16, 31), success=False)
    record(
        "case.closed", actor=bob, market=a, when=at(DAY, 23, 50), kind="postings", channel="counter"
    )
    # Not the ledger's business: another market, an event the ledger does not count.
    record(
        "case.opened",
        actor=alice,
        market=b,
        when=at(DAY, 10, 0),
        kind="postings",
        channel="counter",
    )
    record("case.resolved", actor=bob, market=b, when=at(DAY, 10, 30))
    record("roles.granted", actor=lead, market=a, when=at(DAY, 8, 0))
    # Midnight belongs to the next day.
    record(
        "case.opened",
        actor=bob,
        market=a,
        when=at(DAY + timedelta(days=1), 0, 0),
        kind="seekers",
        channel="kiosk",
    )


def test_day_is_the_shanghai_calendar_day_in_utc() -> None:
    starts, ends = day_range(DAY)

    assert starts.isoformat() == "2026-03-01T16:00:00+00:00"
    assert ends.isoformat() == "2026-03-02T16:00:00+00:00"


@pytest.mark.usefixtures("scripted_day")
def test_day_totals_match_the_scripted_day(market_a: Market) -> None:
    ledger = ledger_day(market=market_a, day=DAY)

    assert ledger.period == "2026-03-02"
    assert ledger.totals.as_dict() == {
        "opened": 3,
        "opened_by_kind": {"postings": 2, "seekers": 1},
        "opened_by_channel": {"counter": 1, "online": 1, "phone": 1},
        "claimed": 1,
        "transfers_out": 1,
        "transfers_accepted": 1,
        "transfers_declined": 1,
        "notices_issued": 1,
        "materials_received": 1,
        "resolved": 1,
        "closed": 2,
        "closed_by_kind": {"postings": 1, "seekers": 1},
        "reopened": 1,
        "withdrawn": 1,
        "breaches": 1,
        "personal_data_reveals": 1,
        # No main business on this scripted day: see test_the_main_business_is_counted.
        **{name: 0 for name, _label in BUSINESS_FIGURE_LABELS},
    }


@pytest.mark.usefixtures("scripted_day")
def test_day_figures_per_officer_match_the_scripted_day(
    market_a: Market, alice: User, bob: User, lead: User
) -> None:
    ledger = ledger_day(market=market_a, day=DAY)

    assert [o.username for o in ledger.officers] == ["alice", "bob", "lead"]
    officer_a, officer_b, officer_lead = ledger.officers
    assert (officer_a.user_id, officer_a.full_name) == (alice.pk, "alice 同志")
    assert officer_a.figures == LedgerFigures(
        opened=2,
        opened_by_kind={"postings": 2},
        opened_by_channel={"counter": 1, "online": 1},
        claimed=1,
        notices_issued=1,
        materials_received=1,
        transfers_out=1,
        withdrawn=1,
        breaches=1,
    )
    assert officer_b.figures == LedgerFigures(
        opened=1,
        opened_by_kind={"seekers": 1},
        opened_by_channel={"phone": 1},
        transfers_accepted=1,
        transfers_declined=1,
        resolved=1,
        closed=2,
        closed_by_kind={"postings": 1, "seekers": 1},
        personal_data_reveals=1,
    )
    # The lead approved the breach but it is not theirs; the reopening is.
    assert officer_lead.figures == LedgerFigures(reopened=1)


@pytest.mark.usefixtures("scripted_day")
def test_breach_counts_against_the_issuing_officer_even_when_they_did_nothing_else(
    market_a: Market, lead: User
) -> None:
    carol = user_make("carol", role=Role.OFFICER, market=market_a)
    record(
        "notice.breach_recorded",
        actor=lead,
        market=market_a,
        when=at(DAY, 17, 0),
        officer_id=carol.pk,
    )

    ledger = ledger_day(market=market_a, day=DAY)

    officer_carol = ledger.officer(carol.pk)
    assert officer_carol is not None
    assert officer_carol.figures == LedgerFigures(breaches=1)
    lead_line = ledger.officer(lead.pk)
    assert lead_line is not None
    assert lead_line.figures.breaches == 0
    assert ledger.totals.breaches == 2


@pytest.mark.usefixtures("scripted_day")
def test_neighbouring_days_and_the_other_market_have_their_own_events(
    market_a: Market, market_b: Market, alice: User, bob: User
) -> None:
    before = ledger_day(market=market_a, day=DAY - timedelta(days=1))
    after = ledger_day(market=market_a, day=DAY + timedelta(days=1))
    other = ledger_day(market=market_b, day=DAY)

    assert before.totals == LedgerFigures(
        opened=1, opened_by_kind={"postings": 1}, opened_by_channel={"counter": 1}
    )
    assert [o.user_id for o in before.officers] == [alice.pk]
    assert after.totals == LedgerFigures(
        opened=1, opened_by_kind={"seekers": 1}, opened_by_channel={"kiosk": 1}
    )
    assert other.totals == LedgerFigures(
        opened=1, opened_by_kind={"postings": 1}, opened_by_channel={"counter": 1}, resolved=1
    )
    assert [o.user_id for o in other.officers] == [alice.pk, bob.pk]


@pytest.mark.usefixtures("scripted_day")
def test_month_is_the_sum_of_its_days(market_a: Market, alice: User) -> None:
    # Just outside March on either side.
    record(
        "case.opened",
        actor=alice,
        market=market_a,
        when=at(date(2026, 2, 28), 23, 59, 59),
        kind="postings",
        channel="counter",
    )
    record(
        "case.opened",
        actor=alice,
        market=market_a,
        when=at(date(2026, 4, 1), 0, 0),
        kind="postings",
        channel="counter",
    )

    month = ledger_month(market=market_a, year=2026, month=3)
    days = [ledger_day(market=market_a, day=date(2026, 3, d)) for d in range(1, 32)]

    assert month.period == "2026-03"
    assert (month.first_day, month.last_day) == (date(2026, 3, 1), date(2026, 3, 31))
    assert month.totals == sum((d.totals for d in days), LedgerFigures())
    assert month.totals.opened == 5  # the evening before, three on DAY, midnight after
    for officer in month.officers:
        per_day = [d.officer(officer.user_id) for d in days]
        summed = sum((o.figures for o in per_day if o is not None), LedgerFigures())
        assert officer.figures == summed
    assert month.officer(alice.pk) is not None
    february = ledger_month(market=market_a, year=2026, month=2)
    assert february.totals.opened == 1


def _events_make(market: Market, officers: list[User], n: int) -> None:
    kinds, channels = ["postings", "seekers"], ["counter", "phone", "online"]
    actions = ["case.opened", "case.closed", "case.claimed", "notice.breach_recorded"]
    with time_machine.travel(at(DAY, 10, 0), tick=True):
        for i in range(n):
            officer = officers[i % len(officers)]
            event_record(
                action=actions[i % len(actions)],
                actor=officer,
                market=market,
                new_values={
                    "kind": kinds[i % 2],
                    "channel": channels[i % 3],
                    "officer_id": officer.pk,
                },
            )


def _ledger_queries(market: Market) -> int:
    with CaptureQueriesContext(connection) as queries:
        ledger_day(market=market, day=DAY)
    return len(queries)


def test_query_count_of_a_day_is_bounded_and_independent_of_the_number_of_events(
    market_a: Market, market_b: Market, alice: User, bob: User, django_assert_max_num_queries: Any
) -> None:
    _events_make(market_a, [alice, bob], 10)
    _events_make(market_b, [alice, bob], 1000)

    with django_assert_max_num_queries(3):
        small = ledger_day(market=market_a, day=DAY)
    with django_assert_max_num_queries(3):
        large = ledger_day(market=market_b, day=DAY)

    assert small.totals.opened + small.totals.closed + small.totals.claimed == 8
    assert large.totals.opened == large.totals.closed == large.totals.claimed == 250
    assert large.totals.breaches == 250
    assert _ledger_queries(market_a) == _ledger_queries(market_b)


def test_day_reads_the_market_time_index(market_a: Market) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the plan is checked on SQLite; PostgreSQL plans by its statistics")
    starts_at, ends_at = day_range(DAY)

    plan = ledger_event_counts(market=market_a, starts_at=starts_at, ends_at=ends_at).explain()

    assert "audit_event_market_time" in plan


# --- Sign-off -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("scripted_day", "business_day")
def test_team_lead_signs_off_a_day_once_and_the_event_carries_the_figures(
    market_a: Market, lead: User
) -> None:
    with time_machine.travel(at(DAY, 17, 45), tick=False):
        sign_off = ledger_sign_off(actor=lead, market=market_a, day=DAY, note="核对无误")

    assert (sign_off.market, sign_off.day, sign_off.signed_by) == (market_a, DAY, lead)
    assert sign_off.signed_at == at(DAY, 17, 45)
    assert sign_off.note == "核对无误"
    [event] = rows("ledger.signed_off")
    assert (event.actor, event.market) == (lead, market_a)
    assert (event.target_type, event.target_id) == ("audit.ledgersignoff", str(sign_off.pk))
    assert event.new_values["day"] == "2026-03-02"
    assert event.new_values["note"] == "核对无误"
    assert event.new_values["totals"]["opened"] == 3
    assert event.new_values["totals"]["breaches"] == 1
    assert event.new_values["totals"]["hires"] == 1  # the main business is signed off too
    assert event.new_values["totals"]["complaints_received"] == 2
    assert chain_verify(chain=event.chain).ok
    assert ledger_day(market=market_a, day=DAY).sign_offs == (sign_off,)
    assert ledger_month(market=market_a, year=2026, month=3).sign_offs == (sign_off,)


def test_a_second_sign_off_of_the_same_day_is_refused(market_a: Market, lead: User) -> None:
    other_lead = user_make("lead2", role=Role.TEAM_LEAD, market=market_a)
    with time_machine.travel(at(DAY, 18, 0), tick=False):
        ledger_sign_off(actor=lead, market=market_a, day=DAY)
        with pytest.raises(ValidationError) as refused:
            ledger_sign_off(actor=other_lead, market=market_a, day=DAY)

    assert refused.value.code == "signed_off"
    assert "2026-03-02" in refused.value.messages[0]
    assert LedgerSignOff.objects.count() == 1
    assert len(rows("ledger.signed_off")) == 1


def test_an_officer_may_not_sign_off(market_a: Market, alice: User) -> None:
    with (
        time_machine.travel(at(DAY, 18, 0), tick=False),
        pytest.raises(PermissionDenied),
    ):
        ledger_sign_off(actor=alice, market=market_a, day=DAY)

    assert not LedgerSignOff.objects.exists()
    assert rows("ledger.signed_off") == []


def test_a_team_lead_of_another_market_may_not_sign_off(market_a: Market, market_b: Market) -> None:
    lead_b = user_make("leadb", role=Role.TEAM_LEAD, market=market_b)

    with pytest.raises(PermissionDenied):
        ledger_sign_off(actor=lead_b, market=market_a, day=DAY - timedelta(days=1))

    assert not LedgerSignOff.objects.exists()


def test_a_day_in_the_future_is_refused(market_a: Market, lead: User) -> None:
    with (
        time_machine.travel(at(DAY, 23, 59), tick=False),
        pytest.raises(ValidationError) as refused,
    ):
        ledger_sign_off(actor=lead, market=market_a, day=DAY + timedelta(days=1))

    assert refused.value.code == "future_day"
    assert not LedgerSignOff.objects.exists()
    assert rows("ledger.signed_off") == []


def test_today_in_shanghai_may_be_signed_while_it_is_still_yesterday_in_utc(
    market_a: Market, lead: User
) -> None:
    # 00:05 in Shanghai is 16:05 UTC on the day before.
    with time_machine.travel(at(DAY, 0, 5), tick=False):
        sign_off = ledger_sign_off(actor=lead, market=market_a, day=DAY)

    assert sign_off.day == DAY


# --- The main business (art. 3) ------------------------------------------------------------------


@pytest.fixture
def business_day(market_a: Market, market_b: Market, alice: User, bob: User) -> None:
    """A day of the main business as the workflows log it (their event codes and values)."""
    a = market_a
    record("posting.taken_in", actor=alice, market=a, when=at(DAY, 9, 0), occupation="4-03")
    record("posting.taken_in", actor=bob, market=a, when=at(DAY, 9, 5), occupation="4-03")
    record("posting.published", actor=alice, market=a, when=at(DAY, 9, 10))
    record("posting.expired", actor=None, market=a, when=at(DAY, 9, 11))  # nobody's work
    record("seeker.registered", actor=bob, market=a, when=at(DAY, 9, 20), complete=True)
    record("seeker.updated", actor=bob, market=a, when=at(DAY, 9, 25))  # not a registration
    record("guidance.referred", actor=alice, market=a, when=at(DAY, 10, 0), outcome="referred")
    record("guidance.referred", actor=alice, market=a, when=at(DAY, 10, 1), outcome="referred")
    record("guidance.referral_outcome", actor=alice, market=a, when=at(DAY, 11, 0), outcome="hired")
    record(
        "guidance.referral_outcome", actor=bob, market=a, when=at(DAY, 11, 5), outcome="declined"
    )
    record("seeker.guidance_recorded", actor=bob, market=a, when=at(DAY, 11, 30), item="policy")
    record("guidance.session_recorded", actor=bob, market=a, when=at(DAY, 11, 40))
    record("training.referred", actor=alice, market=a, when=at(DAY, 13, 0))
    record("training.enrolled", actor=alice, market=a, when=at(DAY, 13, 5))
    record("training.completed", actor=alice, market=a, when=at(DAY, 13, 10))
    record("welfare.placed", actor=bob, market=a, when=at(DAY, 14, 0))
    record("campaign.created", actor=alice, market=a, when=at(DAY, 14, 30))
    record("campaign.attendance_recorded", actor=alice, market=a, when=at(DAY, 14, 40))
    record("complaint.filed", actor=bob, market=a, when=at(DAY, 15, 0))
    record("complaint.filed", actor=bob, market=a, when=at(DAY, 15, 1))
    record("complaint.resolved", actor=bob, market=a, when=at(DAY, 15, 30))
    record("complaint.declined", actor=alice, market=a, when=at(DAY, 15, 40))
    record("complaint.filed", actor=bob, market=a, when=at(DAY, 15, 50), success=False)
    # Elsewhere or another day: not counted.
    record("posting.published", actor=alice, market=market_b, when=at(DAY, 10, 0))
    record(
        "guidance.referral_outcome",
        actor=alice,
        market=a,
        when=at(DAY + timedelta(days=1), 9, 0),
        outcome="hired",
    )


@pytest.mark.usefixtures("business_day")
def test_the_main_business_is_counted(market_a: Market, alice: User, bob: User) -> None:
    ledger = ledger_day(market=market_a, day=DAY)

    totals = ledger.totals.as_dict()
    assert {name: totals[name] for name, _label in BUSINESS_FIGURE_LABELS} == {
        "postings_taken_in": 2,
        "postings_published": 1,
        "seekers_registered": 1,
        "referrals": 2,
        "hires": 1,
        "guidance_items": 1,
        "guidance_sessions": 1,
        "training_referrals": 1,
        "training_completions": 1,
        "welfare_placements": 1,
        "campaigns_held": 1,
        "campaign_attendances": 1,
        "complaints_received": 2,
        "complaints_concluded": 2,
    }
    officer_a, officer_b = ledger.officer(alice.pk), ledger.officer(bob.pk)
    assert officer_a is not None and officer_b is not None
    assert officer_a.figures == LedgerFigures(
        postings_taken_in=1,
        postings_published=1,
        referrals=2,
        hires=1,
        training_referrals=1,
        training_completions=1,
        campaigns_held=1,
        campaign_attendances=1,
        complaints_concluded=1,
    )
    assert officer_b.figures == LedgerFigures(
        postings_taken_in=1,
        seekers_registered=1,
        guidance_items=1,
        guidance_sessions=1,
        welfare_placements=1,
        complaints_received=2,
        complaints_concluded=1,
    )


@pytest.mark.usefixtures("scripted_day", "business_day")
def test_every_figure_opens_to_exactly_the_events_it_counts(
    market_a: Market, alice: User, bob: User, lead: User
) -> None:
    ledger = ledger_day(market=market_a, day=DAY)

    for figure in FIGURES:
        events = ledger_figure_events(
            market=market_a, figure=figure, starts_at=ledger.starts_at, ends_at=ledger.ends_at
        )
        assert events.count() == getattr(ledger.totals, figure.name), figure.name
        assert {event.action for event in events} <= set(figure.actions)
        for line in ledger.officers:
            mine = ledger_figure_events(
                market=market_a,
                figure=figure,
                starts_at=ledger.starts_at,
                ends_at=ledger.ends_at,
                user_id=line.user_id,
            )
            assert mine.count() == getattr(line.figures, figure.name), (figure.name, line.username)
