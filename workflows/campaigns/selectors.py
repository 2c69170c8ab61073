"""Reads of campaigns for the pages, scoped to the markets the user may see; totals by
aggregate queries (one query per related table, none per row)."""

from __future__ import annotations

from typing import TypedDict

from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import User
from markets.selectors import market_list_visible_to
from workflows.postings.models import Posting

from .models import Campaign, CampaignAttendance, CampaignEmployer, CampaignOutcome


class Totals(TypedDict):
    employers: int
    postings: int
    openings: int
    people_counted: int
    seekers_registered: int
    intentions: int
    hired: int


def campaign_list_visible(*, user: User) -> QuerySet[Campaign]:
    campaigns: QuerySet[Campaign] = (
        Campaign.objects.filter(market__in=market_list_visible_to(user=user))
        .select_related("market")
        .annotate(employer_count=Count("employers", distinct=True))
    )
    return campaigns


def campaign_get_visible(*, user: User, pk: int) -> Campaign | None:
    campaign: Campaign | None = campaign_list_visible(user=user).filter(pk=pk).first()
    return campaign


def campaign_totals(*, campaign: Campaign) -> Totals:
    postings = Posting.objects.filter(campaigns=campaign).aggregate(
        count=Count("pk"), openings=Sum("headcount")
    )
    attendance = CampaignAttendance.objects.filter(campaign=campaign).aggregate(
        counted=Sum("headcount"),
        registered=Count("seeker", distinct=True, filter=Q(seeker__isnull=False)),
    )
    outcomes = CampaignOutcome.objects.filter(campaign=campaign).aggregate(
        intentions=Sum("intentions"), hired=Sum("hired")
    )
    return Totals(
        employers=CampaignEmployer.objects.filter(campaign=campaign).count(),
        postings=postings["count"] or 0,
        openings=postings["openings"] or 0,
        people_counted=attendance["counted"] or 0,
        seekers_registered=attendance["registered"] or 0,
        intentions=outcomes["intentions"] or 0,
        hired=outcomes["hired"] or 0,
    )
