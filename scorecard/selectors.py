"""The monthly scorecard of markets, and its roll-up by city and province.

Every automatic item is one grouped query over all the markets asked for (a row per market),
so a scorecard of 100 markets costs the same dozen queries as one of a single market. An item
with nothing to measure (no clock ended, no rating, no posting, nobody on the staff) has no
data: shown as such, never as 0 % or a division by zero, and neither passed nor failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, F, Q
from django.utils import timezone

from audit.models import LedgerSignOff
from cases.models import SingleNoticeBreach
from markets.models import MARKET_ROLES, Market, Membership, Region
from noticeboard.models import StaffTraining
from sla import calendar as cal
from sla.models import Deadline, Target
from sla.selectors import overrides_for
from workflows.inspections.checklist import Result
from workflows.inspections.selectors import latest_inspection_results
from workflows.postings.models import Posting
from workflows.ratings.selectors import month_bounds, rating_rollup

from .items import ITEMS, ItemSpec
from .statistics_hook import monthly_statistics_published_on_time


class MonthRefused(ValueError):
    """A month the scorecard cannot be made for (in the future); ``str()`` is for people."""


@dataclass(frozen=True)
class ItemValue:
    """One item of one market's month. ``value`` None: no data. ``numerator`` and
    ``denominator`` when the value is a share (percent)."""

    spec: ItemSpec
    value: Decimal | None
    numerator: int | None = None
    denominator: int | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        if self.spec.unit == "check":
            return self.value == 1
        if self.spec.at_most:
            return self.value <= self.spec.target
        return self.value >= self.spec.target


@dataclass(frozen=True)
class MarketScorecard:
    market: Market
    items: list[ItemValue]

    @property
    def passed(self) -> int:
        return sum(1 for item in self.items if item.passed is True)

    @property
    def failed(self) -> int:
        return sum(1 for item in self.items if item.passed is False)

    @property
    def no_data(self) -> int:
        return sum(1 for item in self.items if item.passed is None)


@dataclass
class ItemRollup:
    """One item over several markets: how many passed, failed, had no data."""

    spec: ItemSpec
    passed: int = 0
    failed: int = 0
    no_data: int = 0


@dataclass
class RegionRollup:
    code: str
    name: str
    markets: int = 0
    items: list[ItemRollup] = field(default_factory=list)


def _percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100 * numerator) / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _share(spec: ItemSpec, numerator: int, denominator: int) -> ItemValue:
    return ItemValue(
        spec, _percent(numerator, denominator), numerator=numerator, denominator=denominator
    )


def month_check(*, year: int, month: int, today: date | None = None) -> None:
    """Refuse a month that has not begun (``MonthRefused``)."""
    today = today or timezone.localdate()
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise MonthRefused("invalid month")
    if date(year, month, 1) > today:
        raise MonthRefused("future month")


def _on_time(
    ids: list[int], starts: datetime, ends: datetime, now: datetime
) -> dict[str, dict[int, tuple[int, int]]]:
    """{target: {market id: (met, counted)}}: the clocks that stopped in the month, and those
    that fell due in it (up to now) and still run, which missed."""
    until = min(ends, now)
    rows = (
        Deadline.objects.filter(market_id__in=ids)
        .filter(
            Q(stopped_at__gte=starts, stopped_at__lt=ends)
            | Q(stopped_at__isnull=True, due_at__gte=starts, due_at__lt=until)
        )
        .values("market_id", "target")
        .annotate(total=Count("id"), met=Count("id", filter=Q(met=True)))
        .order_by()
    )
    found: dict[str, dict[int, tuple[int, int]]] = {Target.ACCEPTANCE: {}, Target.COMPLETION: {}}
    for row in rows:
        found[row["target"]][row["market_id"]] = (row["met"], row["total"])
    return found


def _counts(rows: Iterable[dict[str, object]], key: str = "n") -> dict[int, int]:
    return {int(str(row["market_id"])): int(str(row[key])) for row in rows}


def _working_days(first: date, last: date) -> list[date]:
    """The working days from ``first`` to ``last`` (both included) on the province's calendar
    (days entered for every market; a market's own days are not read here)."""
    overrides = overrides_for(None)
    days = []
    day = first
    while day <= last:
        if cal.is_working_day(day, overrides):
            days.append(day)
        day += timedelta(days=1)
    return days


def scorecard_for_markets(
    *, markets: Sequence[Market], year: int, month: int
) -> list[MarketScorecard]:
    """The scorecard of ``year``-``month`` for each of ``markets`` (in their order)."""
    month_check(year=year, month=month)
    ids = [market.pk for market in markets]
    starts, ends = month_bounds(year, month)
    now = timezone.now()
    today = timezone.localdate(now)
    first_day = date(year, month, 1)
    last_day = timezone.localdate(ends) - timedelta(days=1)

    on_time = _on_time(ids, starts, ends, now)
    breaches = _counts(
        SingleNoticeBreach.objects.filter(
            market_id__in=ids, recorded_at__gte=starts, recorded_at__lt=ends
        )
        .values("market_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    # The ledger: working days of the month up to yesterday (today is signed off tonight).
    ledger_last = min(last_day, today - timedelta(days=1))
    # A sign-off of a day off (a Sunday's ledger) does not count.
    ledger_working = _working_days(first_day, ledger_last)
    ledger_days = len(ledger_working)
    signed = _counts(
        LedgerSignOff.objects.filter(market_id__in=ids, day__in=ledger_working)
        .values("market_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    statistics = monthly_statistics_published_on_time(market_ids=ids, year=year, month=month)
    posting_rows = (
        Posting.objects.filter(market_id__in=ids, published_at__gte=starts, published_at__lt=ends)
        .values("market_id")
        .annotate(
            total=Count("id"),
            # Findings the reviewer did not justify: neither clean nor a justified exception.
            unjustified=Count(
                "id", filter=~Q(screening_findings=[]) & Q(screening_justification="")
            ),
            welfare=Count("id", filter=Q(is_public_welfare=True)),
        )
        .order_by()
    )
    postings = {row["market_id"]: row for row in posting_rows}
    staff = _counts(
        Membership.objects.filter(market_id__in=ids, role__in=MARKET_ROLES, user__is_active=True)
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .values("market_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    trained = _counts(
        StaffTraining.objects.filter(
            market_id__in=ids,
            date__gte=date(year, 1, 1),
            date__lte=last_day,
            user__memberships__market_id=F("market_id"),
            user__memberships__role__in=MARKET_ROLES,
            user__is_active=True,
        )
        .values("market_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    ratings = {
        line.key: line for line in rating_rollup(market_ids=ids, year=year, month=month).by_market
    }
    inspections = latest_inspection_results(market_ids=ids, on_or_before=last_day)

    specs = {spec.code: spec for spec in ITEMS}
    cards: list[MarketScorecard] = []
    for market in markets:
        pk = market.pk
        posting = postings.get(pk)
        rating = ratings.get(pk)
        published = statistics.get(pk)
        inspected = inspections.get(pk)
        values: dict[str, ItemValue] = {
            "on_time_acceptance": _share(
                specs["on_time_acceptance"], *on_time[Target.ACCEPTANCE].get(pk, (0, 0))
            ),
            "on_time_completion": _share(
                specs["on_time_completion"], *on_time[Target.COMPLETION].get(pk, (0, 0))
            ),
            "single_notice_breaches": ItemValue(
                specs["single_notice_breaches"], Decimal(breaches.get(pk, 0))
            ),
            "ledger_signed_off": _share(
                specs["ledger_signed_off"], min(signed.get(pk, 0), ledger_days), ledger_days
            ),
            "statistics_published": ItemValue(
                specs["statistics_published"],
                None if published is None else Decimal(int(published)),
            ),
            "postings_lawful": _share(
                specs["postings_lawful"],
                (posting["total"] - posting["unjustified"]) if posting else 0,
                posting["total"] if posting else 0,
            ),
            "welfare_jobs_posted": ItemValue(
                specs["welfare_jobs_posted"], Decimal(posting["welfare"] if posting else 0)
            ),
            "staff_trained": _share(
                specs["staff_trained"], min(trained.get(pk, 0), staff.get(pk, 0)), staff.get(pk, 0)
            ),
            "satisfaction": _share(
                specs["satisfaction"],
                rating.satisfied if rating else 0,
                rating.total if rating else 0,
            ),
        }
        for spec in ITEMS:
            if spec.automatic:
                continue
            result = inspected[1].get(spec.code.removeprefix("facility_")) if inspected else None
            checked = {Result.PASS: Decimal(1), Result.FAIL: Decimal(0)}.get(result)  # type: ignore[call-overload]
            values[spec.code] = ItemValue(spec, checked)
        cards.append(MarketScorecard(market=market, items=[values[spec.code] for spec in ITEMS]))
    return cards


def scorecard_rollup(
    *, cards: Sequence[MarketScorecard]
) -> tuple[list[RegionRollup], RegionRollup]:
    """The scorecards rolled up by prefecture city (the market's region code's first four
    digits) and for the whole province: per item, how many markets passed, failed, had no
    data. One query (the cities' names)."""
    city_codes = sorted({card.market.region.code[:4] + "00" for card in cards})
    names = dict(Region.objects.filter(code__in=city_codes).values_list("code", "name"))
    province = RegionRollup(code="", name="", items=[ItemRollup(spec) for spec in ITEMS])
    cities: dict[str, RegionRollup] = {}
    for card in cards:
        code = card.market.region.code[:4] + "00"
        city = cities.get(code)
        if city is None:
            city = cities[code] = RegionRollup(
                code=code, name=names.get(code, code), items=[ItemRollup(spec) for spec in ITEMS]
            )
        for rollup in (city, province):
            rollup.markets += 1
            for line, item in zip(rollup.items, card.items, strict=True):
                if item.passed is None:
                    line.no_data += 1
                elif item.passed:
                    line.passed += 1
                else:
                    line.failed += 1
    return [cities[code] for code in sorted(cities)], province
