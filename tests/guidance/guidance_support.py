"""Helpers shared by the matching and referral tests (plain functions, as in
tests/seekers/seekers_support.py). Time stands still at conftest.FROZEN_AT (Monday 2026-03-02,
09:00 in Shanghai) wherever a test uses ``frozen_time``."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from conftest import ID_NUMBERS, RegionFactory
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant
from cases.services import applicant_organisation_register
from markets.models import Market, Region
from workflows.postings.models import Occupation, Posting, Status
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register

TODAY = date(2026, 3, 2)
CREDIT_CODE = "91450100MA5K3D8Q0N"  # a valid GB 32100 code
# 青秀区 government, and a point about 5 km east of it.
QINGXIU = (22.8167, 108.3833)
QINGXIU_EAST = (22.8167, 108.4320)

COUNTIES = {"450102": "兴宁区", "450103": "青秀区", "450202": "城中区", "450302": "秀峰区"}


def regions_make() -> dict[str, Region]:
    """Guangxi, Nanning, Liuzhou and Guilin, and four counties (parents first)."""
    made = {
        "450000": RegionFactory.create(code="450000", name="广西壮族自治区"),
        "450100": RegionFactory.create(code="450100", name="南宁市"),
        "450200": RegionFactory.create(code="450200", name="柳州市"),
        "450300": RegionFactory.create(code="450300", name="桂林市"),
    }
    for code, name in COUNTIES.items():
        made[code] = RegionFactory.create(code=code, name=name)
    return made


def employer_make(actor: User) -> Applicant:
    return applicant_organisation_register(
        actor=actor, name="南宁市邕江餐饮有限公司", credit_code=CREDIT_CODE, mobile="13907710001"
    )


def posting_make(
    employer: Applicant,
    market: Market,
    *,
    occupation: str = "4-03-02-05",
    county: str = "450103",
    status: str = Status.PUBLISHED,
    published_days_ago: int = 0,
    **fields: Any,
) -> Posting:
    """A posting written straight to the database (its life through the services is tested in
    tests/postings): by default a published daily-paid waiter's job in 青秀区, Monday to
    Friday 09:00–18:00, 200 元 a day, posted today."""
    values: dict[str, Any] = {
        "contact_name": "黄经理",
        "contact_phone": "13907710001",
        "skill_requirements": "有餐厅服务经验",
        "address": "南宁市青秀区民族大道 100 号",
        "start_date": TODAY,
        "end_date": TODAY + timedelta(days=28),
        "working_days": "周一至周五",
        "days_per_week": 5,
        "start_time": time(9, 0),
        "end_time": time(18, 0),
        "break_minutes": 60,
        "pay_min": Decimal("200"),
        "pay_max": Decimal("240"),
        "pay_method": "daily",
        "settlement": "daily",
        "pay_daily": Decimal("200"),
        "headcount": 2,
        "employment_form": "temporary",
    }
    values.update(fields)
    published = status == Status.PUBLISHED or "published_at" in fields
    if published and "published_at" not in fields:
        values["published_at"] = timezone.now() - timedelta(days=published_days_ago)
    return Posting.objects.create(
        employer=employer,
        market=market,
        occupation=Occupation.objects.get(code=occupation),
        county=Region.objects.get(code=county),
        status=status,
        **values,
    )


def profile(**changes: Any) -> dict[str, Any]:
    """A seeker who wants to wait tables (or any catering job) in 青秀区, Monday to Friday
    08:00–18:00, for at least 150 元 a day, with a food-handler's health certificate."""
    values: dict[str, Any] = {
        "household_type": "rural",
        "home_county": "450102",
        "wanted_occupations": ["4-03-02-05"],
        "wanted_areas": ["450103"],
        "available_days": [1, 2, 3, 4, 5],
        "available_from": time(8, 0),
        "available_until": time(18, 0),
        "min_daily_pay": Decimal("150"),
        "skills": "会收银",
        "certificates": ["健康证"],
        "years_of_experience": 2,
    }
    values.update(changes)
    return values


def seeker_make(
    actor: User, market: Market, *, number: int = 0, name: str = "韦小宝", **changes: Any
) -> SeekerProfile:
    return seeker_register(
        actor=actor,
        market=market,
        channel="counter",
        name=name,
        id_number=ID_NUMBERS[number],
        mobile=f"1380013800{number}",
        profile=profile(**changes),
    )


def events_of(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- Career guidance and rooms (tests/guidance/test_career_guidance.py, test_rooms.py, ---------
# --- test_guidance_pages.py) ---------------------------------------------------------------------

# Tuesday 2026-03-03, the day after FROZEN_AT, in Shanghai (the market opens 08:30–12:00 and
# 14:30–17:30, MarketFactory's hours).
TUESDAY = date(2026, 3, 3)


def at(hour: int, minute: int = 0, *, day: date = TUESDAY) -> Any:
    """An aware instant on ``day`` at the given Shanghai wall-clock time."""
    from datetime import datetime

    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def room_make(
    market: Market, *, name: str = "职业指导室", kind: str = "guidance", **fields: Any
) -> Any:
    from workflows.guidance.models import Room

    return Room.objects.create(market=market, name=name, kind=kind, capacity=4, **fields)


def guidance_make(actor: User, market: Market, seeker: SeekerProfile, **changes: Any) -> Any:
    """A career-guidance case opened at the counter (returns the engine's Case)."""
    from workflows.guidance.services import guidance_open

    values: dict[str, Any] = {"channel": "counter", "topic": "想找餐饮类零工，了解周末岗位"}
    values.update(changes)
    return guidance_open(actor=actor, market=market, seeker=seeker, **values)
