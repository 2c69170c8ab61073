"""Helpers shared by the job-posting tests: plain functions (see tests/cases/case_support.py
for why there is no conftest here); each module wraps what it needs in its own fixtures.

Time stands still at conftest.FROZEN_AT (Monday 2026-03-02, 09:00 in Shanghai) wherever a test
uses ``frozen_time``: the dates below are relative to it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import RegionFactory
from django.db.models import Max

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant
from cases.services import applicant_organisation_register
from markets.models import Region
from workflows.postings.models import Posting

TODAY = date(2026, 3, 2)
CREDIT_CODE = "91450100MA5K3D8Q0N"  # a valid GB 32100 code (check character computed)


def qingxiu_make() -> Region:
    """青秀区, Nanning: an urban district, minimum-wage class 一类 in the seeded data
    (1990 元/月, 20.10 元/小时 from 2022-04-01). Its city and province must exist already."""
    return RegionFactory.create(code="450103", name="青秀区")


def employer_make(actor: User) -> Applicant:
    return applicant_organisation_register(
        actor=actor, name="南宁市邕江餐饮有限公司", credit_code=CREDIT_CODE, mobile="13907710001"
    )


def posting_data(**overrides: Any) -> dict[str, Any]:
    """A lawful temporary waiter's job in 青秀区, as the counter form hands it in."""
    data: dict[str, Any] = {
        "contact_name": "黄经理",
        "contact_phone": "139 0771 0001",
        "occupation": "4-03-02-05",
        "skill_requirements": "有餐厅服务经验，普通话流利",
        "county": "450103",
        "address": "南宁市青秀区民族大道 100 号",
        "start_date": "2026-03-03",
        "end_date": "2026-03-31",
        "working_days": "周一至周五",
        "days_per_week": "5",
        "start_time": "09:00",
        "end_time": "18:00",
        "break_minutes": "60",
        "pay_min": "200",
        "pay_max": "240",
        "pay_method": "daily",
        "settlement": "daily",
        "headcount": "5",
        "employment_form": "temporary",
        "description": "午市、晚市餐厅服务，提供工作餐。",
    }
    data.update(overrides)
    return data


def audit_mark() -> int:
    return AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def actions_since(mark: int) -> list[tuple[str, str]]:
    """(action, target type) of every audit row written after ``mark``, in order."""
    return [
        (event.action, event.target_type)
        for event in AuditEvent.objects.filter(pk__gt=mark).order_by("pk")
    ]


def posting_events(posting: Posting) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type="postings.posting", target_id=str(posting.pk)
        ).order_by("pk")
    )
