"""The employer's postings on the applicant's time line (``cases.timeline``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.timeline import Entry, Scope, TimelineSource

from .models import Posting


def _postings(scope: Scope) -> QuerySet[Posting]:
    """The employer's postings in the markets ``user`` may see (as ``posting_get_visible``)."""
    postings: QuerySet[Posting] = (
        Posting.objects.filter(employer=scope.applicant, market_id__in=scope.market_ids)
        .select_related("occupation", "market")
        .only(
            "pk",
            "created_at",
            "status",
            "headcount",
            "end_date",
            "case_id",
            "occupation__name",
            "market__name",
        )
    )
    return postings


def _entry(posting: Posting) -> Entry:
    return Entry(
        at=posting.created_at,
        source="posting",
        label=_("Job posting"),
        title=f"{posting.occupation.name} × {posting.headcount}",
        state=str(posting.get_status_display()),
        link=("posting", posting.pk),
        market=posting.market.name,
        due=posting.end_date,
    )


POSTINGS = TimelineSource(
    code="posting", label=_("Job postings"), rows=_postings, when="created_at", entry=_entry
)
