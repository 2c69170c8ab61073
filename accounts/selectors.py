"""Reads of staff accounts' own records: their saved views of the case lists."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import SavedView, User


def saved_view_list_for(
    *, user: User, page: str | None = None, market_id: int | None = None
) -> QuerySet[SavedView]:
    """The user's own saved views (of one list when ``page`` is given), by name."""
    views = SavedView.objects.filter(owner=user)
    if page is not None:
        views = views.filter(page=page, market_id=market_id)
    result: QuerySet[SavedView] = views.order_by("name", "pk")
    return result


def saved_view_get_for_owner(*, user: User, pk: int) -> SavedView:
    """The saved view, or SavedView.DoesNotExist (→ 404) when it is not the user's."""
    view: SavedView = SavedView.objects.get(owner=user, pk=pk)
    return view
