"""The start-up guaranteed-loan pre-check: limits (configurable, from a date), criteria, and
one single notice listing everything missing (一次性告知)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from startup_support import precheck_data, startup_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import ChecklistItem, NoticeItem, SingleNotice, State
from cases.services import CaseActionError
from markets.models import Market
from sla.models import Deadline
from workflows.startup.models import LoanLimits, LoanPreCheck
from workflows.startup.services import loan_limit_in_force, loan_precheck


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in the source language (the UI's default is Chinese)."""
    with translation.override("en"):
        yield


def test_shipped_limits_are_200_000_and_3_000_000(db: None) -> None:
    individual = loan_limit_in_force(borrower_kind="individual", on=date(2026, 3, 2))
    business = loan_limit_in_force(borrower_kind="small_business", on=date(2026, 3, 2))
    assert individual is not None and business is not None
    assert individual.max_amount == Decimal("200000")
    assert business.max_amount == Decimal("3000000")
    assert "财金〔2020〕21号" in individual.note


def test_shipped_checklist_has_the_loan_materials(db: None) -> None:
    names = list(ChecklistItem.objects.filter(kind="startup_help").values_list("name", flat=True))
    wanted = ["居民身份证", "就业创业证", "营业执照", "创业计划书", "信用报告", "担保或反担保材料"]
    assert set(wanted) <= set(names)
    assert all(
        item.reason and item.format and item.issuing_body
        for item in ChecklistItem.objects.filter(kind="startup_help")
    )


