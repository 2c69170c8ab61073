"""Public-welfare job applications (standard art. 20): apply, approve, decline, place, end,
with the audit trail, the case and its deadline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from conftest import ID_NUMBERS, SHANGHAI, MarketFactory, UserFactory
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from welfare_support import seeker_with, welfare_actions, welfare_posting_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import State
from cases.services import CaseActionError
from markets.models import Market, Membership, Role
from sla.models import Deadline
from workflows.postings.services import posting_withdraw
from workflows.welfare.eligibility import POSTING_TO_SEEKER, categories_matched
from workflows.welfare.models import Application, Placement, Status, add_months
from workflows.welfare.services import (
    placement_end,
    welfare_apply,
    welfare_approve,
    welfare_decline,
    welfare_place,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages checked in their English source text (Chinese is filled in separately)."""
    with translation.override("en"):
        yield


def _apply(officer: User, market: Market, **kwargs: object) -> Application:
    posting = kwargs.pop("posting", None) or welfare_posting_make(officer, market)
    seeker = kwargs.pop("seeker", None) or seeker_with(officer, market, ["dibao"])
    return welfare_apply(
        actor=officer,
        market=market,
        seeker=seeker,  # type: ignore[arg-type]
        posting=posting,  # type: ignore[arg-type]
        channel=str(kwargs.pop("channel", "counter")),
    )


