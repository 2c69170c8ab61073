"""The services of the satisfaction ratings (好差评): a rating once per resolved case, with its
audit row and history; each refusal changing nothing; a poor rating opening a rectification
case with the team lead, its clock, the return visit and the closing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from conftest import SHANGHAI, case_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation
from ratings_support import resolved_case

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, State
from cases.services import CASE_SUBJECT, CaseActionError
from markets.models import Market, Membership, Role
from sla.models import Deadline, Target
from workflows.ratings.models import Level, Rating, RatingChannel, Rectification
from workflows.ratings.services import (
    rating_record,
    rectification_close,
    rectification_visit_record,
)

pytestmark = pytest.mark.usefixtures("frozen_time")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages read in English (Chinese is the default language)."""
    with translation.override("en"):
        yield


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_a_rating_of_a_resolved_case_is_recorded_with_its_officer_service_and_trail(
    officer, nanning_market
):
    case = resolved_case(officer)
    rating = rating_record(
        case=case, level=Level.SATISFIED, comment=" 很耐心 ", channel=RatingChannel.KIOSK
    )
    rating.refresh_from_db()
    assert (rating.level, rating.comment, rating.channel) == ("satisfied", "很耐心", "kiosk")
    assert (rating.officer, rating.kind, rating.market) == (
        officer,
        "policy_consultation",
        nanning_market,
    )
    [event] = _events("rating.recorded")
    assert event.actor is None and event.market == nanning_market
    assert event.new_values["case"] == case.reference
    assert event.new_values["level"] == "satisfied"
    assert event.new_values["channel"] == "kiosk"
    assert event.new_values["officer_id"] == officer.pk
    assert rating.history.count() == 1
    # A good rating opens nothing.
    assert not Rectification.objects.exists()


@pytest.mark.parametrize("state", ["in_progress", "awaiting_materials", "withdrawn"])
def test_a_case_not_resolved_is_not_rated(officer, state):
    case = case_make(officer)
    Case.objects.filter(pk=case.pk).update(state=state)
    with pytest.raises(CaseActionError, match="not completed yet"):
        rating_record(case=case, level=Level.SATISFIED, channel=RatingChannel.KIOSK)
    assert not Rating.objects.exists()
    assert not _events("rating.recorded")


def test_a_case_rated_already_is_refused_and_the_first_rating_stands(officer):
    case = resolved_case(officer)
    rating_record(case=case, level=Level.VERY_SATISFIED, channel=RatingChannel.ONLINE)
    with pytest.raises(CaseActionError, match="rated already") as refused:
        rating_record(case=case, level=Level.VERY_DISSATISFIED, channel=RatingChannel.KIOSK)
    assert case.reference in str(refused.value)
    assert list(Rating.objects.values_list("level", "channel")) == [("very_satisfied", "online")]
    assert len(_events("rating.recorded")) == 1
    assert not Rectification.objects.exists()


@pytest.mark.parametrize(
    ("level", "comment", "field"),
    [("excellent", "", "level"), ("", "", "level"), ("satisfied", "好" * 501, "comment")],
)
def test_bad_input_is_refused_per_field(officer, level, comment, field):
    case = resolved_case(officer)
    with pytest.raises(ValidationError) as refused:
        rating_record(case=case, level=level, comment=comment, channel=RatingChannel.KIOSK)
    assert field in refused.value.message_dict
    assert not Rating.objects.exists()


def test_the_counter_tablet_needs_an_officer_who_works_on_the_case(officer, nanning_market):
    case = resolved_case(officer)
    other = User.objects.create(username="other-officer")
    with pytest.raises(PermissionDenied):
        rating_record(
            case=case, level=Level.SATISFIED, channel=RatingChannel.COUNTER_TABLET, actor=other
        )
    assert not Rating.objects.exists()
    rating = rating_record(
        case=case, level=Level.SATISFIED, channel=RatingChannel.COUNTER_TABLET, actor=officer
    )
    assert _events("rating.recorded")[0].actor == officer
    assert rating.history.get().history_user == officer


def test_a_poor_rating_opens_a_rectification_with_the_team_lead_and_its_clock(
    officer, team_lead, nanning_market
):
    case = resolved_case(officer)
    rating = rating_record(
        case=case,
        level=Level.DISSATISFIED,
        comment="等了很久",
        channel=RatingChannel.SMS_LINK,
    )
    rectification = Rectification.objects.select_related("case").get(rating=rating)
    fix = rectification.case
    assert fix.kind == "rating_rectification"
    assert (fix.state, fix.owner, fix.market) == (State.IN_PROGRESS, team_lead, nanning_market)
    assert fix.applicant_id == case.applicant_id
    assert fix.first_contact_officer.username == f"rating-desk-{nanning_market.pk}"
    assert case.reference in fix.subject and fix.description == "等了很久"
    # 15 working days from Monday 2 March 2026, 09:00: the close of Monday 23 March.
    clock = Deadline.objects.get(
        subject_type=CASE_SUBJECT, subject_id=fix.pk, target=Target.COMPLETION
    )
    assert clock.due_at == datetime(2026, 3, 23, 17, 30, tzinfo=SHANGHAI)
    assert clock.stopped_at is None
    [opened] = _events("rectification.opened")
    assert opened.new_values["rated_case"] == case.reference
    assert opened.new_values["owner_id"] == team_lead.pk


