"""Correcting an applicant's name or mobile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.identity import mobile_normalise


class ApplicantChangeForm(forms.Form):
    """One change to an applicant's record, with its reason; confirmed on a second step."""

    NAME = "name"
    MOBILE = "mobile"

    field = forms.ChoiceField(
        label=_("What to change"),
        choices=[(NAME, _("Name")), (MOBILE, _("Mobile"))],
        widget=forms.RadioSelect,
    )
    value = forms.CharField(label=_("New value"), max_length=100)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the record changes, and what you saw (a new ID card, a new mobile …)."),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("field") == self.MOBILE and data.get("value"):
            try:
                data["value"] = mobile_normalise(data["value"])
            except ValidationError as error:
                self.add_error("value", error)
        return data
