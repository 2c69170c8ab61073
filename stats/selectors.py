"""Reads of the monthly statistics: who sees which scope, the published snapshots, the figures
of a month (the snapshot when published, computed otherwise), the comparisons, the records
behind a figure, and the plain data the big screen charts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import zip_longest
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.models import Applicant
from cases.models import Case as CaseRecord
from markets.models import Market, Region, Role
from markets.selectors import membership_list_for_user
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile

from .compute import (
    UNKNOWN,
    Area,
    Month,
    age_band_expression,
    area_of_market,
    area_of_region,
    figures_compute,
    headline_compute,
    postings_of_month,
    registrations_of_month,
)
from .models import MonthlyDraft, MonthlySnapshot
from .services import StatsError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# --- Input -----------------------------------------------------------------------------------


def month_parse_or_error(raw: str | None) -> Month:
    """``YYYY-MM`` as a Month; StatsError with a message otherwise."""
    match = _MONTH.fullmatch((raw or "").strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise StatsError(_("Give the month as YYYY-MM, for example 2026-03."))
    return Month(int(match.group(1)), int(match.group(2)))


def _first_record_day(market_ids: tuple[int, ...]) -> date | None:
    """The earliest day a market of ``market_ids`` has a record (a published posting, a case):
    one index seek per market and table ((market, published_at), (market, opened_at, id))."""
    days = []
    for pk in market_ids:
        posting = (
            Posting.objects.filter(market_id=pk, published_at__isnull=False)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        case = (
            CaseRecord.objects.filter(market_id=pk)
            .order_by("opened_at")
            .values_list("opened_at", flat=True)
            .first()
        )
        days += [d for d in (posting, case) if d is not None]
    return min(timezone.localtime(d).date() for d in days) if days else None


def area_opened_on(area: Area, *, before: date) -> date | None:
    """The day the area's first market opened: the earliest opening day recorded
    (``Market.opened_on``) when every market of the area has one; otherwise its creation, or
    its first record when older (records brought over from before the system), asked only
    about a month that ends ``before`` the first creation: one query for any later month."""
    days = list(Market.objects.filter(pk__in=area.market_ids).values_list("opened_on", flat=True))
    if days and None not in days:
        return min(d for d in days if d is not None)
    created = Market.history.filter(id__in=area.market_ids, history_type="+").aggregate(
        d=Min("history_date")
    )["d"]
    if created is None:
        return None
    opened = timezone.localtime(created).date()
    if before >= opened:
        return opened
    first = _first_record_day(area.market_ids)
    return min(opened, first) if first else opened


def month_check(area: Area, month: Month, *, today: date | None = None) -> None:
    """StatsError for a month still to come, or before the area's first market opened."""
    today = today or timezone.localdate()
    if month.first_day > today:
        raise StatsError(_("The month %(month)s has not come yet.") % {"month": str(month)})
    opened = area_opened_on(area, before=month.last_day)
    if opened is not None and month.last_day < opened.replace(day=1):
        raise StatsError(
            _("No figures before %(month)s: the market opened then.")
            % {"month": opened.strftime("%Y-%m")}
        )


# --- Who sees what ---------------------------------------------------------------------------


def areas_visible_to(*, user: User) -> list[Area]:
    """The scopes ``user`` may read: the markets they work in; for inspectors every market and
    city of their regions, and the province for an inspector of the whole province."""
    market_ids = set(can.market_roles(user))
    prefixes = can.inspected_prefixes(user)
    condition = Q(pk__in=market_ids)
    for prefix in prefixes:
        condition |= Q(region__code__startswith=prefix)
    # What a scope needs of a market and its region (a province's hundred markets are read
    # on every statistics page, the rest of their columns never).
    markets = list(
        Market.objects.filter(condition)
        .select_related("region")
        .only("name", "region", "region__code", "region__name")
        .order_by("pk")
    )
    areas = [area_of_market(m) for m in markets]
    if prefixes:
        inspected = [m for m in markets if any(m.region.code.startswith(p) for p in prefixes)]
        city_codes = {m.region.code[:4] + "00" for m in inspected}
        regions = Region.objects.filter(code__in=city_codes).order_by("code")
        # A city whose every market is inspected (an inspector of a county sees its markets,
        # not the city's figures); its markets are picked from ``inspected``, not read once
        # per city.
        areas += [
            area_of_region(r, markets=inspected)
            for r in regions
            if not r.code.endswith("0000") and any(r.code[:4].startswith(p) for p in prefixes)
        ]
        provinces = [
            m.region
            for m in membership_list_for_user(user=user)
            if m.role == Role.INSPECTOR and m.region is not None and m.region.code.endswith("0000")
        ]
        areas += [area_of_region(r, markets=inspected) for r in provinces]
    return areas


