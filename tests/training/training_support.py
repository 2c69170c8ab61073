"""Helpers shared by the training tests. Time stands still at conftest.FROZEN_AT (Monday
2026-03-02, 09:00 in Shanghai) wherever a test uses ``frozen_time``."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from conftest import (
    ID_NUMBERS,
    TOTP_KEYS,
    MarketFactory,
    RegionFactory,
    UserFactory,
    add_totp_device,
)

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant
from cases.services import applicant_organisation_register
from markets.models import Market, Membership, Region, Role
from workflows.postings.models import Occupation, Posting, Status
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register
from workflows.training.models import Programme, Provider

TODAY = date(2026, 3, 2)
EMPLOYER_CODE = "91450100MA5K3D8Q0N"  # a valid GB 32100 code
PROVIDER_CODE = "91350100M000100Y43"  # another valid one
WAITER = "4-03-02-05"
COOK = "4-03-02-01"


def regions_make() -> dict[str, Region]:
    made = {
        "450000": RegionFactory.create(code="450000", name="广西壮族自治区"),
        "450100": RegionFactory.create(code="450100", name="南宁市"),
        "450200": RegionFactory.create(code="450200", name="柳州市"),
    }
    made["450103"] = RegionFactory.create(code="450103", name="青秀区")
    return made


def other_market_officer_make() -> tuple[User, Market]:
    market = MarketFactory.create(region=Region.objects.get(code="450200"), name="柳州市零工市场")
    user = UserFactory.create(username="liuzhou_officer")
    Membership.objects.create(user=user, role=Role.OFFICER, market=market)
    add_totp_device(user, TOTP_KEYS[Role.OFFICER])
    return user, market


def employer_make(actor: User) -> Applicant:
    return applicant_organisation_register(
        actor=actor, name="南宁市邕江餐饮有限公司", credit_code=EMPLOYER_CODE, mobile="13907710001"
    )


def posting_make(
    employer: Applicant,
    market: Market,
    *,
    occupation: str = WAITER,
    headcount: int = 2,
    published_days_ago: int = 0,
) -> Posting:
    """A published waiter's job written straight to the database."""
    return Posting.objects.create(
        employer=employer,
        market=market,
        occupation=Occupation.objects.get(code=occupation),
        county=Region.objects.get(code="450103"),
        status=Status.PUBLISHED,
        contact_name="黄经理",
        contact_phone="13907710001",
        skill_requirements="有餐厅服务经验",
        address="南宁市青秀区民族大道 100 号",
        start_date=TODAY,
        end_date=TODAY + timedelta(days=28),
        working_days="周一至周五",
        days_per_week=5,
        start_time=time(9, 0),
        end_time=time(18, 0),
        break_minutes=60,
        pay_min=Decimal("200"),
        pay_max=Decimal("240"),
        pay_method="daily",
        settlement="daily",
        pay_daily=Decimal("200"),
        headcount=headcount,
        employment_form="temporary",
        published_at=Posting._meta.get_field("created_at").default()
        - timedelta(days=published_days_ago),
    )


def seeker_make(actor: User, market: Market, *, number: int = 0, **profile: Any) -> SeekerProfile:
    return seeker_register(
        actor=actor,
        market=market,
        channel="counter",
        name=f"韦小宝{number}",
        id_number=ID_NUMBERS[number],
        mobile=f"1380013800{number}",
        profile={"wanted_occupations": [WAITER], **profile},
    )


def provider_make(market: Market) -> Provider:
    provider = Provider.objects.create(
        name="南宁市烹饪职业培训学校",
        credit_code=PROVIDER_CODE,
        address="南宁市青秀区竹溪大道 1 号",
        phone="0771-5551234",
    )
    provider.markets.add(market)
    return provider


def programme_make(
    provider: Provider,
    market: Market,
    *,
    occupation: str = WAITER,
    capacity: int = 2,
    starts_on: date = TODAY,
    ends_on: date = TODAY + timedelta(days=14),
    is_published: bool = True,
    title: str = "餐厅服务员晚间班",
) -> Programme:
    return Programme.objects.create(
        provider=provider,
        market=market,
        title=title,
        occupation=Occupation.objects.get(code=occupation),
        schedule_kind="evenings",
        schedule_text="周二、周四 19:00–21:00",
        place="南宁市青秀区竹溪大道 1 号 301 室",
        cost=Decimal("800"),
        subsidy=Decimal("600"),
        capacity=capacity,
        starts_on=starts_on,
        ends_on=ends_on,
        is_published=is_published,
    )


def actions_of(market: Market) -> list[str]:
    return list(
        AuditEvent.objects.filter(market=market, action__startswith="training.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
