"""Reads of postings, occupations and minimum wages, for pages, the big screen, the kiosk and
matching."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cases.models import NoticeItem
from markets.models import Market, Region
from markets.selectors import market_list_visible_to

from .models import MinimumWage, Occupation, Posting, Status


def area_codes_upwards(county_code: str) -> list[str]:
    """``"450103"`` -> ``["450103", "450100", "450000"]``: the county, its city and its
    province, most specific first (a county directly under its province skips the city)."""
    codes = [county_code, county_code[:4] + "00", county_code[:2] + "0000"]
    return list(dict.fromkeys(codes))


def minimum_wage_for(*, county_code: str, on: date) -> MinimumWage | None:
    """The minimum wage that applies in a county on a day: the tier of the most specific area
    above (or at) the county that has one in force, and of that area's tiers the one with the
    latest ``effective_from`` not after ``on``. None when no tier is known there."""
    codes = area_codes_upwards(county_code)
    rows = list(
        MinimumWage.objects.filter(area_id__in=codes, effective_from__lte=on).order_by(
            "-effective_from", "-pk"
        )
    )
    for code in codes:
        for row in rows:
            if row.area_id == code:
                return row
    return None


def occupation_list_for_postings(*, markets: Iterable[int] | None = None) -> QuerySet[Occupation]:
    """The occupations (细类) a posting may name, for choosers; with ``markets`` (ids), those
    markets' own occupations (本市场工种) too."""
    choosable = Q(level=Occupation.Level.OCCUPATION)
    if markets is not None:
        choosable |= Q(level=Occupation.Level.LOCAL, market__in=list(markets))
    return Occupation.objects.filter(choosable, is_active=True)


OCCUPATION_SEARCH_LIMIT = 20


def occupation_search(*, text: str, markets: Iterable[int] | None = None) -> QuerySet[Occupation]:
    """Occupations whose code, name or other names (搬运工 → 装卸搬运工) contain ``text``."""
    text = text.strip()
    occupations = occupation_list_for_postings(markets=markets)
    if not text:
        return occupations
    return occupations.filter(
        Q(code__startswith=text) | Q(name__contains=text) | Q(aliases__contains=text)
    )


# What a public page or the public API never reads of a posting or its employer: contact
# details, screening notes, the employer's personal data (deferred, so not even held).
POSTING_NOT_PUBLIC = (
    "contact_name",
    "contact_phone",
    "contact_phone_masked",
    "screening_findings",
    "screening_justification",
    "employer__id_number",
    "employer__id_number_index",
    "employer__id_number_masked",
    "employer__mobile",
    "employer__mobile_masked",
    "employer__credit_code",
    "employer__gender",
    "employer__birth_date",
)


def posting_list_published(
    *,
    market: Market | None = None,
    occupation_prefix: str | None = None,
    county_prefix: str | None = None,
    pay_method: str | None = None,
) -> QuerySet[Posting]:
    """Published postings, newest first: what the big screen, the kiosk, the online pages and
    matching show. ``occupation_prefix`` is a classification code prefix (``"4-03"``: every
    catering job); ``county_prefix`` a division-code prefix (``"4501"``: all of Nanning,
    as :attr:`markets.models.Region.prefix` gives it)."""
    postings = Posting.objects.filter(status=Status.PUBLISHED)
    if market is not None:
        postings = postings.filter(market=market)
    if occupation_prefix:
        code = occupation_prefix.rstrip("-")  # whole segments: "4-1" is not "4-10"
        postings = postings.filter(
            Q(occupation__code=code) | Q(occupation__code__startswith=f"{code}-")
        )
    if county_prefix:
        postings = postings.filter(county__code__startswith=county_prefix)
    if pay_method:
        postings = postings.filter(pay_method=pay_method)
    published: QuerySet[Posting] = postings.select_related(
        "occupation", "county", "market", "employer"
    ).order_by("-published_at", "-pk")
    return published


def posting_list_for_market(*, market: Market) -> QuerySet[Posting]:
    """Every posting of a market, for its officers' lists."""
    postings: QuerySet[Posting] = (
        Posting.objects.filter(market=market)
        .select_related("occupation", "county", "case", "employer")
        .order_by("-created_at", "-pk")
    )
    return postings


EXPIRING_WITHIN_DAYS = 3


def posting_list_for_staff(
    *,
    market_ids: Iterable[int],
    market_id: int | None = None,
    occupation_prefix: str | None = None,
    expiring: bool = False,
    status: str = Status.PUBLISHED,
    today: date | None = None,
) -> QuerySet[Posting]:
    """Published (or filled) postings of the markets ``market_ids`` a member of staff may see,
    for keeping them current: optionally of one market, of an occupation or a category (a code
    prefix, whole segments), and, for published ones, those whose last working day is within
    ``EXPIRING_WITHIN_DAYS`` days of ``today`` (soonest first). Newest first otherwise. One
    query a page; the employer's ID number and mobile are left unread."""
    if status not in (Status.PUBLISHED, Status.FILLED):
        raise ValueError(f"not a status this list shows: {status}")
    today = today or timezone.localdate()
    postings = Posting.objects.filter(status=status, market_id__in=list(market_ids))
    if market_id is not None:
        postings = postings.filter(market_id=market_id)
    if occupation_prefix:
        code = occupation_prefix.rstrip("-")
        postings = postings.filter(
            Q(occupation__code=code) | Q(occupation__code__startswith=f"{code}-")
        )
    order: tuple[str, ...] = ("-published_at", "-pk")
    if status == Status.FILLED:
        order = ("-ended_at", "-pk")
    if expiring and status == Status.PUBLISHED:
        postings = postings.filter(
            end_date__gte=today, end_date__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS)
        )
        order = ("end_date", "pk")
    listed: QuerySet[Posting] = (
        postings.select_related("occupation", "county", "market", "employer", "case")
        .defer("employer__id_number", "employer__mobile")
        .order_by(*order)
    )
    return listed


def county_region(*, code: str) -> Region | None:
    return Region.objects.filter(code=code, level=Region.Level.COUNTY).first()


def posting_get_visible(*, user: User, pk: int) -> Posting:
    """The posting, when it belongs to a market the user may see; else Posting.DoesNotExist
    (→ 404). The employer's ID number and mobile are left unread."""
    posting: Posting = (
        Posting.objects.filter(market__in=market_list_visible_to(user=user))
        .select_related("occupation", "industry", "county", "market", "employer", "case")
        .defer("employer__id_number", "employer__mobile")
        .get(pk=pk)
    )
    return posting


def posting_notice_items(*, posting: Posting) -> QuerySet[NoticeItem]:
    """The corrections the posting's single notice asks for and that are still outstanding,
    in the notice's order."""
    if posting.case_id is None:
        return NoticeItem.objects.none()
    items: QuerySet[NoticeItem] = NoticeItem.objects.filter(
        notice__case_id=posting.case_id, received_at__isnull=True
    ).order_by("notice_id", "pk")
    return items


def occupation_middle_groups() -> QuerySet[Occupation]:
    """The middle groups (中类) of the classification, in code order: what a market's own
    occupations go under and what the statistics group occupations by."""
    return Occupation.objects.filter(level=Occupation.Level.MIDDLE, is_active=True)


def occupation_list_local(*, market_ids: Iterable[int]) -> QuerySet[Occupation]:
    """The markets' own occupations (本市场工种), with their market and 中类, by code."""
    return (
        Occupation.objects.filter(level=Occupation.Level.LOCAL, market__in=list(market_ids))
        .select_related("market", "parent")
        .order_by("code")
    )
