"""Pages of long lists, counted no further than a cap: a list of a million cases is never
counted in full (``COUNT(*)`` over the whole set), it shows "1 000+" and lets the reader page
up to the cap (40 pages of 25); narrowing the filter brings the rest within reach. A count
costs as much as the rows it reads: a thousand is a millisecond or two through an index, ten
thousand was the larger part of a page's time at a million cases (bench/README.md).

Such a page's queries are planned for what they are, a few rows read through hot indexes
(``list_plans``, PostgreSQL). The planner overestimates how many rows a list walks where it
cannot see a correlation (the cases' state among the clocks due: two tables, which no statistic
spans), and plans for that much work: it starts parallel workers, whose start-up costs more
than the whole query serially, and prefers hashing every candidate (a market's 33 000
unclaimed cases) to probing a few through an index, which it costs as a read from disk. So on
a list page there are no parallel workers, a random page read is costed as the cached read
it is (``random_page_cost`` 1.1, the usual setting for data in memory or on SSD, instead of the
default 4 of spinning disks), and two tables are joined by probing an index for each row
(nested loops), not by hashing or merging both sides: a list walks in its order to its
page's last row. Even costed as cached, a walk of the overdue clocks that probes each case
looked dearer to the planner than hashing all the market's new cases (it expects 900 of them
overdue where 6 700 are, so a walk four times as long), and so did the unclaimed cases due
today. At 1 000 000 cases (bench/lists.py): the officer's unclaimed cases due today 17 ms
with a worker, 8 hashed, 2 probed; the unclaimed overdue 22 ms hashed, 1–3 probed; a market's
overdue cases 26 ms, 12, then 10. Every other query (the statistics, the exports, the sweeps)
is planned with the server's settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

COUNT_CAP = 1_000
# The officer's desk (the workbench's three queues) counts to a tenth of that: four pages, a
# day's work and more, in a tenth of the rows read.
DESK_COUNT_CAP = 100
# Up to this cap a list's count is the number of its first ``cap + 1`` ids read in its order
# (``BoundedPaginator.ids``); above it, a count in whatever order is cheapest.
ORDERED_COUNT_CAP = DESK_COUNT_CAP


class BoundedPaginator(Paginator):
    """A Paginator whose count reads at most ``cap + 1`` rows.

    With a short cap (up to ``ORDERED_COUNT_CAP``: the desk's four pages) one query reads the
    list's first ``cap + 1`` ids in its order, through the list's own index: how many there
    are is the count, and each page's ids are a slice of them. A count on its own has no order
    to keep, and the planner may pick a plan for it that reads far more than the page does: at
    1 000 000 cases, an officer's unclaimed overdue cases were counted by hashing all 33 000
    new cases of the market (7.7 ms), where walking the overdue clocks in due order and probing
    each case reads the 101 rows in under 1 ms. With a long cap (the market list's 1 000) the
    count stays a ``COUNT(*)`` over a ``LIMIT`` subquery in no order: reading a thousand ids in
    the list's order cost more than counting them in any (a market's overdue cases in progress,
    newest first: 31 ms against 13; bench/README.md, "Case lists")."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int = COUNT_CAP,
        in_order: bool = False,
    ) -> None:
        """``in_order``: count by reading the ids in the list's order whatever the cap, for a
        list whose rows the database reads whole and sorts anyway (a station's due cases,
        ``cases.selectors.cases_read_whole``): the count and the page would each read them
        all, one walk does both (at 1 000 000 cases 30 -> 18 ms on PostgreSQL)."""
        super().__init__(object_list, per_page)
        self.cap = cap
        self.in_order = in_order

    @cached_property
    def ids(self) -> list[Any] | None:
        """The ids of the list's first ``cap + 1`` rows in its order; None over
        ``ORDERED_COUNT_CAP`` unless ``in_order``."""
        if self.cap > ORDERED_COUNT_CAP and not self.in_order:
            return None
        rows: Any = self.object_list
        return list(rows.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def counted(self) -> int:
        """Rows counted: at most ``cap + 1``."""
        if self.ids is not None:
            return len(self.ids)
        rows: Any = self.object_list
        return int(rows.order_by()[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    def page(self, number: Any) -> Page[Any]:
        """The page's rows in one query, by their ids (a slice of ``ids``, or a subquery that
        picks them in the list's order from the narrow index columns), with what they show
        (joins, long text): a sort the database must do, it does on ids, not whole rows."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows: Any = self.object_list
        ids = self.ids[bottom:top] if self.ids is not None else rows.values("pk")[bottom:top]
        page = BoundedPage(_rows_by_id(rows, ids), number, self)
        page.row_ids = ids if self.ids is not None else None
        return page

    @property
    def over_cap(self) -> bool:
        """Whether more rows match than the cap (shown as "1 000+")."""
        return self.counted > self.cap


class BoundedPage(Page[Any]):
    """A page of a ``BoundedPaginator``, with the ids of its rows in the list's order when
    the paginator read them first (a short cap; None otherwise)."""

    row_ids: list[Any] | None = None


def _rows_by_id(rows: QuerySet[Any], ids: Any) -> QuerySet[Any]:
    """The rows whose ids ``ids`` holds (a list, or a subquery that picked them), with the
    list's joins, deferred columns, prefetches and order, but not its filters again: the ids
    were picked under them, and a filter read a second time (e.g. the thousands of overdue
    clocks a due filter walks) would cost the page as much again. A list with annotations
    keeps them, filters and all."""
    query = rows.query
    if not _rows_apart_from_filters(query):
        return rows.filter(pk__in=ids)
    prefetched = getattr(rows, "_prefetch_related_lookups", ())
    shown = rows.model._base_manager.prefetch_related(*prefetched)
    shown.query.select_related = query.select_related
    shown.query.deferred_loading = query.deferred_loading
    return shown.filter(pk__in=ids).order_by(*query.order_by)


def pages_read_together(*pages: Page[Any]) -> None:
    """The rows of several pages of short lists (whose ids their paginators read first,
    ``BoundedPaginator.ids``) of one model, shown alike (the same joins and columns), read in
    one query instead of one a page: the workbench's own and unclaimed cases. Each page keeps
    its rows in its own order. A page that does not qualify is left to read its own."""
    together = [
        page
        for page in pages
        if isinstance(page, BoundedPage)
        and page.row_ids is not None
        and isinstance(page.object_list, QuerySet)
        and page.object_list._result_cache is None
    ]
    if len(together) < 2:
        return
    lists: list[Any] = [page.paginator.object_list for page in together]
    first = lists[0].query
    if any(
        rows.model is not lists[0].model
        or not _rows_apart_from_filters(rows.query)
        or rows.query.select_related != first.select_related
        or rows.query.deferred_loading != first.deferred_loading
        or getattr(rows, "_prefetch_related_lookups", ()) != ()
        for rows in lists
    ):
        return
    ids = [pk for page in together for pk in page.row_ids or ()]
    rows = {row.pk: row for row in _rows_by_id(lists[0], ids)} if ids else {}
    for page in together:
        page.object_list = [rows[pk] for pk in page.row_ids or () if pk in rows]


def _rows_apart_from_filters(query: Any) -> bool:
    """Whether a list's rows can be read by their ids alone, without its filters (nothing
    computed from them: annotations, extra columns, a union, DISTINCT)."""
    return not (query.annotations or query.extra or query.combinator or query.distinct)


def bounded_page(
    request: HttpRequest,
    items: Any,
    *,
    per_page: int,
    param: str = "page",
    cap: int | None = None,
    in_order: bool = False,
) -> Page[Any]:
    """The requested page (the last one for a number beyond it, the first for a malformed
    one), of at most ``cap`` rows in all (``COUNT_CAP`` unless given); ``in_order``: see
    ``BoundedPaginator``."""
    paginator = BoundedPaginator(
        items, per_page, cap=COUNT_CAP if cap is None else cap, in_order=in_order
    )
    return paginator.get_page(request.GET.get(param))


# What a list page's transaction plans with (PostgreSQL); see the module's docstring.
LIST_PLAN_SETTINGS = {
    "max_parallel_workers_per_gather": "0",
    "random_page_cost": "1.1",
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
}


def _plans_set(settings: dict[str, str]) -> None:
    """The settings, for the rest of the transaction, in one statement (one round trip;
    ``set_config(…, true)`` is ``SET LOCAL``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
            [v for item in settings.items() for v in item],
        )


@contextmanager
def list_plans() -> Iterator[None]:
    """The queries inside, in one transaction, planned as a list page's (``LIST_PLAN_SETTINGS``
    set locally, in one statement: they end with the transaction); nothing to change on SQLite. A
    decorator of the list views too."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        _plans_set(LIST_PLAN_SETTINGS)
        yield
