"""The monthly figures of standard art. 15, computed from the records (reads only).

For a calendar month (Asia/Shanghai) and an *area* (one market, the markets of a city, or of
the province):

- **openings** (岗位需求人数): the sum of the headcounts of the postings valid at any time in
  the month: published before the month ended, not ended (filled, withdrawn, expired) before
  it began, and with a last working day in or after the month;
- **seekers** (求职人数): the persons with a job-seeker registration (a ``seeker_registration``
  case, not withdrawn) active in the month: made before the month ended and no more than
  ``STATS_SEEKER_ACTIVE_DAYS`` days before it began; a person counts once per area;
- **demand ratio** (求人倍率) = openings ÷ seekers, two decimals; ``None`` ("no data") when
  there is no seeker, never 0.0 and never a division by zero;
- by occupation (大类 and 中类 of the 2022 大典, a market's own 工种 with its 中类): openings of
  the postings naming it, seekers wanting it (a seeker wanting several occupations counts in
  each, once per cell); by industry (GB/T 4754-2017 门类 and 大类): openings only, the
  registration records no industry; by group (gender, age band on the month's last day,
  household registration, employment-difficulty categories): seekers;
- rankings: the occupations (中类) with the highest and lowest demand ratio among the cells with
  at least ``STATS_RANKING_MIN_COUNT`` openings *and* seekers, and the industries (大类) with the
  most and fewest openings among those with at least that many; ties share a rank;
- the daily wage (日均工资): mean and median over the month's postings (each posting once, its
  lower pay) converted to a day: monthly ÷ 21.75, weekly ÷ 5, hourly × the posting's daily
  hours, daily as it is (the posting's ``pay_daily``, set at intake by
  ``workflows.postings.validation.pay_daily_of``), a piece rate × the stated daily output
  (``piece_daily_output``), which the database keeps as the posting's ``day_wage``; per-job
  pay and a piece rate without an output are excluded, and so is a day's wage outside
  ``STATS_WAGE_DAILY_MIN``..``STATS_WAGE_DAILY_MAX`` (0, a typing mistake); both counts are
  shown.

Everything is counted by the database (GROUP BY); Python only reshapes the grouped rows. The
seekers' figures come from one statement, the postings' from one index (posting_month_figures).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from cases.models import Applicant, Industry
from cases.models import Case as CaseRecord
from cases.models import State as CaseState
from markets.models import Market, Region
from workflows.postings.models import Occupation, Posting
from workflows.seekers.flow import SEEKER_REGISTRATION
from workflows.seekers.models import DifficultyCategory, HouseholdType

from .models import Scope

ZONE = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
UNKNOWN = "unknown"

# Age bands (年龄段) on the month's last day: (code, lowest age); the last band has no top.
AGE_BANDS: tuple[tuple[str, int], ...] = (
    ("16-24", 16),
    ("25-34", 25),
    ("35-44", 35),
    ("45-54", 45),
    ("55+", 55),
)


@dataclass(frozen=True)
class Area:
    """What a set of figures covers: one market, the markets of a city, or of the province."""

    scope: str
    key: str
    name: str
    market_ids: tuple[int, ...]
    market: Market | None = None
    region: Region | None = None


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + self.month // 12, self.month % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time(), tzinfo=ZONE)

    @property
    def ends(self) -> datetime:
        """The first instant after the month."""
        return datetime.combine(self.next_first_day, datetime.min.time(), tzinfo=ZONE)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def a_year_before(self) -> Month:
        return Month(self.year - 1, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def city_code(region_code: str) -> str:
    return region_code[:4] + "00"


def province_code(region_code: str) -> str:
    return region_code[:2] + "0000"


def area_of_market(market: Market) -> Area:
    return Area(
        scope=Scope.MARKET,
        key=f"market:{market.pk}",
        name=market.name,
        market_ids=(market.pk,),
        market=market,
    )


def area_of_region(region: Region, *, markets: list[Market] | None = None) -> Area:
    """A city (``Scope.REGION``) or the province: every market under it by division code,
    read from the database or picked from ``markets`` (with their regions) when the caller
    has read every market under it already."""
    is_province = region.code.endswith("0000")
    prefix = region.code[:2] if is_province else region.code[:4]
    if markets is None:
        ids = tuple(
            Market.objects.filter(region__code__startswith=prefix)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    else:
        ids = tuple(sorted(m.pk for m in markets if m.region.code.startswith(prefix)))
    scope = Scope.PROVINCE if is_province else Scope.REGION
    return Area(
        scope=scope, key=f"{scope}:{region.code}", name=region.name, market_ids=ids, region=region
    )


# --- The records behind the figures ----------------------------------------------------------


def postings_of_month(area: Area, month: Month) -> QuerySet[Posting]:
    """The postings valid at any time in the month (see the module's docstring)."""
    return Posting.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=month.starts),
        market_id__in=area.market_ids,
        published_at__lt=month.ends,
        end_date__gte=month.first_day,
    )


