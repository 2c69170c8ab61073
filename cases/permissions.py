"""Who may do what to a case. Rights come from memberships (markets.Membership), read once per
user object and kept on it for the rest of the request.

Used both in the state graph's declarations (``permission=can.claim``) and by the services.
"""

from __future__ import annotations

from typing import Any

from markets.models import Membership, Role

_CACHE = "_cases_market_roles"


def market_roles(user: Any) -> dict[int, str]:
    """{market id: role} for the markets the user works in (officer or team lead)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    roles: dict[int, str] | None = getattr(user, _CACHE, None)
    if roles is None:
        rows = Membership.objects.filter(
            user=user, role__in=[Role.OFFICER, Role.TEAM_LEAD]
        ).values_list("market_id", "role")
        roles = {market_id: role for market_id, role in rows if market_id is not None}
        setattr(user, _CACHE, roles)
    return roles


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
