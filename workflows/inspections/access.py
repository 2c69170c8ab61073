"""Who may do what with a market's facilities (read once per user object, no query beyond the
memberships ``cases.permissions`` reads): the market's team lead keeps the facility profile
and works the rectifications; an inspector whose region holds the market inspects it, keeps
its profile too and closes its rectifications after checking."""

from __future__ import annotations

from typing import Any

from cases import permissions as can
from markets.models import Market


def inspects(user: Any, market: Market) -> bool:
    """Whether ``user`` is an inspector of a region that holds ``market``."""
    code = market.region.code
    return any(code.startswith(prefix) for prefix in can.inspected_prefixes(user))


def keeps_profile(user: Any, market: Market) -> bool:
    return can.leads(user, market.pk) or inspects(user, market)
