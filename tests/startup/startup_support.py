"""Helpers shared by the start-up help tests; no tests here."""

from __future__ import annotations

from typing import Any

from conftest import TOTP_KEYS, MarketFactory, UserFactory, add_totp_device, applicant_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case
from markets.models import Market, Membership, Region, Role
from workflows.startup.services import startup_open

PLAN = "在青秀区开一家米粉店\n需要开业指导和创业担保贷款"


def startup_make(actor: User, market: Market, **kwargs: Any) -> Case:
    applicant = kwargs.pop("applicant", None) or applicant_make(actor)
    return startup_open(
        actor=actor,
        market=market,
        applicant=applicant,
        channel=kwargs.pop("channel", "counter"),
        plan_summary=kwargs.pop("plan_summary", PLAN),
    )


def precheck_data(**changes: Any) -> dict[str, Any]:
    """An individual who meets every criterion, asking for 150 000 yuan."""
    data: dict[str, Any] = {
        "borrower_kind": "individual",
        "amount": "150000",
        "eligibility_group": "returning_migrant",
        "hires_share_met": "unknown",
        "business_registered_on": "2025-10-01",
        "identity_checked": "yes",
        "plan_submitted": "yes",
        "good_credit": "yes",
        "no_other_loan": "yes",
        "guarantee_available": "yes",
    }
    data.update(changes)
    return data


def other_market_officer(region: Region) -> User:
    """An officer of a market in another city (liuzhou)."""
    market = MarketFactory.create(region=region, name="柳州市零工市场")
    user = UserFactory.create(username="liuzhou_officer")
    Membership.objects.create(user=user, role=Role.OFFICER, market=market)
    add_totp_device(user, TOTP_KEYS[Role.OFFICER])
    return user


def startup_actions(market: Market) -> list[str]:
    return list(
        AuditEvent.objects.filter(market=market)
        .exclude(action__startswith="roles.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
