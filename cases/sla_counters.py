"""Rebuilding the dashboard counters (``sla.counters``) of the cases' clocks from scratch: each
clock's officer is set again from its case's current owner (the sub-query the dashboards ran
per clock before they had counters), and its channel and station from the case's (which the
due lists read on the clock), then every bucket is counted again from the clocks, and
the reminders' counters from the reminders and the cases' own (``cases.counters``) from the
cases.

For an installation that had clocks before the counters (the migration runs it once), after
rows were written around the services (a bulk import, a benchmark's set-up), or to check the
counters: ``manage.py sla_counters_rebuild [--market ID]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from sla.counters import (
    counter_key,
    deadline_counts_lock,
    deadline_counts_rebuild,
    reminder_counts_rebuild,
)
from sla.models import Deadline, DeadlineCount, ReminderCount

from .counters import case_counts_rebuild
from .models import Case, CaseLoadCount, CaseOpenedCount
from .services.base import CASE_SUBJECT


@transaction.atomic
def sla_counters_rebuild(*, market_ids: Sequence[int] | None = None) -> int:
    """Officers, channels and stations from the cases, then the counters of these markets (or
    all) counted again, the cases' own included; returns how many completion clocks were
    counted. The counters' writers wait meanwhile (``deadline_counts_lock``); the dashboards
    do not."""
    deadline_counts_lock()
    clocks = Deadline.objects.filter(subject_type=CASE_SUBJECT)
    if market_ids is not None:
        clocks = clocks.filter(market_id__in=list(market_ids))
    case = Case.objects.filter(pk=OuterRef("subject_id"))
    clocks.update(  # Deadline is not history-tracked
        officer_id=Subquery(case.values("owner_id")[:1]),
        channel=Coalesce(Subquery(case.values("channel")[:1]), Value("")),  # none: no case
        station_id=Subquery(case.values("station_id")[:1]),
    )
    reminder_counts_rebuild(market_ids=market_ids)
    case_counts_rebuild(market_ids=market_ids)
    return deadline_counts_rebuild(market_ids=market_ids)


def counter_rows() -> dict[tuple[Any, ...], int]:
    """Every counter row that counts something (``n`` not 0), the clocks', the reminders' and
    the cases', as {(table, key values…): n}: what a rebuild must find again (the tests;
    bench/generate.py checks a generated database with it)."""
    found: dict[tuple[Any, ...], int] = {}
    tables = (
        ("clocks", DeadlineCount),
        ("reminders", ReminderCount),
        ("opened", CaseOpenedCount),
        ("load", CaseLoadCount),
    )
    for table, model in tables:
        key = counter_key(model)
        for *values, n in model.objects.exclude(n=0).values_list(*key, "n").order_by():
            found[(table, *values)] = n
    return found
