"""Reads of referrals, for a seeker's page, a posting's page and a market's list."""

from __future__ import annotations

from django.db.models import QuerySet

from markets.models import Market
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile

from .models import Referral


def _referrals() -> QuerySet[Referral]:
    referrals: QuerySet[Referral] = Referral.objects.select_related(
        "seeker__applicant", "posting__occupation", "posting__county", "officer", "market"
    ).defer("seeker__applicant__id_number", "seeker__applicant__mobile")
    return referrals


def referral_list_for_seeker(*, seeker: SeekerProfile) -> QuerySet[Referral]:
    """Every posting recommended to ``seeker``, latest first."""
    return _referrals().filter(seeker=seeker).order_by("-recommended_at", "-pk")


def referral_list_for_posting(*, posting: Posting) -> QuerySet[Referral]:
    """Every seeker recommended for ``posting``, latest first."""
    return _referrals().filter(posting=posting).order_by("-recommended_at", "-pk")


def referral_list_for_market(*, market: Market, outcome: str | None = None) -> QuerySet[Referral]:
    """The referrals made at ``market`` (optionally those with one outcome), latest first."""
    referrals = _referrals().filter(market=market)
    if outcome is not None:
        referrals = referrals.filter(outcome=outcome)
    return referrals.order_by("-recommended_at", "-pk")
