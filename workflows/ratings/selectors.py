"""Reads of the satisfaction ratings: the monthly roll-ups (per officer, per service, per
market) and what the pages need.

满意度 (satisfaction rate) = (非常满意 + 满意 + 基本满意) ÷ all ratings of the month. With no
rating at all there is no rate ("no data"), never 0 %.

The three roll-ups are one grouped query whatever the number of rows (officers, services,
markets), over the ``(market, rated_at)`` index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from cases.kinds import kind_get, kind_is_rated
from cases.models import Case

from .models import RATED_STATES, SATISFIED_LEVELS, Level, Rating, Rectification


@dataclass
class RatingLine:
    """One row of a roll-up: the count per level (best first) and the satisfaction rate."""

    key: object
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Level.values, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        return sum(self.counts[level] for level in SATISFIED_LEVELS)

    @property
    def rate(self) -> Decimal | None:
        """满意度 as a percentage with one decimal; None when there is no rating (no data)."""
        if not self.total:
            return None
        percent = Decimal(100 * self.satisfied) / Decimal(self.total)
        return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def level_counts(self) -> list[int]:
        """The counts in the levels' order (for a table's columns)."""
        return [self.counts[level] for level in Level.values]


@dataclass(frozen=True)
class RatingRollup:
    year: int
    month: int
    by_officer: list[RatingLine]
    by_kind: list[RatingLine]
    by_market: list[RatingLine]

    @property
    def total(self) -> RatingLine:
        line = RatingLine(key=None, label="")
        for market in self.by_market:
            for level, count in market.counts.items():
                line.counts[level] += count
        return line


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in the display time zone."""
    zone = timezone.get_default_timezone()
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return (
        timezone.make_aware(datetime.combine(first, time.min), zone),
        timezone.make_aware(datetime.combine(following, time.min), zone),
    )


def _lines(
    rows: Iterable[dict[str, object]], key: str, label_of: dict[object, str]
) -> list[RatingLine]:
    lines: dict[object, RatingLine] = {}
    for row in rows:
        value = row[key]
        line = lines.get(value)
        if line is None:
            line = lines[value] = RatingLine(key=value, label=label_of.get(value, "—"))
        count = row["count"]
        assert isinstance(count, int)  # noqa: S101 - Count() is an int
        line.counts[str(row["level"])] += count
    return sorted(lines.values(), key=lambda line: (-line.total, line.label))


def rating_rollup(*, market_ids: Sequence[int], year: int, month: int) -> RatingRollup:
    """The ratings given in the calendar month ``year``-``month`` in the markets
    ``market_ids``, counted per level and rolled up per officer (the case's owner at its
    resolution), per service (case kind) and per market: one grouped query (a row per
    market, officer, service and level), summed here three ways."""
    starts, ends = month_bounds(year, month)
    rows = list(
        Rating.objects.filter(
            market_id__in=list(market_ids), rated_at__gte=starts, rated_at__lt=ends
        )
        .values(
            "market_id",
            "market__name",
            "officer_id",
            "officer__full_name",
            "officer__username",
            "kind",
            "level",
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    officers: dict[object, str] = {
        row["officer_id"]: str(row["officer__full_name"] or row["officer__username"] or "—")
        for row in rows
    }
    kinds: dict[object, str] = {}
    for row in rows:
        kind = kind_get(str(row["kind"]))
        kinds[row["kind"]] = str(kind.label) if kind is not None else str(row["kind"])
    markets: dict[object, str] = {row["market_id"]: str(row["market__name"]) for row in rows}
    return RatingRollup(
        year=year,
        month=month,
        by_officer=_lines(rows, "officer_id", officers),
        by_kind=_lines(rows, "kind", kinds),
        by_market=_lines(rows, "market_id", markets),
    )


def ratable(case: Case) -> bool:
    """Whether the applicant may rate ``case`` now, if it is not rated yet: resolved or
    closed, and of a kind that is rated (not a rectification; no query)."""
    return kind_is_rated(case.kind) and case.state in RATED_STATES


def rating_for_case(*, case: Case) -> Rating | None:
    return Rating.objects.filter(case=case).first()


def rectification_for_case(*, case_id: int) -> QuerySet[Rectification]:
    """The rectification whose case is ``case_id`` (with what its page shows)."""
    return Rectification.objects.select_related(
        "case__market", "case__owner", "rating__case", "rating__officer", "visit_recorded_by"
    ).filter(case_id=case_id)
