"""Reads of public-welfare applications and placements for the pages, scoped to the markets
the user may see (``markets.selectors.market_list_visible_to``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from accounts.models import User
from markets.selectors import market_list_visible_to

from .models import Application, Placement

ENDING_SOON_DAYS = 30


def application_get_visible(*, user: User, pk: int) -> Application | None:
    application: Application | None = (
        Application.objects.filter(pk=pk, market__in=market_list_visible_to(user=user))
        .select_related("case", "market", "posting__occupation", "posting__employer", "seeker")
        .select_related("seeker__applicant", "decided_by")
        .defer("seeker__applicant__id_number", "seeker__applicant__mobile")
        .first()
    )
    return application


def placement_list_visible(*, user: User, today: date) -> QuerySet[Placement]:
    """Placements of the markets the user sees, the subsidy ending soonest first; each marked
    ``ending_soon`` when still running and the subsidy ends within 30 days of ``today``."""
    soon = Q(ended_on__isnull=True, subsidy_ends_on__lte=today + timedelta(days=ENDING_SOON_DAYS))
    placements: QuerySet[Placement] = (
        Placement.objects.filter(market__in=market_list_visible_to(user=user))
        .select_related("application__case", "posting__occupation", "seeker__applicant", "market")
        .defer("seeker__applicant__id_number", "seeker__applicant__mobile")
        .annotate(
            ending_soon=Case(
                When(soon, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("ended_on", "subsidy_ends_on", "pk")
    )
    return placements
