"""Issue 9, item 3: the generic intake is a service below the pages (``cases.intake``).

Called without any view or request: it finds or registers the person and opens the case in one
transaction, refuses a name that disagrees with the record (carrying the name on record),
goes on with the record's name when asked, and leaves nothing when the case cannot be opened."""

from __future__ import annotations

from typing import Any

import pytest
from case_support import audit_mark, trail
from conftest import ID_NUMBERS, applicant_make
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from audit.models import AuditEvent
from cases.intake import NAME_CONFLICT, IntakeErrors, IntakeRefused, case_intake
from cases.models import Applicant, Case
from markets.models import Market

pytestmark = pytest.mark.django_db

MOBILE = "13800138000"
OTHER_MOBILE = "13977110022"


def _intake(officer: User, market: Market, **changes: Any) -> Case:
    values: dict[str, Any] = {
        "actor": officer,
        "market": market,
        "name": "韦小宝",
        "id_number": ID_NUMBERS[0],
        "mobile": MOBILE,
        "kind": "policy_consultation",
        "channel": "counter",
        "subject": "灵活就业社保补贴政策咨询",
    }
    values.update(changes)
    return case_intake(**values)


def test_intake_registers_a_new_person_and_opens_the_case(
    officer: User, nanning_market: Market
) -> None:
    mark = audit_mark()

    case = _intake(officer, nanning_market)

    applicant = Applicant.objects.get()
    assert case.applicant == applicant
    assert (applicant.name, applicant.mobile) == ("韦小宝", MOBILE)
    assert (case.first_contact_officer, case.owner, case.contact_mobile) == (
        officer,
        officer,
        MOBILE,
    )
    assert [row.action for row in trail(mark)] == ["case.opened"]
    assert [row.history_user_id for row in applicant.history.all()] == [officer.pk]


def test_intake_uses_a_known_person_unchanged_and_the_mobile_given_for_the_case(
    officer: User, nanning_market: Market
) -> None:
    known = applicant_make(officer)  # 韦小宝, mobile 13800138000 on record

    case = _intake(officer, nanning_market, mobile=OTHER_MOBILE)

    known.refresh_from_db()
    assert Applicant.objects.count() == 1
    assert case.applicant == known
    assert known.mobile == MOBILE  # the record keeps its mobile
    assert case.contact_mobile == OTHER_MOBILE  # the case is reached at the one given


def test_a_name_conflict_is_refused_with_the_name_on_record_and_writes_nothing(
    officer: User, nanning_market: Market
) -> None:
    applicant_make(officer, name="韦小宝")
    mark = audit_mark()

    with pytest.raises(IntakeRefused) as refused:
        _intake(officer, nanning_market, name="韦大宝")

    assert refused.value.registered_names == {"name": "韦小宝"}
    assert refused.value.name_conflict
    assert [item.code for item in refused.value.error_dict["name"]] == [NAME_CONFLICT]
    assert not Case.objects.exists()
    assert Applicant.objects.get().name == "韦小宝"
    assert trail(mark) == []


def test_use_registered_name_goes_on_with_the_name_on_record(
    officer: User, nanning_market: Market
) -> None:
    applicant_make(officer, name="韦小宝")

    case = _intake(officer, nanning_market, name="韦大宝", use_registered_name=True)

    assert case.applicant.name == "韦小宝"
    assert Applicant.objects.get().name == "韦小宝"


def test_a_case_that_cannot_be_opened_leaves_no_applicant_behind(
    officer: User, nanning_market: Market
) -> None:
    # The person is registered first, then case_open refuses the blank subject: all undone.
    with pytest.raises(ValidationError) as error:
        _intake(officer, nanning_market, subject="   ")

    assert "subject" in error.value.message_dict
    assert not Applicant.objects.exists()
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action="case.opened").exists()


def test_an_actor_who_does_not_work_in_the_market_registers_nobody(
    inspector: User, nanning_market: Market
) -> None:
    with pytest.raises(PermissionDenied):
        _intake(inspector, nanning_market)

    assert not Applicant.objects.exists()


def test_intake_errors_report_every_problem_at_once_under_the_intakes_names() -> None:
    errors = IntakeErrors()
    with errors.collect({"name": "employer_name"}):
        raise IntakeRefused(
            {"name": [ValidationError("conflict", code=NAME_CONFLICT)]},
            registered_names={"name": "南宁市邕江餐饮有限公司"},
        )
    with errors.collect():
        raise ValidationError({"headcount": "Enter a number."})
    errors.add("plan_summary", "Describe the plan.")

    with pytest.raises(IntakeRefused) as refused:
        errors.raise_any()

    assert sorted(refused.value.message_dict) == ["employer_name", "headcount", "plan_summary"]
    assert refused.value.registered_names == {"employer_name": "南宁市邕江餐饮有限公司"}


def test_no_problem_raises_nothing() -> None:
    errors = IntakeErrors()
    with errors.collect():
        pass
    errors.raise_any()
    assert not errors
