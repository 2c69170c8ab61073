"""Reads of the organisation for pages and for scoping."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Q, QuerySet

from accounts.models import User

from .models import MARKET_ROLES, Division, Market, Membership, Region, Role

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