def registrations_of_month(area: Area, month: Month) -> QuerySet[CaseRecord]:
    """The job-seeker registrations (cases) active in the month."""
    active_days = settings.STATS_SEEKER_ACTIVE_DAYS
    return CaseRecord.objects.filter(
        market_id__in=area.market_ids,
        kind=SEEKER_REGISTRATION.code,
        opened_at__lt=month.ends,
        opened_at__gte=month.starts - timedelta(days=active_days),
    ).exclude(state=CaseState.WITHDRAWN)


def wage_bounds() -> tuple[Decimal, Decimal]:
    return Decimal(settings.STATS_WAGE_DAILY_MIN), Decimal(settings.STATS_WAGE_DAILY_MAX)


# --- Figures ---------------------------------------------------------------------------------


def demand_ratio(openings: int, seekers: int) -> float | None:
    """求人倍率 to two decimals; None ("no data") without seekers."""
    if not seekers:
        return None
    return float((Decimal(openings) / Decimal(seekers)).quantize(CENT, rounding=ROUND_HALF_UP))


def _money(value: Any) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass
class _Cells:
    """Counts per code, openings and seekers, before they become rows."""

    openings: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seekers: dict[str, int] = field(default_factory=dict)


def _rows(cells: _Cells, names: dict[str, str], *, with_seekers: bool) -> list[dict[str, Any]]:
    codes = sorted(set(cells.openings) | set(cells.seekers), key=lambda c: (c == UNKNOWN, c))
    rows = []
    for code in codes:
        openings = cells.openings.get(code, 0)
        row: dict[str, Any] = {"code": code, "name": names.get(code, ""), "openings": openings}
        if with_seekers:
            seekers = cells.seekers.get(code, 0)
            row["seekers"] = seekers
            row["demand_ratio"] = demand_ratio(openings, seekers)
        rows.append(row)
    return rows


@dataclass
class _Seekers:
    """The month's seekers counted: in all, by group, and per occupation 大类 and 中类."""

    count: int = 0
    gender: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    age: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    household: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    difficulty: dict[str, int] = field(default_factory=dict)
    major: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    middle: dict[str, int] = field(default_factory=dict)


