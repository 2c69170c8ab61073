"""The seeker's guidance items (art. 18) on the applicant's time line (``cases.timeline``).
Registrations are cases (kind ``seeker_registration``) and come with the cases."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.timeline import Entry, Scope, TimelineSource

from .models import GuidanceItem


def _guidance_items(scope: Scope) -> QuerySet[GuidanceItem]:
    """The seeker's guidance items given in the markets ``user`` may see."""
    items: QuerySet[GuidanceItem] = GuidanceItem.objects.filter(
        seeker__applicant=scope.applicant, market_id__in=scope.market_ids
    ).select_related("market")
    return items


def _entry(item: GuidanceItem) -> Entry:
    return Entry(
        at=item.recorded_at,
        source="guidance_item",
        label=_("Guidance item"),
        title=str(item.get_item_display()),
        state=str(item.get_outcome_display()),
        link=("seeker", item.seeker_id),
        market=item.market.name,
        detail=item.given_on.isoformat(),
    )


GUIDANCE_ITEMS = TimelineSource(
    code="guidance_item",
    label=_("Guidance items"),
    rows=_guidance_items,
    when="recorded_at",
    entry=_entry,
)
