"""Helpers shared by the absence cover (AB岗) tests; no tests here.

Time stands at FROZEN_AT (Monday 2 March 2026, conftest) in these tests: ``day(0)`` is today.
"""

from __future__ import annotations

from datetime import date, timedelta

from conftest import FROZEN_AT, TOTP_KEYS, UserFactory, add_totp_device

from accounts.models import User
from audit.models import AuditEvent
from markets.absences import absence_record
from markets.models import Absence, Market, Membership, Role

TODAY = FROZEN_AT.date()


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def colleague(username: str, market: Market, role: Role = Role.OFFICER) -> User:
    """A member of staff of ``market`` with a confirmed authenticator (verified_client works)."""
    user = UserFactory.create(username=username, full_name=username)
    Membership.objects.create(user=user, role=role, market=market)
    add_totp_device(user, TOTP_KEYS[role])
    return user


def away(
    lead: User, officer: User, deputy: User, *, start: int = 0, end: int = 4, note: str = ""
) -> Absence:
    """``officer`` away from ``day(start)`` to ``day(end)``, ``deputy`` covering, recorded by
    ``lead`` in the market ``lead`` leads."""
    membership = Membership.objects.get(user=lead, role=Role.TEAM_LEAD)
    assert membership.market is not None
    return absence_record(
        actor=lead,
        market=membership.market,
        officer=officer,
        deputy=deputy,
        starts_on=day(start),
        ends_on=day(end),
        note=note,
    )


def absence_events(since: int = 0) -> list[tuple[str, int | None, str, dict, dict]]:
    """The audit rows about absences after ``since``: action, actor, target, old, new."""
    return [
        (e.action, e.actor_id, e.target_id, e.old_values, e.new_values)
        for e in AuditEvent.objects.filter(pk__gt=since, target_type="markets.absence").order_by(
            "pk"
        )
    ]
