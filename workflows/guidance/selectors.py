"""Reads of referrals, for a seeker's page, a posting's page and a market's list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from markets.models import Market
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile

from .models import GuidanceCase, GuidanceSession, Outcome, Referral, Room, RoomBooking


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


def hired_count_by_posting(*, posting_ids: Iterable[int]) -> dict[int, int]:
    """{posting id: referrals hired for it} for the postings named (absent: none), in one
    query."""
    rows = (
        Referral.objects.filter(posting_id__in=list(posting_ids), outcome=Outcome.HIRED)
        .values("posting_id")
        .annotate(hired=Count("pk"))
        .values_list("posting_id", "hired")
    )
    return dict(rows)


def referral_list_for_market(*, market: Market, outcome: str | None = None) -> QuerySet[Referral]:
    """The referrals made at ``market`` (optionally those with one outcome), latest first."""
    referrals = _referrals().filter(market=market)
    if outcome is not None:
        referrals = referrals.filter(outcome=outcome)
    return referrals.order_by("-recommended_at", "-pk")


# --- Career guidance and rooms ------------------------------------------------------------------


def guidance_for_case(*, case_id: int, market_ids: Iterable[int]) -> GuidanceCase | None:
    """The guidance row of a career-guidance case of one of ``market_ids``, or None."""
    guidance: GuidanceCase | None = (
        GuidanceCase.objects.select_related(
            "case__market", "case__owner", "case__first_contact_officer", "seeker__applicant"
        )
        .defer("seeker__applicant__id_number", "seeker__applicant__mobile")
        .filter(case_id=case_id, case__market_id__in=list(market_ids))
        .first()
    )
    return guidance


def guidance_session_list(*, guidance: GuidanceCase) -> QuerySet[GuidanceSession]:
    return guidance.sessions.select_related("officer").order_by("held_at", "pk")


def guidance_referral_list(*, guidance: GuidanceCase) -> QuerySet[Referral]:
    """The referrals made in the course of ``guidance``, latest first."""
    return _referrals().filter(guidance_link__guidance=guidance).order_by("-recommended_at", "-pk")


def room_list_for_market(*, market: Market) -> QuerySet[Room]:
    rooms: QuerySet[Room] = Room.objects.filter(market=market, is_active=True).order_by(
        "kind", "name"
    )
    return rooms


def room_list_all_for_market(*, market: Market) -> QuerySet[Room]:
    """Every room of ``market``, in use or not, for the list its team lead keeps."""
    rooms: QuerySet[Room] = Room.objects.filter(market=market).order_by(
        "-is_active", "kind", "name"
    )
    return rooms


def booking_list_for_week(*, market: Market, monday: date) -> QuerySet[RoomBooking]:
    """The bookings not cancelled of ``market``'s rooms that start in the week from
    ``monday`` (Shanghai days)."""
    start = datetime.combine(monday, time.min, tzinfo=timezone.get_current_timezone())
    end = start + timedelta(days=7)
    bookings: QuerySet[RoomBooking] = (
        RoomBooking.objects.filter(
            room__market=market,
            cancelled_at__isnull=True,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("room", "booked_by", "case")
        .order_by("starts_at", "pk")
    )
    return bookings
