"""Reads of the facilities and inspections for pages and for the scorecard. Visibility: the
markets a user may see (``markets.selectors.market_list_visible_to``: their own, and for
inspectors every market of their regions), decided here once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import User
from markets.models import Market
from markets.selectors import market_list_visible_to

from .models import (
    FacilityProfile,
    FacilityRectification,
    Inspection,
    InspectionItem,
    InspectionPhoto,
)


def market_get_visible(*, user: User, pk: int) -> Market:
    """The market ``pk`` if ``user`` may see it, else Market.DoesNotExist (→ 404)."""
    market: Market = market_list_visible_to(user=user).get(pk=pk)
    return market


def facility_profile_for(*, market: Market) -> FacilityProfile | None:
    return FacilityProfile.objects.select_related("updated_by").filter(market=market).first()


def facility_profile_history(*, market: Market, limit: int = 50) -> list[object]:
    """The profile's versions, newest first, each with who made it."""
    return list(
        FacilityProfile.history.filter(market_id=market.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def inspection_list_for_market(*, market: Market, limit: int = 50) -> QuerySet[Inspection]:
    return Inspection.objects.filter(market=market).select_related("inspector")[:limit]


def inspection_get_visible(*, user: User, pk: int) -> Inspection:
    """The inspection ``pk`` of a market ``user`` may see, or Inspection.DoesNotExist."""
    inspection: Inspection = Inspection.objects.select_related("market__region", "inspector").get(
        pk=pk, market__in=market_list_visible_to(user=user)
    )
    return inspection


def inspection_items(*, inspection: Inspection) -> list[InspectionItem]:
    """The items with their photos and rectification (three queries whatever the count)."""
    return list(inspection.items.select_related("rectification__case").prefetch_related("photos"))


def inspection_photo_get_visible(*, user: User, pk: int) -> InspectionPhoto:
    photo: InspectionPhoto = InspectionPhoto.objects.select_related(
        "item__inspection__market__region"
    ).get(pk=pk, item__inspection__market__in=market_list_visible_to(user=user))
    return photo


def latest_inspection_results(
    *, market_ids: Sequence[int], on_or_before: date
) -> dict[int, tuple[Inspection, dict[str, str]]]:
    """{market id: (its latest inspection on or before the day, {item code: result})} for
    the markets inspected by then; two queries whatever the number of markets."""
    latest = (
        Inspection.objects.filter(market_id=OuterRef("market_id"), visited_on__lte=on_or_before)
        .order_by("-visited_on", "-pk")
        .values("pk")[:1]
    )
    inspections = {
        inspection.pk: inspection
        for inspection in Inspection.objects.filter(
            market_id__in=list(market_ids), visited_on__lte=on_or_before, pk=Subquery(latest)
        )
    }
    results: dict[int, tuple[Inspection, dict[str, str]]] = {
        inspection.market_id: (inspection, {}) for inspection in inspections.values()
    }
    rows = InspectionItem.objects.filter(inspection_id__in=list(inspections)).values_list(
        "inspection_id", "code", "result"
    )
    for inspection_id, code, result in rows:
        results[inspections[inspection_id].market_id][1][code] = result
    return results


def rectification_list_visible(
    *, user: User, open_only: bool = False, limit: int = 200
) -> QuerySet[FacilityRectification]:
    """The facility rectifications of the markets ``user`` may see, newest first."""
    rows = FacilityRectification.objects.filter(case__market__in=market_list_visible_to(user=user))
    if open_only:
        rows = rows.filter(case__closed_at__isnull=True)
    return rows.select_related(
        "case__market", "case__owner", "item__inspection__inspector", "checked_by"
    ).order_by("-pk")[:limit]


def rectification_get_visible(*, user: User, pk: int) -> FacilityRectification:
    rectification: FacilityRectification = FacilityRectification.objects.select_related(
        "case__market__region", "case__owner", "item__inspection__inspector", "checked_by"
    ).get(pk=pk, case__market__in=market_list_visible_to(user=user))
    return rectification
