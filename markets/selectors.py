"""Reads of the organisation for pages and for scoping."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User

from .models import Market, Membership, Role


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
