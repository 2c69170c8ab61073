"""The kiosk's forms: posting search and case-status lookup. Touch keyboards and IMEs send
full-width digits and odd dashes; both are normalised before anything is checked."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from markets.models import Region
from workflows.postings.models import Occupation, PayMethod

REFERENCE = re.compile(r"^\d{6}-\d{4}-\d{6,9}$")
_DASHES = re.compile(r"[\s\u2010-\u2015\u2212\ufe58\ufe63\uff0d_]+")
_SEPARATORS = re.compile(r"\s+")


def reference_normalise(value: str) -> str:
    """Full-width digits, other dashes, spaces or no dashes at all (``4501022026000123``)
    -> ``450102-2026-000123``."""
    text = unicodedata.normalize("NFKC", value).strip()
    text = _DASHES.sub("-", text).strip("-")
    if text.isdigit() and len(text) >= 16:
        text = f"{text[:6]}-{text[6:10]}-{text[10:]}"
    return text


def reference_initial(value: str | None) -> dict[str, str]:
    """The initial data of the lookup form for a reference given in the address (the QR code
    of the receipt): the normalised reference when it is well formed, else nothing."""
    reference = reference_normalise((value or "")[:40])
    return {"reference": reference} if REFERENCE.match(reference) else {}


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        help_text=_("As printed on your receipt, e.g. 450102-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile_last_four = forms.CharField(
        label=_("Last four digits of your mobile number"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_reference(self) -> str:
        reference = reference_normalise(self.cleaned_data["reference"])
        if REFERENCE.match(reference) is None:
            raise forms.ValidationError(
                _("Enter the reference number as printed on your receipt, e.g. 450102-2026-000123.")
            )
        return reference

    def clean_mobile_last_four(self) -> str:
        digits = _SEPARATORS.sub(
            "", unicodedata.normalize("NFKC", self.cleaned_data["mobile_last_four"])
        )
        if len(digits) != 4 or not digits.isascii() or not digits.isdigit():
            raise forms.ValidationError(_("Enter exactly four digits."))
        return digits


class PostingSearchForm(forms.Form):
    """Search the market's published postings by occupation (a major group 大类 or an
    occupation 工种), county and pay method. Only choices that have postings are offered."""

    occupation = forms.ChoiceField(label=_("Occupation"), required=False)
    county = forms.ChoiceField(label=_("County or district"), required=False)
    pay_method = forms.ChoiceField(
        label=_("Pay method"),
        required=False,
        choices=[("", _("Any pay method")), *PayMethod.choices],
    )

    def __init__(
        self,
        *args: Any,
        occupations: list[tuple[Occupation, list[Occupation]]],
        counties: list[Region],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (
                major.name,
                [
                    (major.code, _("All of “%(group)s”") % {"group": major.name}),
                    *((o.code, o.name) for o in members),
                ],
            )
            for major, members in occupations
        ]
        self.fields["occupation"].choices = [("", _("Any occupation")), *groups]  # type: ignore[attr-defined]
        self.fields["county"].choices = [  # type: ignore[attr-defined]
            ("", _("Anywhere")),
            *((county.code, county.name) for county in counties),
        ]
