"""The scorecard item "monthly statistics published on time" (art. 15: the figures are
published every month), answered by the monthly statistics (``stats``).

The scorecard of month M asks about the figures of month M − 1, due on M's first working day
(``stats.services.publication_day``), the day the daily task freezes and publishes them. On
time: their first revision published by the end of that day; a later correction (a new
revision) does not make it late.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from django.utils import timezone

from stats.compute import Month
from stats.models import MonthlySnapshot, Scope
from stats.services import publication_day


def monthly_statistics_published_on_time(
    *, market_ids: Sequence[int], year: int, month: int
) -> dict[int, bool | None]:
    """{market id: True (published on time) / False (late, or missing once the day is over) /
    None (no data: the day has not passed yet)}. One query."""
    figures_of = Month(year, month).previous()
    due = publication_day(figures_of)
    today = timezone.localdate()
    if today < due:
        return dict.fromkeys(market_ids)
    published = dict(
        MonthlySnapshot.objects.filter(
            scope=Scope.MARKET,
            market_id__in=market_ids,
            year=figures_of.year,
            month=figures_of.month,
            revision=1,
        ).values_list("market_id", "published_at")
    )
    day_over = timezone.make_aware(datetime.combine(due + timedelta(days=1), time.min))
    answers: dict[int, bool | None] = {}
    for market_id in market_ids:
        when = published.get(market_id)
        if when is not None:
            answers[market_id] = when < day_over
        else:
            answers[market_id] = None if today == due else False
    return answers