# --- Snapshots and figures -------------------------------------------------------------------


def snapshot_for(*, key: str, month: Month) -> MonthlySnapshot | None:
    """The latest revision published for the scope and month, or None."""
    return (
        MonthlySnapshot.objects.filter(scope_key=key, year=month.year, month=month.month)
        .order_by("-revision")
        .first()
    )


def snapshot_revisions(*, key: str, month: Month) -> list[MonthlySnapshot]:
    return list(
        MonthlySnapshot.objects.filter(scope_key=key, year=month.year, month=month.month)
        .select_related("published_by")
        .order_by("-revision")
    )


def snapshot_latest(*, key: str) -> MonthlySnapshot | None:
    """The latest published month's latest revision (one indexed row)."""
    return (
        MonthlySnapshot.objects.filter(scope_key=key)
        .order_by("-year", "-month", "-revision")
        .first()
    )


def draft_for(*, key: str, month: Month, headline: bool = False) -> MonthlyDraft | None:
    """The provisional figures computed in the background for the scope and month, or None;
    with ``headline``, also a draft of the headline figures alone (what a comparison reads)."""
    drafts = MonthlyDraft.objects.filter(scope_key=key, year=month.year, month=month.month)
    return (drafts if headline else drafts.filter(headline_only=False)).first()


@dataclass(frozen=True)
class MonthFigures:
    month: Month
    figures: dict[str, Any]
    snapshot: MonthlySnapshot | None  # None: not published
    draft: MonthlyDraft | None = None  # the provisional figures read (None: computed now)


def figures_for(*, area: Area, month: Month) -> MonthFigures:
    """The month's figures: the published snapshot's; else the provisional ones computed in
    the background (``stats_drafts_refresh``); else computed from the records now."""
    snapshot = snapshot_for(key=area.key, month=month)
    if snapshot is not None:
        return MonthFigures(month=month, figures=snapshot.figures, snapshot=snapshot)
    draft = draft_for(key=area.key, month=month)
    if draft is not None:
        return MonthFigures(month=month, figures=draft.figures, snapshot=None, draft=draft)
    return MonthFigures(month=month, figures=figures_compute(area=area, month=month), snapshot=None)


def _change(now: Any, before: Any) -> dict[str, Any]:
    """A figure against an earlier one: the difference and the relative change (None when
    either is missing or the earlier one is 0)."""
    if now is None or before is None:
        return {"before": before, "difference": None, "percent": None}
    difference = round(float(now) - float(before), 2)
    percent = None if not float(before) else round(difference / float(before) * 100, 1)
    return {"before": before, "difference": difference, "percent": percent}


COMPARED = ("openings", "seekers", "demand_ratio")


def comparison_for(*, area: Area, current: MonthFigures) -> dict[str, dict[str, Any]]:
    """Month on month (环比) and year on year (同比) of the headline figures and the wage."""
    result: dict[str, dict[str, Any]] = {}
    for name, month in (
        ("previous", current.month.previous()),
        ("year_ago", current.month.a_year_before()),
    ):
        # The earlier month as published, or as computed in the background (its headline
        # figures at least), or only its headline figures computed now (not the whole month).
        snapshot = snapshot_for(key=area.key, month=month)
        draft = draft_for(key=area.key, month=month, headline=True) if snapshot is None else None
        if snapshot is not None:
            earlier = snapshot.figures
        elif draft is not None:
            earlier = draft.figures
        else:
            earlier = headline_compute(area=area, month=month)
        changes = {
            field: _change(current.figures.get(field), earlier.get(field)) for field in COMPARED
        }
        changes["wage_mean"] = _change(current.figures["wage"]["mean"], earlier["wage"]["mean"])
        result[name] = {
            "month": str(month),
            "published": snapshot is not None,
            **changes,
            "in_order": [changes[f] for f in (*COMPARED, "wage_mean")],
        }
    return result


