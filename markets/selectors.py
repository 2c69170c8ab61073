"""Reads of the organisation for pages and for scoping."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.db.models import Q, QuerySet

from accounts.models import User

from .models import MARKET_ROLES, Absence, Division, Market, Membership, Region, Role

_SIX_DIGITS = re.compile(r"^\d{6}$")
# What a short form of a province's or city's name leaves out: 广西 for 广西壮族自治区.
_NAME_ENDINGS = re.compile(r"(省|市|(壮族|回族|维吾尔)?自治区|特别行政区|地区|盟|自治州)$")


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("market__region", "region")


def market_list_visible_to(*, user: User) -> QuerySet[Market]:
    """Markets a staff member may see: those they work in, and for inspectors every market
    in the region subtrees they cover."""
    memberships = list(membership_list_for_user(user=user))
    condition = Q(pk__in=[m.market_id for m in memberships if m.market_id is not None])
    for membership in memberships:
        if membership.role == Role.INSPECTOR and membership.region is not None:
            condition |= Q(region__code__startswith=membership.region.prefix)
    return Market.objects.filter(condition).select_related("region").distinct()


def market_ids_visible_to(*, user: User) -> list[int]:
    """The ids of the markets a staff member may see (``market_list_visible_to``)."""
    return list(market_list_visible_to(user=user).values_list("pk", flat=True))


def _short(name: str) -> str:
    shorter = _NAME_ENDINGS.sub("", name)
    return shorter if len(shorter) >= 2 else name


def _qualifies(prefix: str, division: Division, parents: dict[str, str]) -> bool:
    """Whether ``prefix`` is the province and/or city of ``division``, written in full or
    short (``广西南宁市``, ``南宁``, ``广西壮族自治区``)."""
    rest = prefix
    for code in (division.code[:2] + "0000", division.code[:4] + "00"):
        name = parents.get(code, "")
        for form in (name, _short(name)):
            if form and rest.startswith(form):
                rest = rest[len(form) :]
                break
    return rest == ""


def division_county_candidates(*, text: str, near: Region | None = None) -> list[Division]:
    """The current county-level divisions (区县) that ``text`` names: a six-digit code, a name
    (武鸣区), or a name after its province and/or city (南宁市武鸣区, 广西南宁武鸣区).

    Many names recur across the country (城中区, 鼓楼区, 铁西区): the candidates in ``near``'s
    city win, then those in its province. More than one left means the name is ambiguous there.
    """
    value = "".join(unicodedata.normalize("NFKC", text or "").split())
    counties = Division.objects.filter(is_current=True, level=Region.Level.COUNTY)
    if _SIX_DIGITS.match(value):
        return list(counties.filter(code=value))
    if len(value) < 2:
        return []
    suffixes = [value[start:] for start in range(len(value) - 1)]
    found = list(counties.filter(name__in=suffixes))
    if not found:
        return []
    parent_codes = {code for d in found for code in (d.code[:2] + "0000", d.code[:4] + "00")}
    parents = dict(Division.objects.filter(code__in=parent_codes).values_list("code", "name"))
    found = [d for d in found if _qualifies(value[: len(value) - len(d.name)], d, parents)]
    if near is not None:
        for prefix in (near.code[:4], near.code[:2]):
            closest = [d for d in found if d.code.startswith(prefix)]
            if closest:
                return closest
    return found


def market_list_worked_in(*, user: User) -> list[Market]:
    """The active markets the user works in (officer or team lead), first one first: where
    they take work at the counter. None for an inactive or anonymous user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    worked_in = Membership.objects.filter(
        user=user, role__in=MARKET_ROLES, market__isnull=False
    ).values("market_id")
    return list(
        Market.objects.filter(pk__in=worked_in, is_active=True)
        .select_related("region")
        .order_by("pk")
    )


# --- Absence cover (AB岗) ----------------------------------------------------------------------


def absences_running_on(day: date) -> QuerySet[Absence]:
    """Absences running on ``day``: started, not over, neither ended early nor cancelled."""
    return Absence.objects.filter(
        starts_on__lte=day, ends_on__gte=day, cancelled_at__isnull=True, ended_at__isnull=True
    )


def absence_list_for_markets(*, market_ids: list[int], today: date) -> QuerySet[Absence]:
    """The absences of these markets that are running or still to come, soonest first."""
    return (
        Absence.objects.filter(
            market_id__in=market_ids,
            ends_on__gte=today,
            cancelled_at__isnull=True,
            ended_at__isnull=True,
        )
        .select_related("market", "officer", "deputy", "recorded_by")
        .order_by("starts_on", "pk")
    )


def absence_list_recently_closed(
    *, market_ids: list[int], today: date, since: date
) -> QuerySet[Absence]:
    """Absences of these markets that ended (on time or early) or were cancelled since
    ``since``: what the team lead looks back on."""
    return (
        Absence.objects.filter(market_id__in=market_ids, ends_on__gte=since)
        .filter(Q(ends_on__lt=today) | Q(ended_at__isnull=False) | Q(cancelled_at__isnull=False))
        .select_related("market", "officer", "deputy")
        .order_by("-ends_on", "-pk")
    )


def absence_get_for_lead(*, user: User, pk: int) -> Absence:
    """An absence of a market ``user`` leads, or Absence.DoesNotExist (→ 404)."""
    led = Membership.objects.filter(user=user, role=Role.TEAM_LEAD).values("market_id")
    absence: Absence = Absence.objects.select_related("market", "officer", "deputy").get(
        pk=pk, market_id__in=led
    )
    return absence


def absence_map_running(*, market_id: int, officer_ids: list[int], on: date) -> dict[int, Absence]:
    """{officer id: their absence running on ``on`` in the market} for those of ``officer_ids``
    who are away then; one query. Who receives their work instead is ``absence.deputy``."""
    if not officer_ids:
        return {}
    rows = absences_running_on(on).filter(market_id=market_id, officer_id__in=officer_ids)
    return {absence.officer_id: absence for absence in rows.select_related("deputy", "officer")}


def absence_list_covered_by(*, deputy: User, on: date) -> list[Absence]:
    """The absences running on ``on`` in which ``deputy`` covers, with the absent officers."""
    return list(
        absences_running_on(on)
        .filter(deputy=deputy)
        .select_related("market", "officer")
        .order_by("ends_on", "pk")
    )


def absence_list_running(*, on: date) -> list[Absence]:
    """Every absence running on ``on``, with both people (few at any time: for labelling the
    officers offered as receivers of a transfer)."""
    return list(absences_running_on(on).select_related("market", "officer", "deputy"))
