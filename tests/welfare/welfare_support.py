"""Helpers of the public-welfare job tests: a published public-welfare posting and seekers
with recorded difficulty categories. Plain functions; no tests here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conftest import ID_NUMBERS
from counter_support import SEEKER_MOBILE, posting_make, qingxiu_make

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market, Region
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register


def welfare_posting_make(
    actor: User,
    market: Market,
    *,
    eligibility: Sequence[str] = ("subsistence", "disabled"),
    **changes: Any,
) -> Posting:
    """A published public-welfare job (a cleaner's post) of ``market``."""
    if not Region.objects.filter(code="450103").exists():
        qingxiu_make()
    changes.setdefault("is_public_welfare", True)
    changes.setdefault("eligibility", list(eligibility))
    changes.setdefault("publish", True)
    return posting_make(actor, market, **changes)


def seeker_with(
    actor: User,
    market: Market,
    categories: Sequence[str],
    *,
    id_number: str = ID_NUMBERS[0],
    name: str = "韦小宝",
) -> SeekerProfile:
    if not Region.objects.filter(code="450103").exists():
        qingxiu_make()
    return seeker_register(
        actor=actor,
        market=market,
        channel="counter",
        name=name,
        id_number=id_number,
        mobile=SEEKER_MOBILE,
        profile={
            "household_type": "urban",
            "home_county": "450103",
            "wanted_occupations": ["4-03-02-05"],
            "wanted_areas": ["450100"],
            "difficulty_categories": list(categories),
        },
    )


def welfare_actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="welfare.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
