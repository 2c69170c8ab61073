"""Issue 9, item 3: the whole intake of a complaint is a service (``complaint_take_in``), below
the page: it finds or registers the complainant (and the employer, given its credit code) and
files the complaint in one transaction. Called here without any view or request."""

from __future__ import annotations

from typing import Any

import pytest
from complaints_support import COMPLAINANT_ID, COMPLAINANT_NAME
from conftest import applicant_make
from counter_support import CREDIT_CODE
from django.core.exceptions import ValidationError

from accounts.models import User
from audit.models import AuditEvent
from cases.intake import NAME_CONFLICT, IntakeRefused
from cases.models import Applicant, Case
from cases.services import applicant_organisation_register
from markets.models import Market
from workflows.complaints.models import Complaint, Status
from workflows.complaints.services import complaint_take_in

pytestmark = pytest.mark.django_db

EMPLOYER_NAME = "南宁市某建筑劳务公司"


def _take_in(officer: User, market: Market, **changes: Any) -> Complaint:
    values: dict[str, Any] = {
        "actor": officer,
        "market": market,
        "name": COMPLAINANT_NAME,
        "id_number": COMPLAINANT_ID,
        "mobile": "13900001111",
        "category": "wage_arrears",
        "description": "工地做工 10 天，约定日结 200 元，至今未付。",
        "desired_outcome": "结清工资 2000 元",
        "employer_name": EMPLOYER_NAME,
    }
    values.update(changes)
    return complaint_take_in(**values)


def test_the_complainant_and_the_employer_are_registered_and_the_complaint_filed(
    officer: User, nanning_market: Market
) -> None:
    complaint = _take_in(officer, nanning_market, credit_code=CREDIT_CODE)

    complainant = Applicant.objects.get(kind=Applicant.Kind.PERSON)
    employer = Applicant.objects.get(kind=Applicant.Kind.ORGANISATION)
    assert (complainant.name, employer.name) == (COMPLAINANT_NAME, EMPLOYER_NAME)
    assert complaint.status == Status.FILED
    assert (complaint.case.applicant, complaint.employer) == (complainant, employer)
    assert complaint.case.contact_mobile == "13900001111"
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["case.opened", "complaint.filed"]


def test_a_known_complainant_is_used_unchanged_the_mobile_given_is_the_cases(
    officer: User, nanning_market: Market
) -> None:
    known = applicant_make(officer, name=COMPLAINANT_NAME, id_number=COMPLAINANT_ID)

    complaint = _take_in(officer, nanning_market, mobile="13977110022")

    known.refresh_from_db()
    assert complaint.case.applicant == known
    assert known.mobile == "13800138000"
    assert complaint.case.contact_mobile == "13977110022"


def test_both_name_conflicts_are_reported_at_once_with_the_names_on_record(
    officer: User, nanning_market: Market
) -> None:
    applicant_make(officer, name=COMPLAINANT_NAME, id_number=COMPLAINANT_ID)
    applicant_organisation_register(actor=officer, name=EMPLOYER_NAME, credit_code=CREDIT_CODE)
    before = AuditEvent.objects.count()

    with pytest.raises(IntakeRefused) as refused:
        _take_in(
            officer,
            nanning_market,
            name="覃秀",
            employer_name="某劳务公司",
            credit_code=CREDIT_CODE,
        )

    assert refused.value.registered_names == {
        "name": COMPLAINANT_NAME,
        "employer_name": EMPLOYER_NAME,
    }
    for field in ("name", "employer_name"):
        assert [item.code for item in refused.value.error_dict[field]] == [NAME_CONFLICT]
    assert not Complaint.objects.exists()
    assert AuditEvent.objects.count() == before

    complaint = _take_in(
        officer,
        nanning_market,
        name="覃秀",
        employer_name="某劳务公司",
        credit_code=CREDIT_CODE,
        use_registered_name=True,
    )
    assert complaint.employer_name == EMPLOYER_NAME  # as on record


def test_a_refused_complaint_leaves_no_applicant_behind(
    officer: User, nanning_market: Market
) -> None:
    # Both applicants are registered first; then the complaint is refused: all undone.
    with pytest.raises(ValidationError) as error:
        _take_in(officer, nanning_market, credit_code=CREDIT_CODE, category="no_such_category")

    assert "category" in error.value.message_dict
    assert not Applicant.objects.exists()
    assert not Case.objects.exists()
