"""Who may do what to a case. Rights come from memberships (markets.Membership), read once per
user object and kept on it for the rest of the request; what was read is also kept in this
process's memory (``sla.memo``, table ``RIGHTS``) until a membership, an absence or a region
changes, so the next request of the same user reads nothing (issue 14: intake read them on
every case).

Used both in the state graph's declarations (``permission=can.claim``) and by the services.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef
from django.utils import timezone

from markets.models import Membership, Role
from markets.selectors import absence_list_covered_by, absences_running_on
from sla import memo

_KEPT = "_cases_rights"
_COVER_CACHE = "_cases_covering"
# The memo table of every user's rights: renewed when a membership, an absence or a region
# changes (cases.receivers).
RIGHTS = "rights"


class _Rights(NamedTuple):
    roles: dict[int, str]  # {market id: role} of the markets worked in (officer, team lead)
    covering: frozenset[int]  # the markets where the user covers for an absent colleague today
    prefixes: tuple[str, ...]  # the region-code prefixes of the subtrees inspected
    administers: bool  # a system administrator


_NONE = _Rights({}, frozenset(), (), False)


def _rights(user: Any) -> _Rights:
    """All of the user's rights at once, read once per user object and kept on it; from this
    process's memory when they are there (``RIGHTS``), else in one query. None for nobody
    signed in or an inactive account."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NONE
    kept: _Rights | None = getattr(user, _KEPT, None)
    if kept is None:
        today = timezone.localdate()
        remembered = memo.remembered(RIGHTS, (user.pk, today), lambda: _rights_read(user.pk, today))
        # The roles are the object's own copy: what a caller does with them stays with it.
        kept = remembered._replace(roles=dict(remembered.roles))
        setattr(user, _KEPT, kept)
    return kept


def _rights_read(user_id: int, today: date) -> _Rights:
    running = absences_running_on(today).filter(
        deputy_id=OuterRef("user_id"), market_id=OuterRef("market_id")
    )
    rows = (
        Membership.objects.filter(user_id=user_id)
        .select_related("region")
        .annotate(covering=Exists(running))
    )
    roles: dict[int, str] = {}
    covering_markets: set[int] = set()
    prefixes: list[str] = []
    administers = False
    for membership in rows:
        if membership.role in (Role.OFFICER, Role.TEAM_LEAD) and membership.market_id:
            roles[membership.market_id] = membership.role
            if membership.covering:
                covering_markets.add(membership.market_id)
        elif membership.role == Role.INSPECTOR and membership.region is not None:
            prefixes.append(membership.region.prefix)
        elif membership.role == Role.SYSTEM_ADMIN:
            administers = True
    return _Rights(roles, frozenset(covering_markets), tuple(prefixes), administers)


def market_roles(user: Any) -> dict[int, str]:
    """{market id: role} for the markets the user works in (officer or team lead)."""
    return _rights(user).roles


def covering_market_ids(user: Any) -> frozenset[int]:
    """The markets where ``user`` covers for an absent colleague today (AB岗)."""
    return _rights(user).covering


def inspected_prefixes(user: Any) -> list[str]:
    """The region-code prefixes of the subtrees the user inspects."""
    return list(_rights(user).prefixes)


def administers_system(user: Any) -> bool:
    """Whether the user is a system administrator."""
    return _rights(user).administers


def works_in(user: Any, market_id: int) -> bool:
    return market_id in market_roles(user)


def leads(user: Any, market_id: int) -> bool:
    return market_roles(user).get(market_id) == Role.TEAM_LEAD


def covers(user: Any, officer_id: int | None, market_id: int) -> bool:
    """Whether ``user`` is the deputy of ``officer_id`` in the market today (AB岗): an absence
    running now names them. Read once per user object (kept on it, like the market roles)."""
    if officer_id is None or market_id not in covering_market_ids(user):
        return False
    covering: set[tuple[int, int]] | None = getattr(user, _COVER_CACHE, None)
    if covering is None:
        absences = absence_list_covered_by(deputy=user, on=timezone.localdate())
        covering = {(a.officer_id, a.market_id) for a in absences}
        setattr(user, _COVER_CACHE, covering)
    return (officer_id, market_id) in covering


def inspects(user: Any, market: Any) -> bool:
    """Whether ``market`` lies in a region ``user`` inspects (its region code starts with one
    of their prefixes). ``market.region`` must be loaded (or cheap to load)."""
    prefixes = inspected_prefixes(user)
    return bool(prefixes) and market.region.code.startswith(tuple(prefixes))


def supervises(user: Any, market: Any) -> bool:
    """May ``user`` read ``market`` as its supervisor: its case list, its ledger, its dashboards
    and figures? Its team leads, and the inspectors over its region. The one rule every
    supervision page of a market asks (backoffice.common.access.market_for_supervisor)."""
    return leads(user, market.pk) or inspects(user, market)


def reads_only(user: Any, market: Any) -> bool:
    """Whether ``user`` sees ``market``'s records only as an inspector over it: no market role
    there, so nothing they open may change anything, and what they open of a case is an audit
    event (``case.viewed``)."""
    return not works_in(user, market.pk) and inspects(user, market)


def acts_on(case: Any, user: Any) -> bool:
    """Whether ``user`` has any part in the work on ``case``: staff of its market, or its
    first-contact officer (首问负责: they may still add notes). Anyone else who sees it (an
    inspector) only reads, and each action of case work refuses them (403)."""
    return works_in(user, case.market_id) or case.first_contact_officer_id == user.pk


def claim(case: Any, user: Any) -> bool:
    """Any officer or team lead of the case's market may take an unowned case."""
    return works_in(user, case.market_id)


def work_on(case: Any, user: Any) -> bool:
    """The owner, while still working in the case's market, or a team lead of that market;
    while the owner is away, their deputy too (AB岗: the case stays the owner's)."""
    market_id = case.market_id
    return (
        (case.owner_id == user.pk and works_in(user, market_id))
        or leads(user, market_id)
        or covers(user, case.owner_id, market_id)
    )


def lead(case: Any, user: Any) -> bool:
    """Decisions reserved to the market's team lead (reopen, reassign, approve extra items)."""
    return leads(user, case.market_id)
