"""The big screen's charts (信息大屏图表), read from five metres: today's postings and job
seekers hour by hour, and the wage level of the published postings. Each chart is also its
table and its CSV/XLSX file (``exports.charts``); nothing personal is in any of them.

Once a month is published, the occupations most and least in demand (求人倍率, openings per
seeker) of the market's latest published month are two charts more, from the frozen snapshot
(``stats.selectors.screen_figures``): the same figures as the notice board and the kiosk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from exports.charts import BAR, LINE, Chart, Series, charts_spec
from markets.models import Market
from stats.selectors import screen_figures as monthly_figures

from . import selectors

# The hours the "today" chart shows: the market hall's day (earlier or later postings and
# registrations still count in the day's totals).
SCREEN_HOURS = range(7, 21)


def _band_label(low: int, high: int | None) -> str:
    return f"{low}–{high}" if high is not None else f"≥ {low}"


def screen_charts(
    *, market: Market, now: datetime, monthly: dict[str, Any] | None = None
) -> tuple[list[Chart], dict[str, Any]]:
    """The charts and the figures beside them (today's totals, the mean daily pay), and the
    rankings of the published month ``monthly`` (``screen_rankings``) when there is one."""
    day, wages = selectors.screen_day(market=market, day=now.date())
    hours = list(SCREEN_HOURS)
    charts = [
        Chart(
            name="screen-today",
            title=_("Today, hour by hour"),
            category_heading=_("Hour"),
            categories=[f"{hour:02d}:00" for hour in hours],
            series=[
                Series(_("Jobs published"), [day.postings_by_hour[h] for h in hours]),
                Series(_("People wanted"), [day.openings_by_hour[h] for h in hours]),
                Series(_("Job seekers registered"), [day.seekers_by_hour[h] for h in hours]),
            ],
            type=LINE,
            large=True,
        ),
        Chart(
            name="screen-wages",
            title=_("Daily pay of the published jobs (yuan a day)"),
            category_heading=_("Yuan a day"),
            categories=[_band_label(low, high) for low, high in selectors.WAGE_BANDS],
            series=[Series(_("Jobs"), wages.bands)],
            type=BAR,
            large=True,
            note=_(
                "Hourly, weekly and monthly pay counted as a day's pay; piece and per-job pay "
                "left out."
            ),
        ),
    ]
    figures = {
        "postings_today": day.postings,
        "openings_today": day.openings,
        "seekers_today": day.seekers,
        "mean_daily_pay": str(wages.mean) if wages.mean is not None else "—",
    }
    return [*charts, *ranking_charts(monthly)], figures


def screen_rankings(*, market: Market) -> dict[str, Any] | None:
    """The market's latest published month (rankings, wage level), or None before any."""
    return monthly_figures(market)


def ranking_charts(monthly: dict[str, Any] | None) -> list[Chart]:
    """The occupations most and least in demand of the published month, a chart each."""
    if monthly is None:
        return []

    def chart(name: str, title: Any, rows: list[dict[str, Any]]) -> Chart:
        return Chart(
            name=name,
            title=title,
            category_heading=_("Occupation"),
            categories=[f"{row['rank']}. {row['name']}" for row in rows],
            series=[
                Series(_("Demand ratio"), [row["value"] for row in rows]),
                Series(_("People wanted"), [row["openings"] for row in rows]),
                Series(_("Job seekers"), [row["seekers"] for row in rows]),
            ],
            type=BAR,
            large=True,
            drawn=1,
            note=_("Month %(month)s: occupations with at least %(n)s openings and seekers.")
            % {"month": monthly["month"], "n": monthly["min_count"]},
        )

    return [
        chart(
            "screen-most-wanted",
            _("Most in demand (openings per seeker)"),
            monthly["occupation_highest"],
        ),
        chart(
            "screen-least-wanted",
            _("Least in demand (openings per seeker)"),
            monthly["occupation_lowest"],
        ),
    ]


def screen_payload(*, market: Market, now: datetime) -> dict[str, Any]:
    """What the screen's JSON gives every refresh: the charts, and every figure the screen
    shows (today's, and its clock)."""
    monthly = screen_rankings(market=market)
    charts, figures = screen_charts(market=market, now=now, monthly=monthly)
    cases = selectors.market_figures_for_day(
        market=market, day=now.date(), postings_published=figures["postings_today"]
    )
    return {
        "charts": charts_spec(charts),
        "figures": figures
        | {
            "cases_opened": cases.cases_opened,
            "cases_closed": cases.cases_closed,
            "clock": f"{now:%Y-%m-%d %H:%M}",
        },
        "rankings": monthly,
        "at": now.isoformat(),
    }
