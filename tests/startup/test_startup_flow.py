"""Start-up help (standard art. 23): open, record the four services, complete; the trail and
the completion deadline; the bad input each service refuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from startup_support import startup_actions, startup_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import State
from cases.services import CaseActionError, applicant_organisation_register
from markets.models import Market
from sla.models import Deadline, Policy
from workflows.startup.models import StartupService
from workflows.startup.services import startup_close, startup_item_record, startup_open

ITEMS = ["training", "project", "opening", "loan"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in the source language (the UI's default is Chinese)."""
    with translation.override("en"):
        yield


def test_whole_flow_leaves_outcomes_summary_trail_and_a_met_deadline(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    case = startup_make(officer, nanning_market)

    assert case.kind == "startup_help"
    assert case.state == State.IN_PROGRESS
    assert case.subject == "在青秀区开一家米粉店"
    assert case.first_contact_officer == officer
    services = StartupService.objects.filter(case=case).order_by("pk")
    assert [(s.item, s.outcome) for s in services] == [(i, "pending") for i in ITEMS]
    completion = Deadline.objects.get(subject_id=case.pk, target="completion")
    assert completion.policy.amount == 10
    assert completion.policy.unit == "working_days"
    # Ten working days from Monday 2 March 2026: Monday 16 March.
    assert timezone.localtime(completion.due_at).date() == date(2026, 3, 16)

    startup_item_record(actor=officer, case=case, item="training", outcome="provided")
    startup_item_record(
        actor=officer, case=case, item="project", outcome="referred", note="市创业孵化基地"
    )
    startup_item_record(actor=officer, case=case, item="opening", outcome="not_needed")
    service = startup_item_record(actor=officer, case=case, item="loan", outcome="declined")
    assert (service.officer, service.date) == (officer, date(2026, 3, 2))
    assert service.history.first().history_user == officer

    frozen_time.shift(3600)
    case = startup_close(actor=officer, case=case)

    assert case.state == State.CLOSED
    assert "Start-up training: Provided" in case.outcome
    assert "Project recommendation: Referred elsewhere (市创业孵化基地)" in case.outcome
    completion.refresh_from_db()
    assert completion.stopped_at is not None
    assert completion.met is True
    assert startup_actions(nanning_market) == [
        "case.opened",
        "startup.opened",
        *["startup.item_recorded"] * 4,
        "case.resolved",
        "case.closed",
        "startup.closed",
    ]
    recorded = AuditEvent.objects.filter(action="startup.item_recorded").order_by("sequence")
    assert recorded[1].new_values == {
        "reference": case.reference,
        "item": "project",
        "outcome": "referred",
    }
    assert recorded[1].old_values == {"outcome": "pending"}


def test_sla_policy_is_seeded_for_acceptance_and_completion(db: None) -> None:
    policies = Policy.objects.filter(kind="startup_help", market=None).order_by("target")
    assert [(p.target, p.amount, p.unit) for p in policies] == [
        ("acceptance", 1, "same_day"),
        ("completion", 10, "working_days"),
    ]
    assert all(p.pause_states == ["awaiting_materials"] for p in policies)


def test_closing_is_refused_while_an_item_is_pending(officer: User, nanning_market: Market) -> None:
    case = startup_make(officer, nanning_market)
    for item in ("training", "project", "opening"):
        startup_item_record(actor=officer, case=case, item=item, outcome="provided")

    with pytest.raises(CaseActionError, match="Guaranteed-loan consultation"):
        startup_close(actor=officer, case=case)

    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert not AuditEvent.objects.filter(action__in=["case.resolved", "startup.closed"]).exists()


def test_recording_the_same_outcome_again_changes_nothing(
    officer: User, nanning_market: Market
) -> None:
    case = startup_make(officer, nanning_market)
    startup_item_record(actor=officer, case=case, item="training", outcome="provided")
    startup_item_record(actor=officer, case=case, item="training", outcome="provided")
    assert AuditEvent.objects.filter(action="startup.item_recorded").count() == 1


@pytest.mark.parametrize(
    ("item", "outcome", "note", "field"),
    [
        ("mentoring", "provided", "", "item"),
        ("training", "pending", "", "outcome"),
        ("training", "done", "", "outcome"),
        ("training", "", "", "outcome"),
        ("project", "referred", "  ", "note"),
        ("training", "provided", "x" * 2001, "note"),
        ("training", "provided", "a\x00b", "note"),
    ],
)
def test_bad_item_input_is_refused_on_its_field(
    officer: User, nanning_market: Market, item: str, outcome: str, note: str, field: str
) -> None:
    case = startup_make(officer, nanning_market)
    with pytest.raises(ValidationError) as caught:
        startup_item_record(actor=officer, case=case, item=item, outcome=outcome, note=note)
    assert field in caught.value.message_dict
    assert not AuditEvent.objects.filter(action="startup.item_recorded").exists()


@pytest.mark.parametrize("plan", ["", "   ", "x" * 4001])
def test_opening_without_a_plan_is_refused(
    officer: User, nanning_market: Market, plan: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        startup_make(officer, nanning_market, plan_summary=plan)
    assert "plan_summary" in caught.value.message_dict


def test_start_up_help_is_for_a_person_not_an_organisation(
    officer: User, nanning_market: Market
) -> None:
    organisation = applicant_organisation_register(
        actor=officer, name="南宁市邕江餐饮有限公司", credit_code="91450100MA5K3D8Q0N"
    )
    with pytest.raises(ValidationError) as caught:
        startup_open(
            actor=officer,
            market=nanning_market,
            applicant=organisation,
            channel="counter",
            plan_summary="开店",
        )
    assert "applicant" in caught.value.message_dict


def test_opening_in_another_market_and_recording_by_a_stranger_are_denied(
    officer: User, team_lead: User, nanning_market: Market, liuzhou: object
) -> None:
    from startup_support import other_market_officer

    stranger = other_market_officer(liuzhou)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        startup_make(stranger, nanning_market)
    case = startup_make(officer, nanning_market)
    with pytest.raises(PermissionDenied):
        startup_item_record(actor=stranger, case=case, item="training", outcome="provided")
    # The market's team lead may work on any of its cases.
    startup_item_record(actor=team_lead, case=case, item="training", outcome="provided")


def test_a_case_of_another_kind_is_refused(officer: User, nanning_market: Market) -> None:
    from conftest import case_make

    other = case_make(officer)
    with pytest.raises(CaseActionError):
        startup_item_record(actor=officer, case=other, item="training", outcome="provided")


def test_items_cannot_be_recorded_on_a_completed_case(
    officer: User, nanning_market: Market
) -> None:
    case = startup_make(officer, nanning_market)
    for item in ITEMS:
        startup_item_record(actor=officer, case=case, item=item, outcome="provided")
    startup_close(actor=officer, case=case)
    with pytest.raises(CaseActionError):
        startup_item_record(actor=officer, case=case, item="loan", outcome="declined")