def screen_figures(market: Market) -> dict[str, Any] | None:
    """The latest published month of the market, as plain data for the big screen, the kiosk
    and the notice board: the rankings and the wage level. None before any publication."""
    snapshot = snapshot_latest(key=area_of_market(market).key)
    if snapshot is None:
        return None
    figures = snapshot.figures
    rankings = figures["rankings"]

    def rows(key: str, value: str) -> list[dict[str, Any]]:
        return [
            {
                "rank": r["rank"],
                "code": r["code"],
                "name": r["name"],
                "value": r[value],
                "openings": r["openings"],
                "seekers": r.get("seekers"),
            }
            for r in rankings[key]
        ]

    highest = rows("occupation_highest", "demand_ratio")
    lowest = rows("occupation_lowest", "demand_ratio")
    return {
        "month": f"{snapshot.year:04d}-{snapshot.month:02d}",
        "revision": snapshot.revision,
        "published_at": snapshot.published_at.isoformat(),
        "openings": figures["openings"],
        "seekers": figures["seekers"],
        "demand_ratio": figures["demand_ratio"],
        "min_count": rankings["min_count"],
        "occupation_highest": highest,
        "occupation_lowest": lowest,
        # Side by side for a table: the n-th highest beside the n-th lowest.
        "occupation_pairs": list(zip_longest(highest, lowest, fillvalue={})),
        "industry_highest": rows("industry_highest", "openings"),
        "industry_lowest": rows("industry_lowest", "openings"),
        "wage": {
            "mean": figures["wage"]["mean"],
            "median": figures["wage"]["median"],
            "counted": figures["wage"]["counted"],
            "excluded": figures["wage"]["excluded"],
        },
    }


# --- The records behind a figure -------------------------------------------------------------

POSTING_CELLS = (
    "all",
    "occupation_major",
    "occupation_middle",
    "industry_section",
    "industry_division",
)
SEEKER_CELLS = (
    "all",
    "occupation_major",
    "occupation_middle",
    "gender",
    "age_band",
    "household_type",
    "difficulty",
)


def postings_of_cell(*, area: Area, month: Month, cell: str, code: str) -> QuerySet[Posting]:
    """The postings counted in a cell, newest first (a page of them at a time)."""
    postings = postings_of_month(area, month)
    if cell == "occupation_major":
        postings = postings.filter(occupation__code__startswith=code[:1])
    elif cell == "occupation_middle":
        postings = postings.filter(occupation__code__startswith=code)
    elif cell == "industry_section":
        postings = (
            postings.filter(industry__isnull=True)
            if code == UNKNOWN
            else postings.filter(industry__section__code=code)
        )
    elif cell == "industry_division":
        postings = (
            postings.filter(industry__isnull=True)
            if code == UNKNOWN
            else postings.filter(industry__code=code)
        )
    elif cell != "all":
        raise StatsError(_("There is no such figure."))
    return postings.select_related("occupation", "industry", "market").order_by(
        "-published_at", "-pk"
    )


def seekers_of_cell(*, area: Area, month: Month, cell: str, code: str) -> QuerySet[SeekerProfile]:
    """The seekers counted in a cell (their profiles, with the person's masked data)."""
    applicants = Applicant.objects.filter(
        pk__in=registrations_of_month(area, month).values("applicant_id")
    )
    if cell == "gender":
        applicants = applicants.filter(gender="" if code == UNKNOWN else code)
    elif cell == "age_band":
        applicants = applicants.annotate(band=age_band_expression(month)).filter(band=code)
    seekers = SeekerProfile.objects.filter(applicant__in=applicants.values("pk"))
    if cell in ("occupation_major", "occupation_middle"):
        seekers = seekers.filter(wanted_occupations__icontains=f'"{code}')
    elif cell == "household_type":
        seekers = seekers.filter(household_type="" if code == UNKNOWN else code)
    elif cell == "difficulty":
        seekers = seekers.filter(difficulty_categories__icontains=f'"{code}"')
    elif cell not in ("all", "gender", "age_band"):
        raise StatsError(_("There is no such figure."))
    return seekers.select_related("applicant").order_by("-registered_at", "-pk")
