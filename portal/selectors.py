"""Reads for the public pages. Everything here is what anyone in the market hall may see: no
applicant's name, ID number or mobile, no employer's contact person or phone leaves this module
(the one exception, the case-status lookup, compares the last four digits of a mobile and
returns only the case's public state)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.kinds import kind_get
from cases.models import Case, State
from markets.models import Market, Region
from workflows.postings.models import Occupation, Posting
from workflows.postings.models import Status as PostingStatus
from workflows.postings.selectors import POSTING_NOT_PUBLIC, posting_list_published
from workflows.seekers.flow import SEEKER_REGISTRATION

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def market_list_public() -> QuerySet[Market]:
    """Markets whose public pages are open: the active ones."""
    return Market.objects.filter(is_active=True)


# --- Postings --------------------------------------------------------------------------------


def posting_list_public(
    *,
    market: Market,
    occupation_prefix: str | None = None,
    county_prefix: str | None = None,
    pay_method: str | None = None,
) -> QuerySet[Posting]:
    """A market's published postings, newest first, with only what a public page may show."""
    return posting_list_published(
        market=market,
        occupation_prefix=occupation_prefix,
        county_prefix=county_prefix,
        pay_method=pay_method,
    ).defer(*POSTING_NOT_PUBLIC)


def posting_get_public(*, market: Market, pk: int) -> Posting | None:
    """One published posting of the market, or None (withdrawn, filled, another market's …)."""
    return posting_list_public(market=market).filter(pk=pk).first()


def occupation_list_for_kiosk(*, market: Market) -> list[tuple[Occupation, list[Occupation]]]:
    """The occupations (工种) of the market's published postings under their major groups
    (大类), for the kiosk's chooser: ``[(major group, [occupation, …]), …]`` by code."""
    published = Posting.objects.filter(market=market, status=PostingStatus.PUBLISHED)
    occupations = list(
        Occupation.objects.filter(pk__in=published.values("occupation_id")).order_by("code")
    )
    majors = Occupation.objects.filter(
        level=Occupation.Level.MAJOR,
        code__in={occupation.code.split("-")[0] for occupation in occupations},
    ).order_by("code")
    return [
        (major, [o for o in occupations if o.code.split("-")[0] == major.code]) for major in majors
    ]


def county_list_for_kiosk(*, market: Market) -> QuerySet[Region]:
    """The counties (区县) where the market's published postings are, by code."""
    published = Posting.objects.filter(market=market, status=PostingStatus.PUBLISHED)
    return Region.objects.filter(pk__in=published.values("county_id")).order_by("code")


# --- Today's figures for the big screen ------------------------------------------------------


@dataclass(frozen=True)
class MarketDayFigures:
    postings_published: int
    cases_opened: int
    cases_closed: int


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def market_figures_for_day(
    *, market: Market, day: date, postings_published: int | None = None
) -> MarketDayFigures:
    """Postings published, cases opened and cases closed (结案) in the market on ``day``
    (local time): two aggregate queries, whatever the numbers; one when the caller has
    counted the postings already (``postings_published``, the screen's ``screen_day``)."""
    start, end = _day_bounds(day)
    opened = Q(opened_at__gte=start, opened_at__lt=end)
    closed = Q(state=State.CLOSED, closed_at__gte=start, closed_at__lt=end)
    cases = (
        Case.objects.filter(market=market)
        .filter(opened | Q(closed_at__gte=start, closed_at__lt=end))
        .aggregate(opened=Count("pk", filter=opened), closed=Count("pk", filter=closed))
    )
    postings = (
        postings_published
        if postings_published is not None
        else Posting.objects.filter(
            market=market, published_at__gte=start, published_at__lt=end
        ).count()
    )
    return MarketDayFigures(
        postings_published=postings,
        cases_opened=cases["opened"],
        cases_closed=cases["closed"],
    )


# --- The big screen's charts: today's postings and seekers hour by hour, the wage level ------

# Daily pay bands of the wage chart (元/日): [from, up to) each; the last has no upper end.
WAGE_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 100),
    (100, 150),
    (150, 200),
    (200, 250),
    (250, 300),
    (300, None),
)


@dataclass(frozen=True)
class ScreenDay:
    """Today at the market, hour by hour (0–23, local time): postings published, the people
    they want, and job seekers registered (求职登记 cases opened)."""

    postings_by_hour: list[int]
    openings_by_hour: list[int]
    seekers_by_hour: list[int]

    @property
    def postings(self) -> int:
        return sum(self.postings_by_hour)

    @property
    def openings(self) -> int:
        return sum(self.openings_by_hour)

    @property
    def seekers(self) -> int:
        return sum(self.seekers_by_hour)


@dataclass(frozen=True)
class WageLevel:
    """The daily pay (``pay_daily``, the lower pay as a day's) of the market's published
    postings: how many in each band of ``WAGE_BANDS``, their mean, and how many postings have
    no daily figure (piece and per-job pay). ``mean`` is None when no posting has one."""

    bands: list[int]
    mean: Decimal | None
    without_daily_pay: int


def _hours(day: date) -> list[tuple[datetime, datetime]]:
    start, _end = _day_bounds(day)
    return [(start + timedelta(hours=h), start + timedelta(hours=h + 1)) for h in range(24)]


