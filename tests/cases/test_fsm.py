"""The engine's shared mechanics of a state change (``cases.fsm``): every service of the case
engine and of the workflows locks, checks, runs, saves with history, audits and schedules its
side effects through them."""

from __future__ import annotations

from typing import Any

import pytest
from case_support import (
    audit_mark,
    case_new,
    case_row,
    case_state,
    market_make,
    staff_make,
    trail,
)
from conftest import applicant_make
from django.core.exceptions import PermissionDenied

from accounts.models import User
from cases import events
from cases.fsm import CaseActionError, row_locked, save_with_history, transition
from cases.models import Applicant, Case, State
from cases.services import CaseActionError as ServicesCaseActionError
from markets.models import Region, Role


def _refused(case: Case) -> str:
    return f"{case.reference} refused"


def _claim(case: Case, actor: User, effects: list[Any]) -> Case:
    return transition(
        case,
        "claim",
        actor=actor,
        lock=lambda case: row_locked(Case, case.pk),
        refused=_refused,
        kwargs={"by": actor},
        event=lambda case: events.case_claimed_event(case, actor),
        on_commit=[effects.append],
    )


def test_the_services_raise_the_engines_error() -> None:
    assert ServicesCaseActionError is CaseActionError


@pytest.mark.django_db
def test_save_with_history_names_the_actor_and_the_reason_on_the_history_row(
    officer: User,
) -> None:
    applicant: Applicant = applicant_make(officer)

    applicant.name = "韦大宝"
    save_with_history(applicant, officer, update_fields=["name"], reason="typo at intake")

    latest = Applicant.history.filter(id=applicant.pk).latest("history_id")
    assert (latest.name, latest.history_user, latest.history_change_reason) == (
        "韦大宝",
        officer,
        "typo at intake",
    )


@pytest.mark.django_db
def test_transition_runs_saves_audits_and_schedules_the_side_effect_on_commit(
    officer: User, team_lead: User, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_new(team_lead)
    mark = audit_mark()
    effects: list[Any] = []

    with django_capture_on_commit_callbacks(execute=True):
        claimed = _claim(case, officer, effects)
        assert effects == []  # not before the commit

    case.refresh_from_db()
    assert (case.state, case.owner) == (State.IN_PROGRESS, officer)
    assert case.history.latest("history_id").history_user == officer
    assert trail(mark) == [
        case_row("case.claimed", actor=officer, case=case, state=State.IN_PROGRESS)
    ]
    assert effects == [claimed]


@pytest.mark.django_db
def test_transition_the_state_does_not_allow_is_refused_and_changes_nothing(
    officer: User, team_lead: User, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_new(team_lead)
    _claim(case, officer, [])
    before = case_state(case)
    effects: list[Any] = []

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CaseActionError) as error:
        _claim(case, team_lead, effects)

    assert str(error.value) == f"{case.reference} refused"
    assert case_state(case) == before
    assert effects == []


@pytest.mark.django_db
def test_transition_by_an_actor_without_its_permission_is_refused_and_changes_nothing(
    team_lead: User, guangxi: Region, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_new(team_lead)
    stranger = staff_make("stranger", Role.OFFICER, market_make("450200", "柳州市"))
    before = case_state(case)
    effects: list[Any] = []

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        _claim(case, stranger, effects)

    assert case_state(case) == before
    assert effects == []
