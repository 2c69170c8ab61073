"""Pages of long lists, counted no further than a cap: a list of a million cases is never
counted in full (``COUNT(*)`` over the whole set), it shows "10 000+" and lets the reader page
up to the cap; narrowing the filter brings the rest within reach."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class BoundedPaginator(Paginator):
    """A Paginator whose count reads at most ``cap + 1`` rows (``COUNT(*)`` over a ``LIMIT``
    subquery, through the same index as the page itself)."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        """Rows counted: at most ``cap + 1``."""
        rows: Any = self.object_list
        return int(rows[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def over_cap(self) -> bool:
        """Whether more rows match than the cap (shown as "10 000+")."""
        return self.counted > self.cap


def bounded_page(
    request: HttpRequest, items: Any, *, per_page: int, param: str = "page"
) -> Page[Any]:
    """The requested page (the last one for a number beyond it, the first for a malformed
    one), of at most ``COUNT_CAP`` rows in all."""
    return BoundedPaginator(items, per_page, cap=COUNT_CAP).get_page(request.GET.get(param))