def screen_day(*, market: Market, day: date) -> tuple[ScreenDay, WageLevel]:
    """Today's postings and seekers at the market, per hour, and the wage level of its
    published postings: two aggregate queries (postings, seekers), whatever the numbers."""
    start, end = _day_bounds(day)
    hours = _hours(day)
    today = Q(published_at__gte=start, published_at__lt=end)
    published = Q(status=PostingStatus.PUBLISHED)

    def band(low: int, high: int | None) -> Q:
        condition = published & Q(pay_daily__gte=low)
        return condition & Q(pay_daily__lt=high) if high is not None else condition

    postings = (
        Posting.objects.filter(market=market)
        .filter(today | published)
        .aggregate(
            **{
                f"p{h}": Count("pk", filter=Q(published_at__gte=a, published_at__lt=b))
                for h, (a, b) in enumerate(hours)
            },
            **{
                f"o{h}": Sum("headcount", filter=Q(published_at__gte=a, published_at__lt=b))
                for h, (a, b) in enumerate(hours)
            },
            **{f"b{i}": Count("pk", filter=band(lo, hi)) for i, (lo, hi) in enumerate(WAGE_BANDS)},
            mean=Avg("pay_daily", filter=published),
            without=Count("pk", filter=published & Q(pay_daily__isnull=True)),
        )
    )
    seekers = Case.objects.filter(
        market=market, kind=SEEKER_REGISTRATION.code, opened_at__gte=start, opened_at__lt=end
    ).aggregate(
        **{
            f"s{h}": Count("pk", filter=Q(opened_at__gte=a, opened_at__lt=b))
            for h, (a, b) in enumerate(hours)
        }
    )
    mean = postings["mean"]
    return (
        ScreenDay(
            postings_by_hour=[postings[f"p{h}"] for h in range(24)],
            openings_by_hour=[postings[f"o{h}"] or 0 for h in range(24)],
            seekers_by_hour=[seekers[f"s{h}"] for h in range(24)],
        ),
        WageLevel(
            bands=[postings[f"b{i}"] for i in range(len(WAGE_BANDS))],
            mean=Decimal(mean).quantize(Decimal("1")) if mean is not None else None,
            without_daily_pay=postings["without"],
        ),
    )


# --- Case-status lookup (办件进度查询) ---------------------------------------------------------

# What the applicant is told: the case's state in plain words, not the back office's steps
# (a pending transfer between teams is just "in progress" to them).
_PUBLIC_STATE: dict[str, StrOrPromise] = {
    State.NEW: pgettext_lazy("public case state", "In progress"),
    State.IN_PROGRESS: pgettext_lazy("public case state", "In progress"),
    State.TRANSFER_PENDING: pgettext_lazy("public case state", "In progress"),
    State.AWAITING_MATERIALS: pgettext_lazy("public case state", "Waiting for your materials"),
    State.RESOLVED: pgettext_lazy("public case state", "Completed"),
    State.CLOSED: pgettext_lazy("public case state", "Completed"),
    State.WITHDRAWN: pgettext_lazy("public case state", "Withdrawn"),
}
# Compared against when there is no case or no mobile (which then matches nothing).
_NO_DIGITS = "----"


@dataclass(frozen=True)
class CaseStatus:
    """All the lookup answers: the state in words, the kind, the opened and closed dates."""

    reference: str
    state: StrOrPromise
    kind: StrOrPromise
    opened_on: date
    closed_on: date | None
    # Completed (resolved or closed): the kiosk offers to rate it (好差评).
    completed: bool = False


def case_public_state(state: str) -> StrOrPromise:
    return _PUBLIC_STATE[state]


def case_find_by_reference(*, reference: str, mobile_last_four: str) -> Case | None:
    """The case with this reference whose contact mobile (the one the applicant gave when it
    was opened) ends in ``mobile_last_four``; None when there is no such reference *or* the
    digits differ (the caller must not be able to tell which). The mobile is decrypted here,
    by the model field, and compared in constant time; a reference that does not exist is
    compared too. The check the applicant knows, for the status lookup and the kiosk's
    rating alike."""
    case = (
        Case.objects.only(
            "reference",
            "kind",
            "state",
            "opened_at",
            "resolved_at",
            "closed_at",
            "contact_mobile",
        )
        .filter(reference=reference)
        .first()
    )
    mobile = (case.contact_mobile or "") if case is not None else ""
    has_mobile = len(mobile) >= 4
    # Compared even when there is nothing to compare with, so that both answers take as long.
    matches = hmac.compare_digest(
        (mobile[-4:] if has_mobile else _NO_DIGITS).encode(), mobile_last_four.encode()
    )
    if case is None or not has_mobile or not matches:
        return None
    found: Case = case
    return found


def case_status_lookup(*, reference: str, mobile_last_four: str) -> CaseStatus | None:
    """The public status of the case ``case_find_by_reference`` finds; None when it finds
    none."""
    case = case_find_by_reference(reference=reference, mobile_last_four=mobile_last_four)
    if case is None:
        return None
    kind = kind_get(case.kind)
    closed_at = None
    if case.state in (State.RESOLVED, State.CLOSED, State.WITHDRAWN):
        closed_at = case.closed_at or case.resolved_at
    return CaseStatus(
        reference=case.reference,
        state=case_public_state(case.state),
        kind=kind.label if kind is not None else _("Other service"),
        opened_on=timezone.localdate(case.opened_at),
        closed_on=timezone.localdate(closed_at) if closed_at is not None else None,
        completed=case.state in (State.RESOLVED, State.CLOSED),
    )
