"""Correcting an applicant's name or mobile, or an employer's industry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from cases.identity import mobile_normalise
from cases.selectors import industry_by_code

from ..common.forms import text_input

UNKNOWN = "-"


class ApplicantChangeForm(forms.Form):
    """One change to an applicant's record, with its reason; confirmed on a second step."""

    NAME = "name"
    MOBILE = "mobile"
    INDUSTRY = "industry"

    field = forms.ChoiceField(
        label=_("What to change"),
        choices=[(NAME, _("Name")), (MOBILE, _("Mobile")), (INDUSTRY, _("Industry (employer)"))],
        widget=forms.RadioSelect,
    )
    value = forms.CharField(
        label=_("New value"),
        max_length=100,
        required=False,
        help_text=_("The new name or mobile."),
    )
    industry = forms.CharField(
        label=_("Industry (行业)"),
        max_length=40,
        required=False,
        widget=text_input(
            list="industry-list",
            spellcheck="false",
            **{"data-typeahead": reverse_lazy("backoffice:industry_lookup")},
        ),
        help_text=_(
            "The two-digit division code of GB/T 4754-2017 (62 for 餐饮业), or “-” for unknown."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the record changes, and what you saw (a new ID card, a new mobile …)."),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("field") == self.INDUSTRY:
            self._clean_industry(data)
            return data
        if data.get("field") and not data.get("value"):
            self.add_error("value", _("Enter the new name or mobile."))
        if data.get("field") == self.MOBILE and data.get("value"):
            try:
                data["value"] = mobile_normalise(data["value"])
            except ValidationError as error:
                self.add_error("value", error)
        return data

    def _clean_industry(self, data: dict[str, Any]) -> None:
        """The division (大类) typed as its code (or the type-ahead's "62 餐饮业"), "-" for
        unknown; ``data["industry"]`` becomes the Industry or None, ``industry_code`` its code."""
        typed = (data.get("industry") or "").strip()
        if not typed:
            self.add_error("industry", _("Enter the industry's two-digit code, or “-”."))
            return
        code = typed.split(" ")[0]
        if code == UNKNOWN:
            data["industry"], data["industry_code"] = None, UNKNOWN
            return
        industry = industry_by_code(code)
        if industry is None:
            self.add_error(
                "industry",
                _("“%(code)s” is not an industry division (大类) of GB/T 4754-2017.")
                % {"code": code},
            )
            return
        data["industry"], data["industry_code"] = industry, industry.code
