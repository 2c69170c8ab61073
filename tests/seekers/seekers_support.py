"""Helpers shared by the job-seeker tests.

Plain functions, not a ``tests/seekers/conftest.py`` (see ``tests/audit/audit_support.py`` for
why): each test module wraps what it needs in its own fixtures.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from conftest import ID_NUMBERS, MarketFactory, RegionFactory, UserFactory

from accounts.models import User
from audit.models import AuditEvent
from cases.identity import resident_id_check_character
from markets.models import Market, Membership, Region, Role
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register

KIND = "seeker_registration"
MAN_1990 = ID_NUMBERS[0]  # 450102199003071238: a man born 1990-03-07
WOMAN_1985 = ID_NUMBERS[1]  # 450103198512120028: a woman born 1985-12-12
MAN_1970 = ID_NUMBERS[2]  # 450102197001010037: a man born 1970-01-01

COUNTIES = {
    "450102": "兴宁区",
    "450103": "青秀区",
    "450202": "城中区",
}


def id_number_born(birth: str, sequence: str = "123") -> str:
    """A valid ID number of someone born on ``birth`` (YYYYMMDD) in 兴宁区; the sequence's last
    digit gives the gender (odd: a man)."""
    first_17 = f"450102{birth}{sequence}"
    return first_17 + resident_id_check_character(first_17)


def regions_make() -> dict[str, Region]:
    """Guangxi, Nanning and Liuzhou, and three counties (parents first)."""
    made = {
        "450000": RegionFactory.create(code="450000", name="广西壮族自治区"),
        "450100": RegionFactory.create(code="450100", name="南宁市"),
        "450200": RegionFactory.create(code="450200", name="柳州市"),
    }
    for code, name in COUNTIES.items():
        made[code] = RegionFactory.create(code=code, name=name)
    return made


def liuzhou_officer_make() -> tuple[User, Market]:
    region = Region.objects.get(code="450200")
    market = MarketFactory.create(region=region, name="柳州市零工市场")
    user = UserFactory.create(username="liuzhou_officer")
    Membership.objects.create(user=user, role=Role.OFFICER, market=market)
    return user, market


def full_profile(**changes: Any) -> dict[str, Any]:
    """Every item of a complete registration; ``changes`` replace or add keys."""
    profile: dict[str, Any] = {
        "household_type": "rural",
        "home_county": "450102",
        "wanted_occupations": ["4-03-02-05", "4-07-05-01"],
        "wanted_areas": ["450102", "450103"],
        "available_days": [1, 2, 3, 4, 5, 6],
        "available_from": time(8, 0),
        "available_until": time(18, 0),
        "min_daily_pay": Decimal("180"),
        "training_wish": "想学中式面点",
        "training_occupations": ["4-03-02-02"],
        "skills": "会电动车配送，熟悉南宁城区道路",
        "certificates": ["机动车驾驶证（C1）"],
        "years_of_experience": 3,
        "difficulty_categories": [],
    }
    profile.update(changes)
    return profile


def seeker_make(
    actor: User,
    market: Market,
    *,
    id_number: str = MAN_1990,
    name: str = "韦小宝",
    mobile: str = "13800138000",
    channel: str = "counter",
    profile: dict[str, Any] | None = None,
) -> SeekerProfile:
    return seeker_register(
        actor=actor,
        market=market,
        channel=channel,
        name=name,
        id_number=id_number,
        mobile=mobile,
        profile=full_profile() if profile is None else profile,
    )


def seeker_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="seeker.").order_by("pk"))
