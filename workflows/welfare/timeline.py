"""Public-welfare placements (上岗安置, art. 20) on the applicant's time line
(``cases.timeline``). Applications are cases (kind ``welfare_application``) and come with the
cases."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.timeline import Entry, Scope, TimelineSource

from .models import Placement


def _placements(scope: Scope) -> QuerySet[Placement]:
    """The seeker's placements in the markets ``user`` may see."""
    placements: QuerySet[Placement] = Placement.objects.filter(
        seeker__applicant=scope.applicant, market_id__in=scope.market_ids
    ).select_related("market", "posting__occupation")
    return placements


def _entry(placement: Placement) -> Entry:
    state = (
        _("Left on %(day)s: %(reason)s")
        % {"day": placement.ended_on.isoformat(), "reason": placement.get_end_reason_display()}
        if placement.ended_on
        else _("At work since %(day)s") % {"day": placement.starts_on.isoformat()}
    )
    return Entry(
        at=placement.recorded_at,
        source="welfare_placement",
        label=_("Public-welfare placement"),
        title=placement.posting.occupation.name,
        state=str(state),
        link=("welfare", placement.application_id),
        market=placement.market.name,
        due=placement.subsidy_ends_on,
        detail=str(_("Subsidy until %(day)s") % {"day": placement.subsidy_ends_on.isoformat()}),
    )


PLACEMENTS = TimelineSource(
    code="welfare_placement",
    label=_("Public-welfare placements"),
    rows=_placements,
    when="recorded_at",
    entry=_entry,
)