def test_every_posting_code_maps_to_a_seeker_code_or_to_none_on_purpose() -> None:
    from workflows.postings.models import Eligibility
    from workflows.seekers.models import DifficultyCategory

    assert set(POSTING_TO_SEEKER) == set(Eligibility.values)
    mapped = {code for code in POSTING_TO_SEEKER.values() if code is not None}
    assert mapped <= set(DifficultyCategory.values)
    assert POSTING_TO_SEEKER["subsistence"] == "dibao"
    assert POSTING_TO_SEEKER["veteran"] is None
    assert categories_matched(["subsistence", "veteran"], ["single_parent", "dibao"]) == ["dibao"]


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_short_month() -> None:
    assert add_months(date(2026, 3, 16), 6) == date(2026, 9, 16)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_whole_flow_apply_approve_place_end(
    officer: User, team_lead: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    application = _apply(officer, nanning_market)

    case = application.case
    assert case.kind == "welfare_application"
    assert case.state == State.IN_PROGRESS
    assert case.first_contact_officer == officer
    assert application.status == Status.APPLIED
    assert application.categories_matched == ["dibao"]
    completion = Deadline.objects.get(subject_id=case.pk, target="completion")
    # Monday 2026-03-02 09:00 + 10 working days: the market closes at 17:30 on Monday 03-16.
    assert completion.due_at == datetime(2026, 3, 16, 17, 30, tzinfo=SHANGHAI)
    assert completion.stopped_at is None

    with pytest.raises(PermissionDenied):
        welfare_approve(actor=officer, application=application)
    welfare_approve(actor=team_lead, application=application, note="材料齐全")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.decided_by == team_lead

    frozen_time.move_to(datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI))
    placement = welfare_place(
        actor=officer,
        application=application,
        starts_on=date(2026, 3, 16),
        subsidy_months=6,
        subsidy_monthly_amount=Decimal("1800.00"),
    )
    assert placement.subsidy_ends_on == date(2026, 9, 16)
    assert placement.subsidy_monthly_amount == Decimal("1800.00")
    assert (placement.seeker, placement.posting) == (application.seeker, application.posting)
    application.refresh_from_db()
    assert application.status == Status.PLACED
    case.refresh_from_db()
    assert case.state == State.RESOLVED
    assert "2026-09-16" in case.outcome
    completion.refresh_from_db()
    assert completion.stopped_at is not None
    assert completion.met is True

    placement_end(
        actor=officer, placement=placement, ended_on=date(2026, 5, 31), reason="stable_job"
    )
    placement.refresh_from_db()
    assert (placement.ended_on, placement.end_reason) == (date(2026, 5, 31), "stable_job")
    with pytest.raises(CaseActionError):
        placement_end(
            actor=officer, placement=placement, ended_on=date(2026, 6, 1), reason="resigned"
        )

    assert welfare_actions() == [
        "welfare.applied",
        "welfare.approved",
        "welfare.placed",
        "welfare.placement_ended",
    ]
    case_actions = list(
        AuditEvent.objects.filter(action__startswith="case.", target_id=str(case.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert case_actions == ["case.opened", "case.resolved"]
    placed = AuditEvent.objects.get(action="welfare.placed")
    assert placed.actor == officer
    assert placed.new_values["subsidy_ends_on"] == "2026-09-16"
    assert placed.new_values["case"] == case.reference
    assert placement.history.first().history_user == officer


def test_decline_resolves_the_case_with_the_reason(
    officer: User, team_lead: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    application = _apply(officer, nanning_market)
    with pytest.raises(ValidationError) as error:
        welfare_decline(actor=team_lead, application=application, reason="  ")
    assert "reason" in error.value.message_dict
    welfare_decline(actor=team_lead, application=application, reason="岗位已满")
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    assert application.case.state == State.RESOLVED
    assert "岗位已满" in application.case.outcome
    assert Deadline.objects.get(subject_id=application.case.pk, target="completion").met is True
    assert welfare_actions() == ["welfare.applied", "welfare.declined"]
    event = AuditEvent.objects.get(action="welfare.declined")
    assert (event.actor, event.new_values["reason"]) == (team_lead, "岗位已满")
    with pytest.raises(CaseActionError):
        welfare_approve(actor=team_lead, application=application)
    # Declined: the seeker may apply again.
    again = _apply(officer, nanning_market, seeker=application.seeker, posting=application.posting)
    assert again.pk != application.pk


def test_ineligible_seeker_is_refused_naming_both_category_lists(
    officer: User, nanning_market: Market
) -> None:
    posting = welfare_posting_make(officer, nanning_market, eligibility=["subsistence", "veteran"])
    seeker = seeker_with(officer, nanning_market, ["single_parent", "long_term_unemployed"])
    with pytest.raises(ValidationError) as error:
        _apply(officer, nanning_market, posting=posting, seeker=seeker)
    [message] = error.value.message_dict["seeker"]
    from workflows.postings.models import Eligibility
    from workflows.seekers.models import DifficultyCategory

    for label in (
        Eligibility.SUBSISTENCE.label,
        Eligibility.VETERAN.label,
        DifficultyCategory.SINGLE_PARENT.label,
        DifficultyCategory.LONG_TERM_UNEMPLOYED.label,
    ):
        assert str(label) in message
    assert str(Eligibility.DISABLED.label) not in message
    assert not Application.objects.exists()
    assert welfare_actions() == []


def test_seeker_without_any_category_is_refused_saying_none_recorded(
    officer: User, nanning_market: Market
) -> None:
    seeker = seeker_with(officer, nanning_market, [])
    with pytest.raises(ValidationError) as error:
        _apply(officer, nanning_market, seeker=seeker)
    assert "none recorded" in error.value.message_dict["seeker"][0]


def test_posting_not_public_welfare_or_not_published_or_of_another_market_is_refused(
    officer: User, nanning_market: Market
) -> None:
    seeker = seeker_with(officer, nanning_market, ["dibao"])
    ordinary = welfare_posting_make(
        officer, nanning_market, is_public_welfare=False, eligibility=[]
    )
    in_review = welfare_posting_make(officer, nanning_market, publish=False)
    withdrawn = welfare_posting_make(officer, nanning_market)
    posting_withdraw(actor=officer, posting=withdrawn, reason="招满")
    other_market = MarketFactory.create(region=nanning_market.region)
    other_officer = UserFactory.create(username="liuzhou_officer")
    Membership.objects.create(user=other_officer, role=Role.OFFICER, market=other_market)
    other = welfare_posting_make(other_officer, other_market)
    for posting, words in [
        (ordinary, "not a public-welfare job"),
        (in_review, "not published"),
        (withdrawn, "not published"),
        (other, "another market"),
    ]:
        with pytest.raises(ValidationError) as error:
            _apply(officer, nanning_market, posting=posting, seeker=seeker)
        assert words in error.value.message_dict["posting"][0]
    with pytest.raises(ValidationError) as error:
        _apply(officer, nanning_market, seeker=seeker, channel="pigeon")
    assert "channel" in error.value.message_dict
    assert not Application.objects.exists()


def test_second_application_for_the_same_job_is_refused(
    officer: User, nanning_market: Market
) -> None:
    first = _apply(officer, nanning_market)
    with pytest.raises(ValidationError) as error:
        _apply(officer, nanning_market, seeker=first.seeker, posting=first.posting)
    assert "applied for this job already" in error.value.message_dict["seeker"][0]


def test_someone_outside_the_market_may_not_apply(nanning_market: Market, officer: User) -> None:
    posting = welfare_posting_make(officer, nanning_market)
    seeker = seeker_with(officer, nanning_market, ["dibao"])
    stranger = UserFactory.create(username="stranger")
    with pytest.raises(PermissionDenied):
        _apply(stranger, nanning_market, posting=posting, seeker=seeker)


def test_placement_input_is_checked(
    officer: User, team_lead: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    application = _apply(officer, nanning_market)
    good: dict[str, Any] = {
        "starts_on": date(2026, 3, 9),
        "subsidy_months": 6,
        "subsidy_monthly_amount": "1800",
    }
    with pytest.raises(CaseActionError):  # not approved yet
        welfare_place(actor=officer, application=application, **good)
    welfare_approve(actor=team_lead, application=application)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"subsidy_months": 0}, "subsidy_months"),
        ({"subsidy_months": 37}, "subsidy_months"),
        ({"subsidy_monthly_amount": "0"}, "subsidy_monthly_amount"),
        ({"subsidy_monthly_amount": "abc"}, "subsidy_monthly_amount"),
        ({"subsidy_monthly_amount": "12.345"}, "subsidy_monthly_amount"),
        ({"starts_on": date(2026, 3, 1)}, "starts_on"),
        ({"starts_on": application.posting.end_date + timedelta(days=1)}, "starts_on"),
    ]
    for change, field in bad:
        with pytest.raises(ValidationError) as error:
            welfare_place(actor=officer, application=application, **(good | change))
        assert field in error.value.message_dict, change
    assert not Placement.objects.exists()
    other_officer = UserFactory.create(username="colleague")
    Membership.objects.create(user=other_officer, role=Role.OFFICER, market=nanning_market)
    with pytest.raises(PermissionDenied):  # neither the case's owner nor a team lead
        welfare_place(actor=other_officer, application=application, **good)
    placement = welfare_place(actor=officer, application=application, **good)
    for ended_on, reason, field in [
        (date(2026, 3, 8), "resigned", "ended_on"),
        (date(2026, 4, 1), "bored", "end_reason"),
    ]:
        with pytest.raises(ValidationError) as error:
            placement_end(actor=officer, placement=placement, ended_on=ended_on, reason=reason)
        assert field in error.value.message_dict


def test_a_second_seeker_id_works(officer: User, nanning_market: Market) -> None:
    seeker = seeker_with(
        officer, nanning_market, ["disabled"], id_number=ID_NUMBERS[1], name="李四"
    )
    assert _apply(officer, nanning_market, seeker=seeker).categories_matched == ["disabled"]
