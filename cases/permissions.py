"""Who may do what to a case. Rights come from memberships (markets.Membership), read once per
user object and kept on it for the rest of the request.

Used both in the state graph's declarations (``permission=can.claim``) and by the services.
"""

from __future__ import annotations

from typing import Any

from markets.models import Membership, Role

_CACHE = "_cases_market_roles"
_PREFIXES = "_cases_inspected_prefixes"


def market_roles(user: Any) -> dict[int, str]:
    """{market id: role} for the markets the user works in (officer or team lead)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    roles: dict[int, str] | None = getattr(user, _CACHE, None)
    if roles is None:
        _memberships_read(user)
        roles = getattr(user, _CACHE)
    return roles


def _memberships_read(user: Any) -> None:
    """Both of the user's rights at once, in one query: the markets worked in, and the
    regions inspected."""
    rows = Membership.objects.filter(user=user).select_related("region")
    roles: dict[int, str] = {}
    prefixes: list[str] = []
    for membership in rows:
        if membership.role in (Role.OFFICER, Role.TEAM_LEAD) and membership.market_id:
            roles[membership.market_id] = membership.role
        elif membership.role == Role.INSPECTOR and membership.region is not None:
            prefixes.append(membership.region.prefix)
    setattr(user, _CACHE, roles)
    setattr(user, _PREFIXES, prefixes)


def inspected_prefixes(user: Any) -> list[str]:
    """The region-code prefixes of the subtrees the user inspects (read once per user object,
    like ``market_roles``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    prefixes: list[str] | None = getattr(user, _PREFIXES, None)
    if prefixes is None:
        _memberships_read(user)
        prefixes = getattr(user, _PREFIXES)
    return prefixes


def works_in(user: Any, market_id: int) -> bool:
    return market_id in market_roles(user)


def leads(user: Any, market_id: int) -> bool:
    return market_roles(user).get(market_id) == Role.TEAM_LEAD


def claim(case: Any, user: Any) -> bool:
    """Any officer or team lead of the case's market may take an unowned case."""
    return works_in(user, case.market_id)


def work_on(case: Any, user: Any) -> bool:
    """The owner, while still working in the case's market, or a team lead of that market."""
    market_id = case.market_id
    return (case.owner_id == user.pk and works_in(user, market_id)) or leads(user, market_id)


def lead(case: Any, user: Any) -> bool:
    """Decisions reserved to the market's team lead (reopen, reassign, approve extra items)."""
    return leads(user, case.market_id)
