"""Referrals to postings (岗位推荐) and what came of them, on the applicant's time line
(``cases.timeline``): a seeker's referrals, and the referrals to an employer's postings."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.timeline import Entry, Scope, TimelineSource

from .models import Referral


def _referrals(scope: Scope) -> QuerySet[Referral]:
    """Referrals of the seeker, or to the employer's postings, made in (or for a posting of)
    a market ``user`` may see."""
    markets = scope.market_ids
    referrals: QuerySet[Referral] = (
        Referral.objects.filter(
            Q(seeker__applicant=scope.applicant) | Q(posting__employer=scope.applicant)
        )
        .filter(Q(market_id__in=markets) | Q(posting__market_id__in=markets))
        .select_related("market", "posting__occupation", "posting__employer", "seeker__applicant")
        .defer(
            "posting__employer__id_number",
            "posting__employer__mobile",
            "seeker__applicant__id_number",
            "seeker__applicant__mobile",
        )
    )
    return referrals


def _entry(referral: Referral) -> Entry:
    posting = referral.posting
    seeker = referral.seeker.applicant
    return Entry(
        at=referral.recommended_at,
        source="referral",
        label=_("Referral"),
        title=f"{seeker.name} → {posting.occupation.name} · {posting.employer.name}",
        state=str(referral.get_outcome_display()),
        link=("posting", posting.pk),
        market=referral.market.name,
    )


REFERRALS = TimelineSource(
    code="referral", label=_("Referrals"), rows=_referrals, when="recommended_at", entry=_entry
)
