"""The big screen's charts (信息大屏图表), read from five metres: today's postings and job
seekers hour by hour, and the wage level of the published postings. Each chart is also its
table and its CSV/XLSX file (``exports.charts``); nothing personal is in any of them.

The monthly rankings (求人倍率 highest and lowest) are the statistics' (``stats``); the screen
leaves them a place: the ``rankings`` key of the JSON and the ``screen_rankings`` block of the
template, empty until ``screen_rankings`` below returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from exports.charts import BAR, LINE, Chart, Series, charts_spec
from markets.models import Market

from . import selectors

# The hours the "today" chart shows: the market hall's day (earlier or later postings and
# registrations still count in the day's totals).
SCREEN_HOURS = range(7, 21)


def _band_label(low: int, high: int | None) -> str:
    return f"{low}–{high}" if high is not None else f"≥ {low}"


def screen_charts(*, market: Market, now: datetime) -> tuple[list[Chart], dict[str, Any]]:
    """The charts and the figures beside them (today's totals, the mean daily pay)."""
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
    return charts, figures


def screen_rankings(*, market: Market) -> Any:
    """The month's rankings for the screen: None until the statistics are wired in here (the
    lead: ``stats.selectors.screen_figures(market)``)."""
    return None


def screen_payload(*, market: Market, now: datetime) -> dict[str, Any]:
    """What the screen's JSON gives every refresh: the charts, and every figure the screen
    shows (today's, and its clock)."""
    charts, figures = screen_charts(market=market, now=now)
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
        "rankings": screen_rankings(market=market),
        "at": now.isoformat(),
    }
