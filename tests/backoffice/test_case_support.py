"""Helpers shared by the back-office case page tests (test_case_*.py); no tests here.

Plain functions, as in ``tests/cases/case_support.py``: each test module wraps what it needs in
its own fixtures.
"""

from __future__ import annotations

from typing import Any

from conftest import (
    TOTP_KEYS,
    MarketFactory,
    RegionFactory,
    UserFactory,
    add_totp_device,
    case_make,
)

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, State
from markets.models import Market, Membership, Region, Role


def market_make(code: str, region_name: str) -> Market:
    """The market of a prefecture city in Guangxi (the province must exist already)."""
    region = RegionFactory.create(code=code, name=region_name)
    return MarketFactory.create(region=region, name=f"{region_name}零工市场")


def staff_make(
    username: str, role: Role, *, market: Market | None = None, region: Region | None = None
) -> User:
    """A member of staff with a confirmed authenticator (so verified_client works)."""
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=role, market=market, region=region)
    add_totp_device(user, TOTP_KEYS[role])
    return user


def case_unclaimed(actor: User, **kwargs: Any) -> Case:
    """A case waiting to be claimed (NEW) in ``actor``'s market: opened, then set back in the
    set-up (a queryset update: the state field is protected on the instance)."""
    case: Case = case_make(actor, **kwargs)
    Case.objects.filter(pk=case.pk).update(state=State.NEW, owner=None)
    case.refresh_from_db()
    return case


def snapshot(case: Case) -> tuple[str, int | None, int, str, int]:
    """What a refused action must leave as it was: state, owner, market, outcome, and the
    number of audit rows about the case (signing in writes rows of its own)."""
    case = Case.objects.get(pk=case.pk)
    rows = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk)).count()
    return case.state, case.owner_id, case.market_id, case.outcome, rows


def page(response: Any) -> str:
    return response.content.decode()


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]
