"""One small function per business event, each writing one row of the event log.

Services call these inside their own transaction. Action codes are short and dotted,
``<area>.<what happened>``; a code, once written, is never renamed (old rows keep it).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.http import HttpRequest

from accounts.models import User
from markets.models import Membership, Region

from .models import AuditEvent
from .services import TargetRef, event_record

SIGNED_IN = "auth.signed_in"
SIGN_IN_FAILED = "auth.sign_in_failed"
LOCKED_OUT = "auth.locked_out"
SIGNED_OUT = "auth.signed_out"
ROLE_GRANTED = "roles.granted"
ROLE_CHANGED = "roles.changed"
ROLE_REVOKED = "roles.revoked"


def request_ip(request: HttpRequest | None) -> str | None:
    """The client address as the server saw it (REMOTE_ADDR), if any."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _account(username: str | None) -> TargetRef:
    """The account someone tried to sign in as; it may not exist."""
    return TargetRef(type="accounts.user", label=username or "")


# --- Sign-in -----------------------------------------------------------------------------------


def signed_in_event(request: HttpRequest | None, user: User) -> AuditEvent:
    return event_record(action=SIGNED_IN, actor=user, target=user, ip_address=request_ip(request))


def sign_in_failed_event(request: HttpRequest | None, username: str | None) -> AuditEvent:
    """A refused sign-in: wrong password or code, unknown or disabled or locked account.
    Only the user name typed is kept, never the password."""
    return event_record(
        action=SIGN_IN_FAILED,
        target=_account(username),
        ip_address=request_ip(request),
        success=False,
    )


def locked_out_event(request: HttpRequest | None, username: str | None) -> AuditEvent:
    """django-axes refused an account after repeated failures (also each refusal while locked)."""
    return event_record(
        action=LOCKED_OUT,
        target=_account(username),
        ip_address=request_ip(request),
        success=False,
    )


def signed_out_event(request: HttpRequest | None, user: User) -> AuditEvent:
    return event_record(action=SIGNED_OUT, actor=user, target=user, ip_address=request_ip(request))


# --- Roles -------------------------------------------------------------------------------------


class RoleHolding(Protocol):
    """A membership, or its historical record (django-simple-history) as it once was."""

    @property
    def user_id(self) -> int: ...
    @property
    def user(self) -> User: ...
    @property
    def role(self) -> str: ...
    @property
    def market_id(self) -> int | None: ...
    @property
    def region(self) -> Region | None: ...


def _membership_values(membership: RoleHolding) -> dict[str, Any]:
    return {
        "user_id": membership.user_id,
        "user": membership.user.get_username(),
        "role": membership.role,
        "market_id": membership.market_id,
        "region": membership.region.code if membership.region is not None else None,
    }


def role_granted_event(membership: Membership, actor: User | None) -> AuditEvent:
    return event_record(
        action=ROLE_GRANTED,
        actor=actor,
        target=membership,
        market=membership.market,
        new_values=_membership_values(membership),
    )


def role_changed_event(
    membership: Membership, actor: User | None, previous: RoleHolding | None
) -> AuditEvent:
    """A role edited in place (in the administration site): what it was and what it is."""
    return event_record(
        action=ROLE_CHANGED,
        actor=actor,
        target=membership,
        market=membership.market,
        old_values=_membership_values(previous) if previous is not None else {},
        new_values=_membership_values(membership),
    )


def role_revoked_event(membership: Membership, actor: User | None) -> AuditEvent:
    return event_record(
        action=ROLE_REVOKED,
        actor=actor,
        target=membership,
        market=membership.market,
        old_values=_membership_values(membership),
    )