def test_a_very_poor_rating_without_a_team_lead_waits_in_the_markets_queue(officer, nanning_market):
    rating = rating_record(
        case=resolved_case(officer), level=Level.VERY_DISSATISFIED, channel=RatingChannel.KIOSK
    )
    fix = rating.rectification.case
    assert (fix.state, fix.owner) == (State.NEW, None)


@pytest.mark.parametrize(
    "level", [Level.VERY_SATISFIED, Level.SATISFIED, Level.BASICALLY_SATISFIED]
)
def test_a_good_or_fair_rating_opens_no_rectification(officer, team_lead, level):
    rating_record(case=resolved_case(officer), level=level, channel=RatingChannel.KIOSK)
    assert not Rectification.objects.exists()
    assert not Case.objects.filter(kind="rating_rectification").exists()


def test_a_rectification_itself_is_not_rated(officer, team_lead):
    rating = rating_record(
        case=resolved_case(officer), level=Level.DISSATISFIED, channel=RatingChannel.KIOSK
    )
    fix = rating.rectification
    rectification_visit_record(
        actor=team_lead, rectification=fix, visited_on=date(2026, 3, 2), outcome="已致歉"
    )
    rectification_close(actor=team_lead, rectification=fix, outcome="已整改")
    with pytest.raises(CaseActionError, match="not rated"):
        rating_record(case=fix.case, level=Level.SATISFIED, channel=RatingChannel.KIOSK)


def test_the_rectification_closes_only_after_the_return_visit(officer, team_lead, frozen_time):
    rating = rating_record(
        case=resolved_case(officer), level=Level.DISSATISFIED, channel=RatingChannel.KIOSK
    )
    fix = rating.rectification
    with pytest.raises(CaseActionError, match="return visit"):
        rectification_close(actor=team_lead, rectification=fix, outcome="已整改")
    assert Case.objects.get(pk=fix.case_id).state == State.IN_PROGRESS

    frozen_time.shift(timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        rectification_visit_record(
            actor=team_lead, rectification=fix, visited_on=date(2026, 3, 4), outcome=""
        )
    assert set(refused.value.message_dict) == {"visited_on", "outcome"}
    with pytest.raises(PermissionDenied):
        rectification_visit_record(
            actor=officer, rectification=fix, visited_on=date(2026, 3, 3), outcome="已回访"
        )
    rectification_visit_record(
        actor=team_lead, rectification=fix, visited_on=date(2026, 3, 3), outcome="申请人表示理解"
    )
    fix.refresh_from_db()
    assert (fix.visited_on, fix.visit_outcome, fix.visit_recorded_by) == (
        date(2026, 3, 3),
        "申请人表示理解",
        team_lead,
    )
    with pytest.raises(CaseActionError, match="recorded already"):
        rectification_visit_record(
            actor=team_lead, rectification=fix, visited_on=date(2026, 3, 3), outcome="again"
        )
    [visit] = _events("rectification.visit_recorded")
    assert visit.actor == team_lead and visit.new_values["visited_on"] == "2026-03-03"

    rectification_close(actor=team_lead, rectification=fix, outcome="已加强窗口培训")
    case = Case.objects.get(pk=fix.case_id)
    assert case.state == State.CLOSED and case.outcome == "已加强窗口培训"
    clock = Deadline.objects.get(
        subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.COMPLETION
    )
    assert clock.stopped_at is not None
    assert [e.actor for e in _events("rectification.closed")] == [team_lead]
    assert fix.history.count() == 2  # opened, visit recorded
    with pytest.raises(CaseActionError, match="closed already"):
        rectification_close(actor=team_lead, rectification=fix, outcome="again")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks (SELECT … FOR UPDATE) and real concurrent connections: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ratings_of_one_case_have_exactly_one_winner(nanning_market: Market):
    officer = User.objects.create(username="racer-officer")
    Membership.objects.create(user=officer, role=Role.OFFICER, market=nanning_market)
    case = resolved_case(officer)
    start = threading.Barrier(2)
    won: list[str] = []
    refused: list[CaseActionError] = []
    errors: list[BaseException] = []

    def rate(level: str) -> None:
        try:
            stale = Case.objects.get(pk=case.pk)
            start.wait(timeout=30)
            with translation.override("en"):  # each thread has its own language
                rating_record(case=stale, level=level, channel=RatingChannel.KIOSK)
            won.append(level)
        except CaseActionError as error:
            refused.append(error)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=rate, args=(level,))
        for level in (Level.SATISFIED, Level.VERY_DISSATISFIED)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(won) == 1 and len(refused) == 1
    assert "rated already" in str(refused[0])
    assert list(Rating.objects.values_list("level", flat=True)) == won
    assert AuditEvent.objects.filter(action="rating.recorded").count() == 1
    # A rectification only if the poor rating won.
    assert Rectification.objects.count() == (1 if won == [Level.VERY_DISSATISFIED] else 0)


def test_the_database_refuses_a_second_rating_of_a_case(officer, nanning_market):
    """The unique constraint, without the service's check: the last line of the race."""
    from django.db import IntegrityError, transaction

    case = resolved_case(officer)
    Rating.objects.create(
        case=case, level="satisfied", channel="kiosk", kind=case.kind, market=nanning_market
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            case=case, level="dissatisfied", channel="online", kind=case.kind, market=nanning_market
        )
