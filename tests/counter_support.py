"""Helpers shared by the counter page tests (backoffice/test_counter_pages.py, the role matrix
and browser/test_counter_walk.py), hence beside conftest.py; no tests here. Plain functions,
as in ``backoffice/test_case_support.py``.

Dates are relative to the day the helper runs (``timezone.localdate()``), so the same helpers
serve tests under ``frozen_time`` and the browser test, which runs on the real clock.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conftest import ID_NUMBERS, RegionFactory
from django.utils import timezone

from accounts.models import User
from cases.services import applicant_organisation_register
from markets.models import Market, Region
from workflows.postings.models import Posting
from workflows.postings.services import posting_intake, posting_intake_and_publish
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register

CREDIT_CODE = "91450100MA5K3D8Q0N"  # a valid GB 32100 code
SEEKER_ID = ID_NUMBERS[0]  # 450102199003071238: a man born 1990-03-07
SEEKER_ID_MASKED = "450102********1238"
SEEKER_MOBILE = "13800138000"
SEEKER_MOBILE_MASKED = "138****8000"


def qingxiu_make() -> Region:
    """青秀区, Nanning (its city and province must exist already)."""
    return RegionFactory.create(code="450103", name="青秀区")


def posting_form(**changes: Any) -> dict[str, str]:
    """A lawful temporary waiter's job in 青秀区 from tomorrow on, as the counter form posts it
    (an organisation hires)."""
    today = timezone.localdate()
    data = {
        "employer_name": "南宁市邕江餐饮有限公司",
        "credit_code": CREDIT_CODE,
        "employer_id_number": "",
        "employer_mobile": "13907710001",
        "contact_name": "黄经理",
        "contact_phone": "139 0771 0001",
        "occupation": "4-03-02-05",
        "skill_requirements": "有餐厅服务经验，普通话流利",
        "county": "450103",
        "address": "南宁市青秀区民族大道 100 号",
        "start_date": (today + timedelta(days=1)).isoformat(),
        "end_date": (today + timedelta(days=28)).isoformat(),
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
        "decision": "publish",
    }
    data.update(changes)
    return data


def _service_data(form: dict[str, str]) -> dict[str, Any]:
    skip = {"employer_name", "credit_code", "employer_id_number", "employer_mobile", "decision"}
    return {name: value for name, value in form.items() if name not in skip}


def posting_make(actor: User, market: Market, *, publish: bool = False, **changes: Any) -> Posting:
    """A posting of ``market`` taken in by ``actor`` (in review, or published)."""
    employer = applicant_organisation_register(
        actor=actor, name="南宁市邕江餐饮有限公司", credit_code=CREDIT_CODE, mobile="13907710001"
    )
    data = _service_data(posting_form(**changes))
    if publish:
        return posting_intake_and_publish(actor=actor, market=market, employer=employer, data=data)
    return posting_intake(
        actor=actor, market=market, channel="counter", employer=employer, data=data
    )


def seeker_form(**changes: Any) -> dict[str, Any]:
    """A complete registration as the counter form posts it: a waiter who wants work in
    Nanning on weekdays."""
    data: dict[str, Any] = {
        "name": "韦小宝",
        "id_number": SEEKER_ID,
        "mobile": SEEKER_MOBILE,
        "household_type": "rural",
        "home_county": "450103",
        "wanted_occupations": "4-03-02-05",
        "wanted_areas": "450100",
        "available_days": ["1", "2", "3", "4", "5"],
        "available_from": "08:00",
        "available_until": "20:00",
        "min_daily_pay": "180",
        "skills": "餐厅服务，普通话流利",
        "certificates": "健康证",
        "difficulty_categories": [],
    }
    data.update(changes)
    return data


def seeker_make(actor: User, market: Market, *, id_number: str = SEEKER_ID) -> SeekerProfile:
    return seeker_register(
        actor=actor,
        market=market,
        channel="counter",
        name="韦小宝",
        id_number=id_number,
        mobile=SEEKER_MOBILE,
        profile={
            "household_type": "rural",
            "home_county": "450103",
            "wanted_occupations": ["4-03-02-05"],
            "wanted_areas": ["450100"],
            "available_days": [1, 2, 3, 4, 5],
            "available_from": "08:00",
            "available_until": "20:00",
            "min_daily_pay": "180",
            "skills": "餐厅服务，普通话流利",
        },
    )
