"""Helpers shared by the case-engine tests.

Plain functions, not a ``tests/cases/conftest.py`` (see ``tests/audit/audit_support.py`` for
why): each test module wraps what it needs in its own fixtures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conftest import MarketFactory, RegionFactory, UserFactory, case_make
from django.db.models import Max

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, ChecklistItem, State
from markets.models import Market, Membership, Region, Role

POLICY = "policy_consultation"
# Every case event carries these; each event adds its own keys.
CASE_KEYS = ("reference", "state")


# --- Organisation -------------------------------------------------------------------------------


def market_make(code: str, region_name: str) -> Market:
    """The market of a prefecture city in Guangxi (the province must exist already)."""
    region = RegionFactory.create(code=code, name=region_name)
    return MarketFactory.create(region=region, name=f"{region_name}零工市场")


def staff_make(username: str, role: Role, market: Market) -> User:
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=role, market=market)
    return user


def fresh(user: User) -> User:
    """The same account read again: no rights cached on the object."""
    return User.objects.get(pk=user.pk)


# --- Cases ---------------------------------------------------------------------------------------


def checklist_make(
    kind: str = POLICY, names: Sequence[str] = ("身份证", "社保缴费证明")
) -> list[ChecklistItem]:
    return [
        ChecklistItem.objects.create(
            kind=kind,
            name=name,
            reason=f"核实{name}",
            format="原件",
            copies=position + 1,
            issuing_body="人社局" if position else "",
            position=position,
        )
        for position, name in enumerate(names)
    ]


def case_new(actor: User, **kwargs: Any) -> Case:
    """An unclaimed case (NEW) of ``actor``'s market: opened, then set back in the test set-up
    (a queryset update: the state field is protected on the instance)."""
    case: Case = case_make(actor, **kwargs)
    Case.objects.filter(pk=case.pk).update(state=State.NEW, owner=None)
    case.refresh_from_db()
    return case


def case_state(case: Case) -> tuple[str, int | None, int, int]:
    """What a refused action must leave as it was: state, owner, market, audit rows."""
    case = Case.objects.get(pk=case.pk)
    return case.state, case.owner_id, case.market_id, AuditEvent.objects.count()


# --- The event log -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One audit row as the tests compare it: what, by whom, where, about what, which keys."""

    action: str
    actor: int | None
    market: int | None
    target: str
    keys: tuple[str, ...]
    state: str | None = None


def audit_mark() -> int:
    """The id of the last audit row so far (0 when there is none)."""
    return AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def trail(since: int) -> list[Row]:
    """The rows written after ``since`` (an ``audit_mark()``), in the order they were written."""
    return [
        Row(
            action=event.action,
            actor=event.actor_id,
            market=event.market_id,
            target=f"{event.target_type}:{event.target_id}",
            keys=tuple(sorted(event.new_values)),
            state=event.new_values.get("state"),
        )
        for event in AuditEvent.objects.filter(pk__gt=since).order_by("pk")
    ]


def case_row(
    action: str,
    *,
    actor: User,
    case: Case,
    market: Market | None = None,
    state: str,
    keys: Sequence[str] = (),
) -> Row:
    """The row a case event must leave: ``reference`` and ``state`` plus ``keys``."""
    return Row(
        action=action,
        actor=actor.pk,
        market=(market or case.market).pk,
        target=f"cases.case:{case.pk}",
        keys=tuple(sorted((*CASE_KEYS, *keys))),
        state=state,
    )


def inspector_make(username: str, region: Region) -> User:
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=Role.INSPECTOR, region=region)
    return user
