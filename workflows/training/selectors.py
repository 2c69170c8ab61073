"""Reads of training for pages and for the demand-versus-supply report (standard art. 22)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from cases.models import Case
from markets.models import Market
from workflows.postings.models import Occupation, Posting
from workflows.seekers.kinds import SEEKER_REGISTRATION
from workflows.seekers.models import SeekerProfile

from .models import HOLDING_STATES, Programme, Provider, TrainingReferral, TrainingWish


def provider_list_for_markets(*, market_ids: Collection[int]) -> QuerySet[Provider]:
    providers: QuerySet[Provider] = Provider.objects.filter(markets__in=market_ids).distinct()
    return providers


def programme_list_for_markets(*, market_ids: Collection[int]) -> QuerySet[Programme]:
    """Programmes on those markets' boards, each with ``held``: places held by referrals
    waiting for enrolment or enrolled."""
    programmes: QuerySet[Programme] = (
        Programme.objects.filter(market_id__in=market_ids)
        .select_related("provider", "occupation", "market")
        .annotate(held=Count("referrals", filter=Q(referrals__state__in=HOLDING_STATES)))
        .order_by("-ends_on", "title", "pk")
    )
    return programmes


# How many programmes, and providers, a market's public notice board lists at most.
BOARD_MAX = 50


def programme_list_for_board(*, market: Market, today: date) -> list[Programme]:
    """The market's published programmes that have not ended, for its public notice board
    (公示栏, standard art. 21): soonest first (then as entered), at most ``BOARD_MAX``."""
    programmes = (
        Programme.objects.filter(market=market, is_published=True, ends_on__gte=today)
        .select_related("provider")
        .order_by("starts_on", "pk")
    )
    return list(programmes[:BOARD_MAX])


def provider_list_for_board(*, market: Market) -> list[Provider]:
    """The market's active training providers, for its public notice board (standard art. 21),
    by name, at most ``BOARD_MAX``."""
    providers = Provider.objects.filter(markets=market, is_active=True).order_by("name", "pk")
    return list(providers[:BOARD_MAX])


def programme_list_open_for_referral(*, market_id: int, today: date) -> QuerySet[Programme]:
    """Published programmes of the market that have not ended (full ones included: the
    referral service says why it refuses)."""
    return programme_list_for_markets(market_ids=[market_id]).filter(
        is_published=True, ends_on__gte=today
    )


def referral_list_for_seeker(*, seeker: SeekerProfile) -> QuerySet[TrainingReferral]:
    referrals: QuerySet[TrainingReferral] = TrainingReferral.objects.filter(
        seeker=seeker
    ).select_related("programme", "case")
    return referrals


# --- The demand-versus-supply report (art. 22) ------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """One occupation: what employers asked for, what seekers wished, what is on offer.

    ``gap`` = people wanted in postings + seekers wishing for training − training places: how
    many more places the occupation would need to train both for the jobs posted and for the
    people who asked (negative: more places than demand)."""

    code: str
    name: str
    postings: int
    headcount: int
    wishes: int
    programmes: int
    capacity: int

    @property
    def gap(self) -> int:
        return self.headcount + self.wishes - self.capacity


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the display zone."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def training_demand_report(
    *, market_ids: Collection[int], start: date, end: date
) -> list[ReportRow]:
    """One row per occupation in demand, wished for or on offer in those markets over
    [start, end], sorted by gap (largest first). Five queries whatever the data:

    - postings published in the period: count and people wanted, per occupation;
    - training wishes recorded at the counter in the period, and the training needs of the
      profiles of seekers registered at those markets and updated in the period: distinct
      seekers per occupation (a seeker who said it twice counts once);
    - published programmes running at some time in the period: count and places;
    - the names of occupations known only from profiles.
    """
    ids = list(market_ids)
    since, until = _bounds(start, end)
    postings: dict[str, tuple[int, int]] = {}
    names: dict[str, str] = {}
    for row in (
        Posting.objects.filter(market_id__in=ids, published_at__gte=since, published_at__lt=until)
        .values("occupation__code", "occupation__name")
        .annotate(count=Count("pk"), people=Sum("headcount"))
        .order_by()
    ):
        postings[row["occupation__code"]] = (row["count"], row["people"] or 0)
        names[row["occupation__code"]] = row["occupation__name"]

    wishing: dict[str, set[int]] = defaultdict(set)
    for code, name, seeker_id in (
        TrainingWish.objects.filter(market_id__in=ids, created_at__gte=since, created_at__lt=until)
        .values_list("occupation__code", "occupation__name", "seeker_id")
        .distinct()
        .order_by()
    ):
        wishing[code].add(seeker_id)
        names[code] = name
    registered = Case.objects.filter(
        kind=SEEKER_REGISTRATION.code, market_id__in=ids, applicant=OuterRef("applicant")
    )
    for seeker_id, codes in (
        SeekerProfile.objects.filter(
            Exists(registered), updated_at__gte=since, updated_at__lt=until
        )
        .values_list("pk", "training_occupations")
        .order_by()
    ):
        for code in codes or []:
            if isinstance(code, str) and code:
                wishing[code].add(seeker_id)

    offered: dict[str, tuple[int, int]] = {}
    for row in (
        Programme.objects.filter(
            market_id__in=ids, is_published=True, starts_on__lte=end, ends_on__gte=start
        )
        .values("occupation__code", "occupation__name")
        .annotate(count=Count("pk"), places=Sum("capacity"))
        .order_by()
    ):
        offered[row["occupation__code"]] = (row["count"], row["places"] or 0)
        names[row["occupation__code"]] = row["occupation__name"]

    codes = set(postings) | set(wishing) | set(offered)
    unnamed = codes - set(names)
    if unnamed:
        names.update(Occupation.objects.filter(code__in=unnamed).values_list("code", "name"))
    rows = [
        ReportRow(
            code=code,
            name=names.get(code, ""),
            postings=postings.get(code, (0, 0))[0],
            headcount=postings.get(code, (0, 0))[1],
            wishes=len(wishing.get(code, ())),
            programmes=offered.get(code, (0, 0))[0],
            capacity=offered.get(code, (0, 0))[1],
        )
        for code in codes
    ]
    rows.sort(key=lambda row: (-row.gap, -row.headcount, row.code))
    return rows
