"""The forms of the scorecard, facility and inspection pages: they parse input only; the
services decide (``workflows.inspections.services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.inspections.checklist import FACILITY_ITEMS, Equipment, Result, Zone


class FacilityProfileForm(forms.Form):
    area_m2 = forms.DecimalField(
        label=_("Premises area (m²)"),
        max_digits=8,
        decimal_places=1,
        help_text=_("The regional gig-market standard asks for at least 50 m² (art. 5)."),
    )
    zones = forms.MultipleChoiceField(
        label=_("Function zones (art. 6)"),
        choices=Zone.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rooms = forms.CharField(
        label=_("Rooms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One room a line, e.g. 职业指导室 1 间 (15 m²)."),
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment (art. 8–10)"),
        choices=Equipment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one field (the service checks each)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/png,image/jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


class InspectionForm(forms.Form):
    """The visit and the whole checklist: for each facility item a result, a note and photos
    (fields ``<code>-result``, ``<code>-note``, ``<code>-photos``)."""

    visited_on = forms.DateField(
        label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in FACILITY_ITEMS:
            self.fields[f"{item.code}-result"] = forms.ChoiceField(
                label=_("Result"), choices=Result.choices, widget=forms.RadioSelect
            )
            self.fields[f"{item.code}-note"] = forms.CharField(
                label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"{item.code}-photos"] = MultiplePhotoField(
                label=_("Photos"), required=False
            )

    def checklist_rows(self) -> list[dict[str, Any]]:
        """The items with their three fields, for the page."""
        return [
            {
                "item": item,
                "result": self[f"{item.code}-result"],
                "note": self[f"{item.code}-note"],
                "photos": self[f"{item.code}-photos"],
            }
            for item in FACILITY_ITEMS
        ]


class ReportForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was put right"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckForm(forms.Form):
    note = forms.CharField(
        label=_("What you checked and found"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^20\d\d-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
