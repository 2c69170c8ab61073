"""One small function per business event, each writing one row of the event log.

Services call these inside their own transaction. Action codes are short and dotted,
``<area>.<what happened>``; a code, once written, is never renamed (old rows keep it).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.http import HttpRequest

from accounts.admin_site import AdminChange, AdminVerb
from accounts.models import User
from markets.hooks import AbsenceChange
from markets.models import Market, Membership, Region

from .models import AuditEvent
from .services import TargetRef, event_record

SIGNED_IN = "auth.signed_in"
SIGN_IN_FAILED = "auth.sign_in_failed"
LOCKED_OUT = "auth.locked_out"
SIGNED_OUT = "auth.signed_out"
ROLE_GRANTED = "roles.granted"
ROLE_CHANGED = "roles.changed"
ROLE_REVOKED = "roles.revoked"
ADMIN_ACTIONS = {
    AdminVerb.ADDED: "admin.added",
    AdminVerb.CHANGED: "admin.changed",
    AdminVerb.DELETED: "admin.deleted",
    AdminVerb.ACCOUNT_DISABLED: "accounts.disabled",
    AdminVerb.SECOND_FACTOR_RESET: "accounts.second_factor_reset",
}


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


# --- The administration site -------------------------------------------------------------------


def _admin_change_market(change: AdminChange) -> Market | None:
    """The market whose chain records the change: the market itself (while it exists), or the
    market the record belongs to; anything else (accounts, regions, calendars …) is global."""
    obj = change.obj
    if isinstance(obj, Market):
        return None if change.verb == AdminVerb.DELETED else obj
    market = getattr(obj, "market", None)
    return market if isinstance(market, Market) else None


def admin_change_event(change: AdminChange) -> AuditEvent:
    """A record added, changed or deleted in the administration site (the accounts, roles,
    second factors, markets, stations, policies, calendar days …), or an admin action on it:
    who, from where, the values before and after."""
    actor = _user_or_none(change.actor)
    return event_record(
        action=ADMIN_ACTIONS[change.verb],
        actor=actor,
        target=change.obj,
        market=_admin_change_market(change),
        old_values=change.old_values,
        new_values=change.new_values,
        ip_address=change.ip_address,
    )


def _user_or_none(value: object) -> User | None:
    return value if isinstance(value, User) else None


# --- Absence cover (AB岗) ----------------------------------------------------------------------


def absence_changed_event(change: AbsenceChange) -> AuditEvent:
    """An absence recorded, ended early or cancelled (``markets.absences``): on the chain of
    its market, with what it was and what it is."""
    return event_record(
        action=change.action,
        actor=change.actor,
        target=change.absence,
        market=change.absence.market,
        old_values=change.old_values,
        new_values=change.new_values,
    )
