"""The one filter of the case lists (the workbench, the market's list, and the exports built
on them): state, kind, owner, channel, station, when the case is due, when it was opened, and
the sort. It parses input only; ``cases.selectors.cases_filtered`` narrows the list.

A value that is not one of the choices (or not a day) is an error on its own field, shown on
the form; the list is then filtered by the values that are valid, which the form keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Channel, State
from cases.selectors import CASE_SORT_DEFAULT, CASE_SORT_DUE
from cases.staff_selectors import (
    StaffChoice,
    staff_choices_for_markets,
    station_choices_for_markets,
)
from sla.selectors import DUE_OVERDUE, DUE_THIS_WEEK, DUE_TODAY

from ..common.params import DayField
from .forms import kind_choices, staff_label

DUE_CHOICES = [
    ("", _("Any time")),
    (DUE_OVERDUE, _("Overdue")),
    (DUE_TODAY, _("Due today")),
    (DUE_THIS_WEEK, _("Due this week")),
]
SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("reference", _("Reference, ascending")),
    ("-reference", _("Reference, descending")),
    (CASE_SORT_DUE, _("Most urgent first")),
]
# The keys a list's address may carry (the page number aside): what a saved view keeps.
FILTER_KEYS = (
    "state",
    "kind",
    "owner",
    "channel",
    "station",
    "due",
    "opened_from",
    "opened_to",
    "sort",
)


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *State.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    station = forms.TypedChoiceField(
        label=_("Service station"), required=False, coerce=int, empty_value=None
    )
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_CHOICES)
    opened_from = DayField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    opened_to = DayField(
        label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=SORT_CHOICES, initial=CASE_SORT_DEFAULT
    )

    def __init__(
        self,
        *args: Any,
        staff: Sequence[StaffChoice] | None,
        stations: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        """``staff``: the owners to choose from (the page's list of its market's staff, read
        once for the page), None for a list without an owner filter (the workbench's are the
        user's own and the unclaimed ones); ``stations``: (id, name) of the stations to choose
        from (``cases.staff_selectors.station_choices_for_markets``)."""
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("due") in dict(DUE_CHOICES) and self.data.get("due"):
            # A list of the cases due (overdue, today, this week) is a work queue: most
            # urgent first, read in that order from the clocks' index; the sort shows it.
            self.data = {**dict(self.data.items()), "sort": CASE_SORT_DUE}
        self.fields["kind"].choices = [("", _("All")), *kind_choices()]  # type: ignore[attr-defined]
        if staff is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [  # type: ignore[attr-defined]
                ("", _("All")),
                *((user.pk, staff_label(user)) for user in staff),
            ]
        self.fields["station"].choices = [("", _("All")), *stations]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("opened_from"), data.get("opened_to")
        if first and last and first > last:
            self.add_error("opened_to", _("The last day comes before the first one."))
        if data.get("sort") == CASE_SORT_DUE and not data.get("due"):
            self.add_error(
                "sort", _("Choose when the cases are due to list the most urgent first.")
            )
        return data

    @property
    def is_filtered(self) -> bool:
        """Whether any criterion (not the sort) is given."""
        return any(value for key, value in self.valid_data().items() if key != "sort")

    def valid_data(self) -> dict[str, Any]:
        """The values that are valid (all of them when the form is; none when unbound)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return dict(self.cleaned_data)

    def criteria(self) -> dict[str, Any]:
        """Keyword arguments of ``cases_filtered`` from the valid values."""
        data = self.valid_data()
        return {
            "state": data.get("state") or "",
            "kind": data.get("kind") or "",
            "owner_id": data.get("owner"),
            "channel": data.get("channel") or "",
            "station_id": data.get("station"),
            "due": data.get("due") or "",
            "opened_from": data.get("opened_from"),
            "opened_to": data.get("opened_to"),
            "sort": data.get("sort") or CASE_SORT_DEFAULT,
        }

    def query(self) -> str:
        """The valid, non-empty values as a canonical query string (what a saved view
        keeps): keys in ``FILTER_KEYS`` order, the default sort left out (most urgent first
        is the default of a due filter)."""
        data = self.valid_data()
        default_sort = CASE_SORT_DUE if data.get("due") else CASE_SORT_DEFAULT
        pairs: list[tuple[str, str]] = []
        for key in FILTER_KEYS:
            value: Any = data.get(key)
            if value in (None, "") or (key == "sort" and value == default_sort):
                continue
            if hasattr(value, "pk"):
                value = value.pk
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            pairs.append((key, str(value)))
        return urlencode(pairs)


def desk_filters(data: Any, *, market_ids: Sequence[int]) -> CaseFilterForm:
    """The filter of the officer's workbench: no owner (its lists are the officer's own and the
    unclaimed ones), the stations of the officer's markets."""
    return CaseFilterForm(
        data, staff=None, stations=station_choices_for_markets(market_ids=market_ids)
    )


def market_filters(
    data: Any, *, market_id: int, staff: Sequence[StaffChoice] | None = None
) -> CaseFilterForm:
    """The filter of a market's case list (the page, its saved views and its export): the
    market's staff as owners (read here unless the page has read them for itself too), its
    stations."""
    if staff is None:
        staff = staff_choices_for_markets(market_ids=[market_id])
    return CaseFilterForm(
        data, staff=staff, stations=station_choices_for_markets(market_ids=[market_id])
    )
