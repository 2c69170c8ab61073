"""Helpers shared by the notice-board tests (plain functions; no conftest here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import TOTP_KEYS, MarketFactory, RegionFactory, UserFactory, add_totp_device

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market, Membership, Role
from noticeboard.models import PolicyArticle
from noticeboard.services import policy_article_create

TODAY = date(2026, 3, 2)  # conftest.FROZEN_AT


def article_make(actor: User, market: Market, **changes: Any) -> PolicyArticle:
    fields: dict[str, Any] = {
        "title": "灵活就业人员社会保险补贴政策",
        "body": "<p>符合条件的灵活就业人员可申请社保补贴。</p>",
        "issuing_body": "南宁市人力资源和社会保障局",
        "document_number": "南人社规〔2025〕3号",
        "published_on": date(2026, 1, 5),
        "source_url": "https://hrss.nanning.gov.cn/zcfg/3.html",
    }
    fields.update(changes)
    return policy_article_create(actor=actor, market=market, **fields)


def liuzhou_market() -> Market:
    region = RegionFactory.create(code="450200", name="柳州市")
    return MarketFactory.create(region=region, name="柳州市零工市场")


def staff_make(username: str, role: Role, market: Market) -> User:
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=role, market=market)
    add_totp_device(user, TOTP_KEYS[role])
    return user


def actions(**filters: Any) -> list[str]:
    """The audit actions written, in order, leaving out the role grants of the fixtures."""
    events = AuditEvent.objects.filter(**filters).exclude(action__startswith="roles.")
    return list(events.order_by("pk").values_list("action", flat=True))