def test_an_amount_beyond_the_individual_limit_is_refused_with_the_limit(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    case = startup_make(officer, nanning_market)
    with pytest.raises(ValidationError) as caught:
        loan_precheck(actor=officer, case=case, data=precheck_data(amount="200001"))
    [message] = caught.value.message_dict["amount"]
    assert "200,000" in message
    assert not LoanPreCheck.objects.exists()
    assert not AuditEvent.objects.filter(action="startup.loan_prechecked").exists()
    # The limit itself is allowed.
    check = loan_precheck(actor=officer, case=case, data=precheck_data(amount="200000"))
    assert check.result == "pre_eligible"


def test_a_newer_limit_applies_from_its_date(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    LoanLimits.objects.create(
        borrower_kind="individual",
        max_amount=Decimal("300000"),
        effective_from=date(2026, 3, 10),
        note="test: a raised limit",
    )
    case = startup_make(officer, nanning_market)
    with pytest.raises(ValidationError):
        loan_precheck(actor=officer, case=case, data=precheck_data(amount="250000"))

    frozen_time.move_to("2026-03-10 09:00:00+08:00")
    check = loan_precheck(actor=officer, case=case, data=precheck_data(amount="250000"))
    assert check.result == "pre_eligible"
    assert check.limit.max_amount == Decimal("300000")


def test_three_things_missing_issue_one_notice_listing_all_three_and_no_second_one(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    case = startup_make(officer, nanning_market)
    data = precheck_data(good_credit="unknown", plan_submitted="no", business_registered_on="")

    check = loan_precheck(actor=officer, case=case, data=data)

    assert check.result == "incomplete"
    assert check.missing == ["business_registration", "plan", "credit"]
    notice = SingleNotice.objects.get()
    assert check.notice == notice
    assert [i.name for i in NoticeItem.objects.filter(notice=notice).order_by("pk")] == [
        "营业执照",
        "创业计划书",
        "信用报告",
    ]
    assert notice.time_limit_days == 10
    assert "营业执照" in notice.sms_text and "信用报告" in notice.sms_text
    case.refresh_from_db()
    assert case.state == State.AWAITING_MATERIALS
    assert Deadline.objects.get(subject_id=case.pk, target="completion").paused_at is not None
    event = AuditEvent.objects.get(action="startup.loan_prechecked")
    assert event.new_values["missing"] == ["business_registration", "plan", "credit"]
    assert event.new_values["notice_id"] == notice.pk
    assert AuditEvent.objects.filter(action="case.materials_requested").count() == 1

    again = loan_precheck(
        actor=officer, case=case, data=precheck_data(guarantee_available="unknown")
    )

    assert again.result == "incomplete"
    assert again.notice is None
    assert "issued already" in again.notice_refused
    assert SingleNotice.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.materials_requested").count() == 1
    assert AuditEvent.objects.filter(action="startup.loan_prechecked").count() == 2


def test_credit_and_other_loan_both_missing_ask_for_one_credit_report(
    officer: User, nanning_market: Market
) -> None:
    case = startup_make(officer, nanning_market)
    loan_precheck(
        actor=officer,
        case=case,
        data=precheck_data(good_credit="unknown", no_other_loan="unknown"),
    )
    assert [i.name for i in NoticeItem.objects.all()] == ["信用报告"]


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({"eligibility_group": "none"}, ["eligibility_group"]),
        ({"good_credit": "no"}, ["credit"]),
        ({"no_other_loan": "no", "guarantee_available": "no"}, ["other_loan", "guarantee"]),
        (
            {"borrower_kind": "small_business", "amount": "2500000", "hires_share_met": "no"},
            ["hires_share"],
        ),
    ],
)
def test_a_criterion_answered_no_rules_the_applicant_out_without_a_notice(
    officer: User, nanning_market: Market, changes: dict[str, str], failed: list[str]
) -> None:
    case = startup_make(officer, nanning_market)
    check = loan_precheck(
        actor=officer, case=case, data=precheck_data(identity_checked="unknown", **changes)
    )
    assert check.result == "not_eligible"
    assert check.failed == failed
    assert check.missing == ["identity"]
    assert not SingleNotice.objects.exists()


def test_a_business_older_than_the_configured_years_is_ruled_out(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    limit = LoanLimits.objects.get(borrower_kind="individual")
    limit.business_max_years = 3
    limit.save()
    case = startup_make(officer, nanning_market)
    old = loan_precheck(
        actor=officer, case=case, data=precheck_data(business_registered_on="2023-03-02")
    )
    young = loan_precheck(
        actor=officer, case=case, data=precheck_data(business_registered_on="2023-03-03")
    )
    assert (old.result, old.failed) == ("not_eligible", ["business_registration"])
    assert young.result == "pre_eligible"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"borrower_kind": ""}, "borrower_kind"),
        ({"borrower_kind": "cooperative"}, "borrower_kind"),
        ({"amount": ""}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"borrower_kind": "small_business", "amount": "3000000.01"}, "amount"),
        ({"eligibility_group": "astronaut"}, "eligibility_group"),
        ({"business_registered_on": "2026-02-30"}, "business_registered_on"),
        ({"business_registered_on": "2026-03-03"}, "business_registered_on"),
        ({"good_credit": "maybe"}, "good_credit"),
    ],
)
def test_bad_precheck_input_is_refused_on_its_field(
    officer: User,
    nanning_market: Market,
    frozen_time: time_machine.Traveller,
    changes: dict[str, str],
    field: str,
) -> None:
    case = startup_make(officer, nanning_market)
    with pytest.raises(ValidationError) as caught:
        loan_precheck(actor=officer, case=case, data=precheck_data(**changes))
    assert field in caught.value.message_dict
    assert not LoanPreCheck.objects.exists()


def test_every_bad_field_is_named_at_once(officer: User, nanning_market: Market) -> None:
    case = startup_make(officer, nanning_market)
    with pytest.raises(ValidationError) as caught:
        loan_precheck(
            actor=officer,
            case=case,
            data=precheck_data(amount="x", good_credit="?", business_registered_on="no"),
        )
    assert set(caught.value.message_dict) == {"amount", "good_credit", "business_registered_on"}


def test_a_missing_checklist_item_stops_the_notice_and_says_which(
    officer: User, nanning_market: Market
) -> None:
    ChecklistItem.objects.filter(kind="startup_help", name="信用报告").update(is_active=False)
    case = startup_make(officer, nanning_market)
    with pytest.raises(CaseActionError, match="信用报告"):
        loan_precheck(actor=officer, case=case, data=precheck_data(good_credit="unknown"))
    assert not LoanPreCheck.objects.exists()
    assert not SingleNotice.objects.exists()


def test_only_the_owner_or_a_team_lead_may_precheck(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    from conftest import UserFactory

    from markets.models import Membership, Role

    colleague = UserFactory.create(username="colleague")
    Membership.objects.create(user=colleague, role=Role.OFFICER, market=nanning_market)
    case = startup_make(officer, nanning_market)
    with pytest.raises(PermissionDenied):
        loan_precheck(actor=colleague, case=case, data=precheck_data())
    assert loan_precheck(actor=team_lead, case=case, data=precheck_data()).officer == team_lead
