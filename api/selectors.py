"""Reads of the API. The public ones show what the public pages show (the kiosk, the notice
board): published postings without any contact detail or personal datum, the markets' opening
hours and each service's published time limits and materials."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Applicant, Case
from markets.models import Market
from noticeboard.selectors import BoardService, service_list_for_board
from provincial.models import OutboundMessage
from provincial.selectors import outbound_list_for_markets
from workflows.guidance.models import Referral
from workflows.postings.models import Posting
from workflows.postings.selectors import POSTING_NOT_PUBLIC, posting_list_published

from .models import ApiClient, IdempotencyRecord


def market_list_public() -> QuerySet[Market]:
    """Markets whose public pages (and public API) are open: the active ones."""
    markets: QuerySet[Market] = Market.objects.filter(is_active=True).select_related("region")
    return markets


def posting_list_public() -> QuerySet[Posting]:
    """Published postings of the active markets, newest first, public fields only.

    The occupation, place and employer (its kind and name alone) of a page's postings are read
    after the page, by id, rather than joined to it: joined, SQLite's planner led a search by
    occupation from the counties through the matching index and sorted every match (60 000
    at 2 000 000 postings, 160 ms) instead of walking the newest published postings."""
    employers = Applicant.objects.only("id", "kind", "name")
    postings: QuerySet[Posting] = (
        posting_list_published()
        .filter(market__is_active=True)
        .select_related(None)
        .select_related("market")
        .prefetch_related("occupation", "county", Prefetch("employer", queryset=employers))
        .defer(*(name for name in POSTING_NOT_PUBLIC if not name.startswith("employer__")))
    )
    return postings


def market_services_public(*, market: Market) -> list[BoardService]:
    """The market's services with their published time limits and materials, as its notice
    board shows them."""
    return service_list_for_board(market=market)


# --- Other systems ---------------------------------------------------------------------------


def client_market_ids(*, client: ApiClient) -> list[int]:
    """The markets a client may see: its market, or every market in its region's subtree."""
    if client.market_id is not None:
        return [client.market_id]
    if client.region is None:
        return []
    return list(
        Market.objects.filter(region__code__startswith=client.region.prefix).values_list(
            "pk", flat=True
        )
    )


def posting_list_for_client(*, client: ApiClient) -> QuerySet[Posting]:
    """Every posting of the client's markets, newest first."""
    postings: QuerySet[Posting] = (
        Posting.objects.filter(market_id__in=client_market_ids(client=client))
        .select_related("occupation", "county", "market", "employer", "case")
        .defer("employer__id_number", "employer__mobile")
        .order_by("-pk")
    )
    return postings


def case_list_for_client(*, client: ApiClient) -> QuerySet[Case]:
    """The cases of the client's markets, newest first."""
    cases: QuerySet[Case] = (
        Case.objects.filter(market_id__in=client_market_ids(client=client))
        .select_related("market", "applicant")
        .defer("applicant__id_number", "applicant__mobile")
        .order_by("-pk")
    )
    return cases


def referral_list_for_client(*, client: ApiClient) -> QuerySet[Referral]:
    """The referrals made in the client's markets, newest first."""
    referrals: QuerySet[Referral] = (
        Referral.objects.filter(market_id__in=client_market_ids(client=client))
        .select_related(
            "posting__occupation", "posting__county", "posting__market", "seeker__applicant"
        )
        .defer("seeker__applicant__id_number", "seeker__applicant__mobile")
        .order_by("-pk")
    )
    return referrals


def outbound_feed_for_client(*, client: ApiClient) -> QuerySet[OutboundMessage]:
    """The outbound changes (the provincial outbox) of the client's markets, oldest first;
    a message is listed once ``API_FEED_SETTLE_SECONDS`` have passed since it was written,
    so that no transaction still open can slip a message behind a reader's cursor."""
    settled = timezone.now() - timedelta(seconds=settings.API_FEED_SETTLE_SECONDS)
    return outbound_list_for_markets(
        market_ids=client_market_ids(client=client), written_before=settled
    )


def idempotency_record_current(*, caller: str, key: str) -> IdempotencyRecord | None:
    record: IdempotencyRecord | None = IdempotencyRecord.objects.filter(
        caller=caller, key=key, expires_at__gt=timezone.now()
    ).first()
    return record


def idempotency_records_expired() -> QuerySet[IdempotencyRecord]:
    return IdempotencyRecord.objects.filter(Q(expires_at__lte=timezone.now()))


# --- An applicant's own records (the online session) --------------------------------------------


def case_list_of_applicant(*, applicant: Applicant) -> QuerySet[Case]:
    """The applicant's own cases, newest first, with their single notices and items."""
    cases: QuerySet[Case] = (
        Case.objects.filter(applicant=applicant)
        .select_related("market")
        .prefetch_related("notices__items")
        .order_by("-pk")
    )
    return cases


def referral_list_of_seeker(*, applicant: Applicant) -> QuerySet[Referral]:
    """The seeker's applications and referrals with their outcomes, newest first (none for an
    applicant who is not a job seeker)."""
    referrals: QuerySet[Referral] = (
        Referral.objects.filter(seeker__applicant=applicant)
        .select_related("posting__occupation", "posting__county", "posting__market")
        .order_by("-pk")
    )
    return referrals