def _seekers_count(registrations: QuerySet[CaseRecord], month: Month) -> _Seekers:
    """Every seeker figure of the month in one statement over the persons with a registration
    in it (the common table expression ``s``: one row per person, with their profile's
    columns; no profile, none of those):

    - the persons by gender, age band, household registration and the JSON list of difficulty
      categories (a few dozen distinct lists), so the groups and the total are added up here;
    - the persons per 大类 (a code's first character) and per 中类 (its first four) of the
      occupations they want, over the JSON lists: each code counted at the 中类 where it comes
      first in the person's list with that 中类, and at the 大类 where it comes first with that
      大类, so a person counts once per cell without a DISTINCT (which sorted every person's
      codes, per cell).
    """
    persons = (
        Applicant.objects.filter(pk__in=registrations.values("applicant_id"))
        .annotate(
            band=age_band_expression(month),
            household=F("seeker_profile__household_type"),
            difficulty=F("seeker_profile__difficulty_categories"),
            wanted=F("seeker_profile__wanted_occupations"),
        )
        .values("gender", "band", "household", "difficulty", "wanted")
    )
    persons_sql, params = persons.query.sql_with_params()
    # The difficulty list grouped as its text: PostgreSQL sorts text faster than jsonb.
    groups = (
        "SELECT 0, s.gender, s.band, s.household, CAST(s.difficulty AS TEXT), NULL, COUNT(*), "
        "NULL FROM s GROUP BY s.gender, s.band, s.household, CAST(s.difficulty AS TEXT)"
    )
    # The occupations are counted over the distinct lists (a few per cent of the persons: people
    # want the same few occupations), each list weighed by how many persons want it.
    lists = "(SELECT s.wanted, COUNT(*) AS n FROM s GROUP BY s.wanted) w"
    if connection.vendor == "postgresql":
        # The list's prefixes as arrays, once per distinct list; a code comes first with its
        # prefix where array_position (the first match) is its own position.
        occupations = (
            "SELECT 1, NULL, NULL, NULL, NULL, u.middle, "  # noqa: S608
            "SUM(w.n) FILTER (WHERE array_position(a.middles, u.middle) = u.n), "
            "SUM(w.n) FILTER (WHERE array_position(a.majors, u.major) = u.n) "
            f"FROM {lists} CROSS JOIN LATERAL ("
            "SELECT array_agg(substr(e.code, 1, 4) ORDER BY e.n) AS middles, "
            "array_agg(substr(e.code, 1, 1) ORDER BY e.n) AS majors "
            "FROM jsonb_array_elements_text(w.wanted) WITH ORDINALITY AS e(code, n)"
            ") a CROSS JOIN LATERAL "
            "unnest(a.middles, a.majors) WITH ORDINALITY AS u(middle, major, n) "
            "GROUP BY u.middle"
        )
    else:
        earlier = (
            "SELECT 1 FROM json_each(w.wanted) AS k "
            "WHERE k.key < j.key AND substr(k.value, 1, {n}) = substr(j.value, 1, {n})"
        )
        occupations = (
            "SELECT 1, NULL, NULL, NULL, NULL, substr(j.value, 1, 4), "  # noqa: S608
            f"SUM(w.n * NOT EXISTS ({earlier.format(n=4)})), "
            f"SUM(w.n * NOT EXISTS ({earlier.format(n=1)})) "
            f"FROM {lists}, json_each(w.wanted) AS j GROUP BY substr(j.value, 1, 4)"
        )
    # The persons are read once into a temporary table (their semi-join with the
    # registrations is most of the time), not once in each part.
    # Built from constants of this module and the ORM's SQL (its values as parameters).
    sql = f"WITH s AS MATERIALIZED ({persons_sql}) {groups} UNION ALL {occupations}"
    seekers = _Seekers(difficulty=dict.fromkeys(DifficultyCategory.values, 0))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, gender, band, household, difficulty, code, n, first_of_major in cursor:
            n = int(n or 0)  # PostgreSQL's SUM of counts, and so the union's column, is numeric
            if part == 0:
                seekers.count += n
                seekers.gender[gender or UNKNOWN] += n
                seekers.age[band] += n
                if household is None:  # no profile
                    continue
                seekers.household[household or UNKNOWN] += n
                for category in set(_json_list(difficulty)) & seekers.difficulty.keys():
                    seekers.difficulty[category] += n
            elif code:
                code = str(code)
                if len(code) == 4 and n:
                    seekers.middle[code] = n
                if first_of_major:
                    seekers.major[code[:1]] += int(first_of_major)
    return seekers


def _json_list(value: Any) -> list[Any]:
    """The difficulty list as the groups give it (its JSON text: grouped as text), decoded;
    anything but a list (None: no profile) as an empty one."""
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, list) else []


def age_band_expression(month: Month) -> Case:
    last = month.last_day
    whens = []
    for code, age in reversed(AGE_BANDS):
        born_by = _years_before(last, age)
        whens.append(When(birth_date__lte=born_by, then=Value(code)))
    if whens:
        # Under 16 (refused at registration) falls in the first band.
        whens.append(When(birth_date__isnull=False, then=Value(AGE_BANDS[0][0])))
    return Case(*whens, default=Value(UNKNOWN))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _group_rows(counted: dict[str, int], codes: list[str]) -> list[dict[str, Any]]:
    """The groups in their usual order (then any other code, "unknown" last)."""
    others = sorted(set(counted) - set(codes), key=lambda c: (c == UNKNOWN, c))
    return [
        {"code": code, "seekers": counted[code]} for code in [*codes, *others] if code in counted
    ]


