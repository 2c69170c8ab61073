"""Helpers of the campaign tests; no tests here."""

from __future__ import annotations

from datetime import date

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market
from workflows.campaigns.models import Campaign
from workflows.campaigns.services import campaign_create

CREDIT_CODES = ["91450100MA5K3D8Q0N"]


def spring_breeze_make(actor: User, market: Market) -> Campaign:
    """春风行动: a three-day job fair in March 2026."""
    return campaign_create(
        actor=actor,
        market=market,
        name="2026年春风行动专场招聘会",
        kind="job_fair",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 4),
        place="南宁市民族大道 100 号一楼大厅",
        description="面向农村劳动力和就业困难人员",
    )


def campaign_actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="campaign.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
