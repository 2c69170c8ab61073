"""Helpers of the complaint tests (services, pages, browser); no tests here."""

from __future__ import annotations

from typing import Any

from conftest import ID_NUMBERS

from accounts.models import User
from audit.models import AuditEvent
from cases.services import applicant_person_register
from markets.models import Market
from workflows.complaints.models import Complaint
from workflows.complaints.services import complaint_file

COMPLAINANT_NAME = "覃秀英"
COMPLAINANT_ID = ID_NUMBERS[1]  # 450103198512120028
COMPLAINANT_ID_MASKED = "450103********0028"
AUTHORITY = "南宁市人力资源和社会保障局劳动保障监察支队"


def complaint_form(**changes: Any) -> dict[str, str]:
    """A wage-arrears complaint as the counter form posts it."""
    data = {
        "name": COMPLAINANT_NAME,
        "id_number": COMPLAINANT_ID,
        "mobile": "13900001111",
        "anonymous": "on",
        "category": "wage_arrears",
        "employer_name": "南宁市某建筑劳务公司",
        "credit_code": "",
        "posting": "",
        "description": "工地做工 10 天，约定日结 200 元，至今未付。",
        "desired_outcome": "结清工资 2000 元",
    }
    data.update(changes)
    return data


def complaint_make(actor: User, market: Market, **changes: Any) -> Complaint:
    complainant = applicant_person_register(
        actor=actor, name=COMPLAINANT_NAME, id_number=COMPLAINANT_ID, mobile="13900001111"
    )
    values: dict[str, Any] = {
        "category": "wage_arrears",
        "description": "工地做工 10 天，约定日结 200 元，至今未付。",
        "desired_outcome": "结清工资 2000 元",
        "employer_name": "南宁市某建筑劳务公司",
        "anonymous": True,
    }
    values.update(changes)
    return complaint_file(actor=actor, market=market, complainant=complainant, **values)


def actions_of(complaint: Complaint) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="complaints.complaint", target_id=str(complaint.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
