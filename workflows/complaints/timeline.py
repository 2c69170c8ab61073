"""Complaints (投诉, art. 24) on the applicant's time line (``cases.timeline``): those the
person filed, and those against the employer. The employer's line never shows who complained
anonymously."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.timeline import Entry, Scope, TimelineSource

from .models import Complaint


def _complaints(scope: Scope) -> QuerySet[Complaint]:
    """Complaints by or against ``applicant`` in the markets ``user`` may see (as
    ``complaint_list_visible_to``)."""
    # The case's state is read with it: the case model keeps its initial state on load.
    complaints: QuerySet[Complaint] = (
        Complaint.objects.filter(Q(case__applicant=scope.applicant) | Q(employer=scope.applicant))
        .filter(case__market_id__in=scope.market_ids)
        .select_related("case__market")
        .only(
            "pk",
            "category",
            "status",
            "employer_id",
            "case__reference",
            "case__state",
            "case__opened_at",
            "case__applicant_id",
            "case__market__name",
        )
    )
    return complaints


def _entry(complaint: Complaint) -> Entry:
    case = complaint.case
    return Entry(
        at=case.opened_at,
        source="complaint",
        label=_("Complaint"),
        title=f"{case.reference} {complaint.get_category_display()}",
        state=str(complaint.get_status_display()),
        link=("complaint", complaint.pk),
        market=case.market.name,
        case_id=case.pk,
    )


COMPLAINTS = TimelineSource(
    code="complaint",
    label=_("Complaints"),
    rows=_complaints,
    when="case__opened_at",
    entry=_entry,
)