def _ranked(rows: list[dict[str, Any]], value: str, *, descending: bool) -> list[dict[str, Any]]:
    """The rows in order of ``value`` with competition ranks (1, 2, 2, 4); ties in code
    order. Every row whose rank is within ``STATS_RANKING_SIZE`` is kept."""
    size = settings.STATS_RANKING_SIZE
    ordered = sorted(rows, key=lambda r: ((-r[value]) if descending else r[value], r["code"]))
    ranked: list[dict[str, Any]] = []
    previous: Any = object()
    rank = 0
    for position, row in enumerate(ordered, start=1):
        if row[value] != previous:
            rank = position
            previous = row[value]
        if rank > size:
            break
        ranked.append({**row, "rank": rank})
    return ranked


def rankings_of(
    occupation_rows: list[dict[str, Any]], industry_rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """The highest and lowest cells, among those meeting the minimum-count rule."""
    minimum = settings.STATS_RANKING_MIN_COUNT
    occupations = [
        row
        for row in occupation_rows
        if row["code"] != UNKNOWN
        and row["openings"] >= minimum
        and row["seekers"] >= minimum
        and row["demand_ratio"] is not None
    ]
    industries = [
        row for row in industry_rows if row["code"] != UNKNOWN and row["openings"] >= minimum
    ]
    return {
        "min_count": minimum,
        "occupation_highest": _ranked(occupations, "demand_ratio", descending=True),
        "occupation_lowest": _ranked(occupations, "demand_ratio", descending=False),
        "industry_highest": _ranked(industries, "openings", descending=True),
        "industry_lowest": _ranked(industries, "openings", descending=False),
    }


def wage_figures(postings: QuerySet[Posting]) -> dict[str, Any]:
    """Mean and median daily wage of the postings, with what was left out and why.

    One query: the postings counted per distinct day's wage (``Posting.day_wage``; NULL: not
    convertible); the mean and the median come from those few thousand (value, count) pairs,
    never from the rows."""
    low, high = wage_bounds()
    groups = postings.values("day_wage").annotate(n=Count("pk")).order_by()
    within: list[tuple[Decimal, int]] = []
    not_convertible = out_of_bounds = 0
    for row in groups:
        value, n = row["day_wage"], row["n"]
        if value is None:
            not_convertible += n
        elif low <= Decimal(value) <= high:
            within.append((Decimal(value), n))
        else:
            out_of_bounds += n
    within.sort()
    counted = sum(n for _, n in within)
    mean = median = None
    if counted:
        mean = sum(value * n for value, n in within) / counted
        middle = ((counted - 1) // 2, counted // 2)
        picked: list[Decimal] = []
        seen = 0
        for value, n in within:
            picked += [value for position in middle if seen <= position < seen + n]
            seen += n
        median = sum(picked) / len(picked)
    return {
        "mean": _money(mean),
        "median": _money(median),
        "counted": counted,
        "excluded": not_convertible + out_of_bounds,
        "excluded_not_convertible": not_convertible,
        "excluded_out_of_bounds": out_of_bounds,
        "bounds": [str(low), str(high)],
    }


def headline_compute(*, area: Area, month: Month) -> dict[str, Any]:
    """The month's headline figures only (openings, seekers, the ratio, the wage), as
    ``figures_compute`` counts them: what a comparison with a month not published needs, in
    three queries instead of the whole month's."""
    postings = postings_of_month(area, month)
    openings = postings.aggregate(n=Sum("headcount"))["n"] or 0
    seekers = registrations_of_month(area, month).aggregate(n=Count("applicant_id", distinct=True))[
        "n"
    ]
    return {
        "openings": openings,
        "seekers": seekers,
        "demand_ratio": demand_ratio(openings, seekers),
        "wage": wage_figures(postings),
    }


def figures_compute(*, area: Area, month: Month) -> dict[str, Any]:
    """Every figure of the month for the area, as plain JSON data (a snapshot's content)."""
    postings = postings_of_month(area, month)
    registrations = registrations_of_month(area, month)

    # One pass over the postings for the totals, the occupations (openings per 中类, 大类
    # summed from them) and the industries (per 大类, 门类 summed from them).
    major, middle = _Cells(), _Cells()
    section, division = _Cells(), _Cells()
    total_openings = total_postings = 0
    # Grouped by the ids (no join over the rows); the codes come from the two small tables.
    occupation_code = dict(Occupation.objects.values_list("pk", "code"))
    industry_code = {
        pk: (code, section or code)
        for pk, code, section in Industry.objects.values_list("pk", "code", "section__code")
    }
    grouped = (
        # "+ 0": grouped by values, not by the occupation's or the industry's own index,
        # which SQLite would walk to spare itself the sort, reading every posting's row; the
        # month's covering index (posting_month_figures) is read alone and its few thousand
        # groups sorted.
        postings.annotate(occupation_key=F("occupation_id") + 0, industry_key=F("industry_id") + 0)
        .values("occupation_key", "industry_key")
        .annotate(n=Sum("headcount"), k=Count("pk"))
        .order_by()
    )
    for row in grouped:
        code = occupation_code[row["occupation_key"]][:4]
        n = row["n"]
        total_openings += n
        total_postings += row["k"]
        major.openings[code[:1]] += n
        if len(code) == 4:
            middle.openings[code] += n
        division_code, section_code = industry_code.get(row["industry_key"], (UNKNOWN, UNKNOWN))
        division.openings[division_code] += n
        section.openings[section_code] += n
    seekers = _seekers_count(registrations, month)
    major.seekers, middle.seekers = dict(seekers.major), seekers.middle
    occupation_names = dict(
        Occupation.objects.filter(
            code__in=set(major.openings)
            | set(major.seekers)
            | set(middle.openings)
            | set(middle.seekers)
        ).values_list("code", "name")
    )

    industry_names = dict(
        Industry.objects.filter(
            code__in=set(division.openings) | set(section.openings)
        ).values_list("code", "name")
    )

    by_occupation_middle = _rows(middle, occupation_names, with_seekers=True)
    by_industry_division = _rows(division, industry_names, with_seekers=False)

    by_market: list[dict[str, Any]] = []
    if area.scope != Scope.MARKET:
        market_openings = dict(
            postings.values_list("market_id")
            .annotate(n=Sum("headcount"))
            .values_list("market_id", "n")
        )
        market_seekers = dict(
            registrations.values("market_id")
            .annotate(n=Count("applicant_id", distinct=True))
            .values_list("market_id", "n")
        )
        names = dict(Market.objects.filter(pk__in=area.market_ids).values_list("pk", "name"))
        for pk in area.market_ids:
            o, s = market_openings.get(pk, 0), market_seekers.get(pk, 0)
            by_market.append(
                {
                    "code": str(pk),
                    "name": names.get(pk, ""),
                    "openings": o,
                    "seekers": s,
                    "demand_ratio": demand_ratio(o, s),
                }
            )

    return {
        "year": month.year,
        "month": month.month,
        "scope": area.scope,
        "scope_key": area.key,
        "name": area.name,
        "postings": total_postings,
        "openings": total_openings,
        "seekers": seekers.count,
        "demand_ratio": demand_ratio(total_openings, seekers.count),
        "seeker_active_days": settings.STATS_SEEKER_ACTIVE_DAYS,
        "by_occupation_major": _rows(major, occupation_names, with_seekers=True),
        "by_occupation_middle": by_occupation_middle,
        "by_industry_section": _rows(section, industry_names, with_seekers=False),
        "by_industry_division": by_industry_division,
        "by_group": {
            "gender": _group_rows(seekers.gender, ["male", "female"]),
            "age_band": _group_rows(seekers.age, [code for code, _ in AGE_BANDS]),
            "household_type": _group_rows(seekers.household, [c.value for c in HouseholdType]),
            "difficulty": [{"code": code, "seekers": n} for code, n in seekers.difficulty.items()],
        },
        "by_market": by_market,
        "rankings": rankings_of(by_occupation_middle, by_industry_division),
        "wage": wage_figures(postings),
    }
