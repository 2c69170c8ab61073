"""The cases' dashboard counters (``CaseOpenedCount``, ``CaseLoadCount``): written by the case
services in their transaction, read by the dashboards' charts, rebuilt from the cases by
``manage.py sla_counters_rebuild``.

A case counts in two rows: the cases opened on its local day of opening, of its kind, in its
state now; and the cases of its owner now in its state now, both of its market now. A service
that writes a case hands what it was counted as before (``Case.counted_as``: as it was read,
or as the last save left it) and what it is now to ``case_counts_move``: one upsert a table
that adds to the rows (``n = n + excluded.n``), as the clocks' counters do (``sla.counters``),
so two transactions never lose each other's changes.

The rows stay few: a market's month is at most days × kinds × states rows of the first kind,
and its officers × states of the second, however many cases there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from sla.counters import counts_lock, counts_upsert

from .models import OPEN_STATES, Case, CaseLoadCount, CaseOpenedCount

NOBODY = CaseLoadCount.NOBODY

# What a case is counted by: market id, time opened, kind, state, owner id (``Case.counted_now``)
Counted = tuple[int, Any, str, str, int | None]


def case_counted_before(case: Case) -> Counted | None:
    """What ``case`` was counted as before the change its service is saving: as it was read
    whole or last saved; read from the database when the service has it from neither (one
    query); None for a case not saved yet."""
    if case.counted_as is not None:
        return case.counted_as
    if case.pk is None:
        return None
    return (
        Case.objects.filter(pk=case.pk)
        .values_list("market_id", "opened_at", "kind", "state", "owner_id")
        .first()
    )


def case_counts_move(moves: Iterable[tuple[Counted | None, Counted | None]]) -> None:
    """Each case of ``moves`` was counted as its first and is now counted as its second (None:
    nowhere: not yet saved); one statement a table in the caller's transaction, none when
    nothing moved."""
    zone = timezone.get_default_timezone()
    opened: Counter[tuple[int, date, str, str]] = Counter()
    load: Counter[tuple[int, int, str]] = Counter()
    for before, after in moves:
        if before == after:
            continue
        for counted, delta in ((before, -1), (after, 1)):
            if counted is None:
                continue
            market_id, opened_at, kind, state, owner_id = counted
            opened[(market_id, timezone.localdate(opened_at, zone), kind, state)] += delta
            load[(market_id, owner_id or NOBODY, state)] += delta
    changed_opened = sorted((key, n) for key, n in opened.items() if n)
    if changed_opened:
        counts_upsert(CaseOpenedCount, changed_opened)
    changed_load = sorted((key, n) for key, n in load.items() if n)
    if changed_load:
        counts_upsert(CaseLoadCount, changed_load)


def case_counted(cases: Iterable[Case]) -> None:
    """Remember, on each of ``cases`` just saved, what it is counted as now."""
    for case in cases:
        case.counted_as = case.counted_now()


# --- Reading --------------------------------------------------------------------------------


def case_counts_opened(
    *, market_ids: Sequence[int], first: date, last: date, by: str
) -> dict[tuple[object, str], int]:
    """{(kind or market id, state now): cases} of the cases opened from ``first`` to ``last``
    (local days, both inclusive); one query over the counters' rows."""
    key = "kind" if by == "kind" else "market_id"
    rows = (
        CaseOpenedCount.objects.filter(
            market_id__in=list(market_ids), day__gte=first, day__lte=last, n__gt=0
        )
        .values(key, "state")
        .annotate(total=Sum("n"))
        .values_list(key, "state", "total")
        .order_by()
    )
    return {(group, state): n for group, state, n in rows}


def case_counts_open(*, market_ids: Sequence[int], by: str) -> dict[tuple[int | None, str], int]:
    """{(owner id, or None for nobody; or market id, state): open cases}; one query over the
    counters' rows."""
    key = "owner" if by == "officer" else "market_id"
    rows = (
        CaseLoadCount.objects.filter(
            market_id__in=list(market_ids), state__in=list(OPEN_STATES), n__gt=0
        )
        .values(key, "state")
        .annotate(total=Sum("n"))
        .values_list(key, "state", "total")
        .order_by()
    )
    return {
        (None if by == "officer" and group == NOBODY else group, state): n
        for group, state, n in rows
    }


# --- Rebuilding -----------------------------------------------------------------------------


@transaction.atomic
def case_counts_rebuild(*, market_ids: Sequence[int] | None = None) -> int:
    """Count the cases again from scratch (of these markets, or all): the rows of those
    markets are replaced in one transaction; the services' writes wait meanwhile (PostgreSQL:
    both tables locked before the cases are read) and add theirs to the rebuilt rows. Returns
    how many cases were counted."""
    counts_lock(CaseOpenedCount, CaseLoadCount)
    cases = Case.objects.all()
    stale_opened = CaseOpenedCount.objects.all()
    stale_load = CaseLoadCount.objects.all()
    if market_ids is not None:
        cases = cases.filter(market_id__in=list(market_ids))
        stale_opened = stale_opened.filter(market_id__in=list(market_ids))
        stale_load = stale_load.filter(market_id__in=list(market_ids))
    opened = [
        CaseOpenedCount(market_id=market_id, day=day, kind=kind, state=state, n=n)
        for market_id, day, kind, state, n in (
            cases.annotate(day=TruncDate("opened_at", tzinfo=timezone.get_default_timezone()))
            .values("market_id", "day", "kind", "state")
            .annotate(n=Count("pk"))
            .values_list("market_id", "day", "kind", "state", "n")
            .order_by()
        )
    ]
    load = [
        CaseLoadCount(market_id=market_id, owner=owner_id or NOBODY, state=state, n=n)
        for market_id, owner_id, state, n in (
            cases.values("market_id", "owner_id", "state")
            .annotate(n=Count("pk"))
            .values_list("market_id", "owner_id", "state", "n")
            .order_by()
        )
    ]
    stale_opened.delete()
    stale_load.delete()
    CaseOpenedCount.objects.bulk_create(opened, batch_size=1000)
    CaseLoadCount.objects.bulk_create(load, batch_size=1000)
    return sum(row.n for row in load)
