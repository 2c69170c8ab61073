"""The charts of the supervision pages, built from the dashboard selectors
(``cases.dashboard_selectors``) with their labels: the team lead's dashboard of one market and
the inspector's region view (the same figures rolled up by market). Each chart is also its
table and its CSV/XLSX download (``exports.charts``).

A fixed number of queries: one per selector, plus one for the officers' names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from cases.dashboard_selectors import (
    case_counts_by_kind_and_state,
    case_workload,
    sla_alerts_by_week,
    sla_on_time_by_market,
    sla_on_time_by_week,
    sla_open_alerts_by_market,
    weeks_up_to,
)
from cases.kinds import kind_get
from cases.models import OPEN_STATES, State
from cases.sla_selectors import Period
from cases.staff_selectors import staff_names
from exports.charts import BAR, LINE, STACKED, Chart, Series
from markets.models import Market

_STATE_LABELS = dict(State.choices)


def _kind_label(code: str) -> str:
    kind = kind_get(code)
    return str(kind.label) if kind else code


def _week_label(monday: object) -> str:
    return f"{monday:%m-%d}"


def _weekly_charts(market_ids: Sequence[int], period: Period) -> list[Chart]:
    weeks = weeks_up_to(period.last)
    rates = sla_on_time_by_week(market_ids=market_ids, weeks=weeks)
    alerts = sla_alerts_by_week(market_ids=market_ids, weeks=weeks)
    labels = [_week_label(week) for week in weeks]
    return [
        Chart(
            name="on-time-weekly",
            title=_("On-time rate per week"),
            category_heading=_("Week from (Monday)"),
            categories=labels,
            series=[
                Series(_("On time (%)"), [line.percent for line in rates]),
                Series(_("Finished"), [line.stopped for line in rates]),
                Series(_("Finished on time"), [line.met for line in rates]),
            ],
            type=LINE,
            percent=True,
            drawn=1,
            note=_(
                "Cases whose completion clock stopped in the week: finished on time ÷ finished. "
                "Withdrawn cases are left out; a week with none finished has no rate."
            ),
        ),
        Chart(
            name="alerts-weekly",
            title=_("Due soon and overdue per week"),
            category_heading=_("Week from (Monday)"),
            categories=labels,
            series=[
                Series(_("Became due soon"), [line.due_soon for line in alerts]),
                Series(_("Became overdue"), [line.overdue for line in alerts]),
            ],
            type=LINE,
            note=_("Each case counts once, in the week its reminder was sent."),
        ),
    ]


def _state_series(
    keys: Sequence[object], counts: dict[tuple[object, str], int], states: Sequence[str]
) -> list[Series]:
    """One series per state that has a case, one value per key."""
    present = [s for s in states if any(counts.get((key, s)) for key in keys)]
    return [
        Series(_STATE_LABELS[state], [counts.get((key, state), 0) for key in keys])
        for state in present
    ]


def dashboard_charts(*, market: Market, period: Period) -> list[Chart]:
    """The team lead's dashboard: on-time rate and alerts per week (the 12 weeks up to the
    period's last day), the cases opened in the period by kind and state, and each officer's
    open cases by state."""
    ids = [market.pk]
    charts = _weekly_charts(ids, period)

    by_kind = case_counts_by_kind_and_state(
        market_ids=ids, starts_at=period.starts_at, ends_before=period.ends_before
    )
    kinds = sorted({kind for kind, _state in by_kind}, key=lambda code: _kind_label(str(code)))
    charts.append(
        Chart(
            name="cases-by-kind",
            title=_("Cases opened in the period, by kind and state"),
            category_heading=_("Kind"),
            categories=[_kind_label(str(kind)) for kind in kinds],
            series=_state_series(kinds, by_kind, list(State.values)),
            type=STACKED,
        )
    )

    load = case_workload(market_ids=ids, by="officer")
    owner_ids = sorted({owner for owner, _state in load if isinstance(owner, int)})
    names = staff_names(market_ids=ids, user_ids=owner_ids)
    by_name = sorted(owner_ids, key=lambda pk: names.get(pk, ""))
    owners: list[int | None] = [*by_name]
    if any(owner is None for owner, _state in load):
        owners.append(None)
    charts.append(
        Chart(
            name="workload-officer",
            title=_("Open cases per officer"),
            category_heading=_("Officer"),
            categories=[
                names.get(owner, "") if owner is not None else str(_("Nobody (unclaimed)"))
                for owner in owners
            ],
            series=_state_series(owners, load, list(OPEN_STATES)),  # type: ignore[arg-type]
            type=STACKED,
            note=_("Cases not yet resolved, closed or withdrawn, by their owner now."),
        )
    )
    return charts


def region_charts(*, markets: Sequence[Market], period: Period, now: datetime) -> list[Chart]:
    """The inspector's region view: the dashboard's figures for every market of the region,
    the weekly ones added up, the others one bar per market."""
    ids = [market.pk for market in markets]
    names = [market.name for market in markets]
    charts = _weekly_charts(ids, period)

    rates = sla_on_time_by_market(
        market_ids=ids, starts_at=period.starts_at, ends_before=period.ends_before
    )

    def percent(pk: int) -> float | None:
        stopped, met = rates.get(pk, (0, 0))
        return 100 * met / stopped if stopped else None

    charts.append(
        Chart(
            name="on-time-by-market",
            title=_("On-time rate in the period, by market"),
            category_heading=_("Market"),
            categories=names,
            series=[
                Series(_("On time (%)"), [percent(pk) for pk in ids]),
                Series(_("Finished"), [rates.get(pk, (0, 0))[0] for pk in ids]),
                Series(_("Finished on time"), [rates.get(pk, (0, 0))[1] for pk in ids]),
            ],
            type=BAR,
            percent=True,
            drawn=1,
        )
    )
    alerts = sla_open_alerts_by_market(market_ids=ids, now=now)
    charts.append(
        Chart(
            name="alerts-by-market",
            title=_("Due soon and overdue now, by market"),
            category_heading=_("Market"),
            categories=names,
            series=[
                Series(_("Due soon"), [alerts.get(pk, (0, 0))[0] for pk in ids]),
                Series(_("Overdue"), [alerts.get(pk, (0, 0))[1] for pk in ids]),
            ],
            type=BAR,
        )
    )
    by_market = case_counts_by_kind_and_state(
        market_ids=ids, starts_at=period.starts_at, ends_before=period.ends_before, by="market_id"
    )
    charts.append(
        Chart(
            name="cases-by-market",
            title=_("Cases opened in the period, by market and state"),
            category_heading=_("Market"),
            categories=names,
            series=_state_series(ids, by_market, list(State.values)),
            type=STACKED,
        )
    )
    load = case_workload(market_ids=ids, by="market")
    charts.append(
        Chart(
            name="workload-market",
            title=_("Open cases per market"),
            category_heading=_("Market"),
            categories=names,
            series=_state_series(ids, load, list(OPEN_STATES)),  # type: ignore[arg-type]
            type=STACKED,
            note=_("Cases not yet resolved, closed or withdrawn."),
        )
    )
    return charts
