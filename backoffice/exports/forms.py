"""What an export asks for: the list, the format, and the list's own filters, read with the
same form as the list's page (so the file holds what the page shows), as plain criteria
(``exports.lists``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from exports.lists import LISTS
from exports.models import ExportFormat
from markets.models import Market

from ..cases.filters import market_filters
from ..common.params import id_parse
from ..supervision.forms import AuditEventFilterForm


class ExportRequestForm(forms.Form):
    list = forms.ChoiceField(
        label=_("List"), choices=[(name, exportable.title) for name, exportable in LISTS.items()]
    )
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)


def _invalid() -> ValidationError:
    return ValidationError(_("The list's filters are not valid; nothing was exported."))


def case_list_criteria(data: QueryDict) -> dict[str, Any]:
    """The filters of a market's case list (``backoffice:market_cases``), read with the list's
    own filter form (``backoffice/cases/filters.py``): every criterion it offers, the sort too."""
    market_id = id_parse(data.get("market", ""))
    if market_id is None:
        raise _invalid()
    form = market_filters(data, market_id=market_id)
    if not form.is_valid():
        raise _invalid()
    criteria = form.criteria()
    for day in ("opened_from", "opened_to"):  # kept as JSON on the job
        criteria[day] = criteria[day].isoformat() if criteria[day] else None
    return {"market_id": market_id, **criteria}


def audit_event_criteria(data: QueryDict) -> dict[str, Any]:
    """The filters of the event-log search (``backoffice:audit_events``). Any market is read
    here; whether the user may export its events is the list's rule (refused and logged)."""
    form = AuditEventFilterForm(data, markets=Market.objects.all())
    if not form.is_valid():
        raise _invalid()
    found = form.cleaned_data
    return {
        "market_id": found["market"].pk if found["market"] else None,
        "action": found["action"],
        "actor_username": found["actor"].strip(),
        "date_from": found["date_from"].isoformat() if found["date_from"] else None,
        "date_to": found["date_to"].isoformat() if found["date_to"] else None,
        "case_reference": found["case"].strip(),
    }


# The parser of each list's filters, and the page the list comes from.
CRITERIA: dict[str, Callable[[QueryDict], dict[str, Any]]] = {
    "cases": case_list_criteria,
    "audit_events": audit_event_criteria,
}


def list_page_url(name: str, data: Mapping[str, Any]) -> str:
    """Where to go back to when the filters are not understood."""
    if name == "cases":
        market_id = id_parse(str(data.get("market", "")))
        if market_id is not None:
            return reverse("backoffice:market_cases", args=[market_id])
        return reverse("backoffice:workbench")
    return reverse("backoffice:audit_events")
