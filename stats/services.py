"""Freezing the monthly figures into snapshots (standard art. 15) and publishing them.

``stats_publish`` computes a month's figures for every market, every city with a market, and
the province, and stores each as a :class:`MonthlySnapshot`. A scope and month already published
is left alone (so the daily task and a repeated command change nothing), unless a correction is
asked for with ``revision_reason``: then a new revision is stored beside the old one, which
never changes. Errors: ``ValueError`` with a message for a month not yet over.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from markets.models import Market, Region
from sla import calendar
from sla.selectors import overrides_for

from . import events
from .compute import (
    Area,
    Month,
    area_of_market,
    area_of_region,
    figures_compute,
    headline_compute,
)
from .models import MonthlyDraft, MonthlySnapshot

REVISION_REASON_MAX = 200


class StatsError(ValueError):
    """Bad input for a publication: the message says what is wrong."""


@dataclass(frozen=True)
class Publication:
    published: list[MonthlySnapshot]
    skipped: list[str]  # scope keys already published for the month


def areas_all() -> list[Area]:
    """Every active market, every city with one, and each province with one."""
    # A region's figures count every market under it, closed ones included (their records
    # stay); a closed market gets no figures of its own.
    every = list(Market.objects.select_related("region").order_by("pk"))
    markets = [m for m in every if m.is_active]
    codes: set[str] = set()
    for market in markets:
        code = market.region.code
        codes.add(code[:4] + "00")
        codes.add(code[:2] + "0000")
    regions = list(Region.objects.filter(code__in=codes).order_by("code"))
    cities = [r for r in regions if not r.code.endswith("0000")]
    provinces = [r for r in regions if r.code.endswith("0000")]
    return (
        [area_of_market(m) for m in markets]
        + [area_of_region(r, markets=every) for r in cities]
        + [area_of_region(r, markets=every) for r in provinces]
    )


def month_check_over(month: Month, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if month.next_first_day > today:
        raise StatsError(
            _("The month %(month)s is not over yet: its figures can be published from %(day)s.")
            % {"month": str(month), "day": month.next_first_day.isoformat()}
        )


def stats_publish(
    *,
    year: int,
    month: int,
    actor: User | None = None,
    revision_reason: str = "",
    areas: list[Area] | None = None,
    today: date | None = None,
) -> Publication:
    """Publish the month's figures for ``areas`` (default: every market, city and province).

    Without ``revision_reason`` a scope already published for the month is skipped; with it, a
    new labelled revision is published for every scope (a correction)."""
    the_month = Month(year, month)
    month_check_over(the_month, today=today)
    reason = revision_reason.strip()
    if len(reason) > REVISION_REASON_MAX:
        raise StatsError(_("Keep the reason for the revision within 200 characters."))
    published: list[MonthlySnapshot] = []
    skipped: list[str] = []
    for area in areas if areas is not None else areas_all():
        snapshot = _snapshot_publish(area=area, month=the_month, actor=actor, reason=reason)
        if snapshot is None:
            skipped.append(area.key)
        else:
            published.append(snapshot)
    return Publication(published=published, skipped=skipped)


def _snapshot_publish(
    *, area: Area, month: Month, actor: User | None, reason: str
) -> MonthlySnapshot | None:
    computed_at = timezone.now()
    figures = figures_compute(area=area, month=month)
    with transaction.atomic():
        # Serialise publications of the same scope (the daily task and a command at once):
        # lock the market's or region's row.
        if area.market is not None:
            Market.objects.select_for_update().filter(pk=area.market.pk).first()
        elif area.region is not None:
            Region.objects.select_for_update().filter(pk=area.region.pk).first()
        existing = MonthlySnapshot.objects.filter(
            scope_key=area.key, year=month.year, month=month.month
        )
        latest = existing.aggregate(n=Max("revision"))["n"]
        if latest is not None and not reason:
            return None
        snapshot = MonthlySnapshot.objects.create(
            scope=area.scope,
            scope_key=area.key,
            market=area.market,
            region=area.region,
            year=month.year,
            month=month.month,
            revision=(latest or 0) + 1,
            revision_reason=reason if latest is not None else "",
            figures=figures,
            computed_at=computed_at,
            published_at=timezone.now(),
            published_by=actor,
        )
        events.stats_published_event(snapshot, actor)
    return snapshot


def publication_day(month: Month) -> date:
    """The day the figures of ``month`` are due: the first working day of the month after it
    (the working-day calendar of sla/), when the daily task publishes them."""
    overrides = overrides_for(None)
    day = month.next_first_day
    while not calendar.is_working_day(day, overrides):
        day += timedelta(days=1)
    return day


def first_working_day_of_month(day: date) -> bool:
    """Whether ``day`` is the month's first working day (the working-day calendar of sla/)."""
    return day == publication_day(Month(day.year, day.month).previous())


def stats_publish_due(*, today: date | None = None) -> Publication | None:
    """On the first working day of a month, publish last month for every scope; None on any
    other day. Idempotent: what is published already is skipped."""
    today = today or timezone.localdate()
    if not first_working_day_of_month(today):
        return None
    last_month = Month(today.year, today.month).previous()
    return stats_publish(year=last_month.year, month=last_month.month, today=today)


def stats_drafts_refresh(*, today: date | None = None, areas: list[Area] | None = None) -> int:
    """Compute the provisional figures (``MonthlyDraft``) of this month, and of last month
    while it is not published, for ``areas`` (default: every market, city and province), and
    the headline figures of the months their comparisons look back to (the month before last,
    and the same two months a year before) where those are not published; forget every other
    draft. Returns how many drafts were computed."""
    today = today or timezone.localdate()
    this = Month(today.year, today.month)
    last = this.previous()
    whole = (this, last)
    headline = (last.previous(), this.a_year_before(), last.a_year_before())
    kept = (*whole, *headline)
    published = {
        (key, year, month)
        for key, year, month in MonthlySnapshot.objects.filter(_months_q(kept)).values_list(
            "scope_key", "year", "month"
        )
    }
    written = 0
    for area in areas if areas is not None else areas_all():
        for month in kept:
            if (area.key, month.year, month.month) in published:
                continue
            only_headline = month not in whole
            compute = headline_compute if only_headline else figures_compute
            MonthlyDraft.objects.update_or_create(
                scope_key=area.key,
                year=month.year,
                month=month.month,
                defaults={
                    "figures": compute(area=area, month=month),
                    "headline_only": only_headline,
                    "computed_at": timezone.now(),
                },
            )
            written += 1
    MonthlyDraft.objects.exclude(_months_q(kept)).delete()
    published_since = MonthlySnapshot.objects.filter(
        scope_key=OuterRef("scope_key"), year=OuterRef("year"), month=OuterRef("month")
    )
    MonthlyDraft.objects.filter(Exists(published_since)).delete()
    return written


def _months_q(months: tuple[Month, ...]) -> Q:
    """Any of ``months`` (a snapshot's or a draft's year and month)."""
    return reduce(operator.or_, (Q(year=month.year, month=month.month) for month in months))
