"""Forms of the online self-service pages: each names exactly the fields an applicant may set
(never a state, a market's staff, an owner or another applicant)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "13800138000"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("The 6-digit code from the text message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )


class ChooseApplicantForm(forms.Form):
    applicant = forms.TypedChoiceField(label=_("Sign in as"), coerce=int, choices=())

    def __init__(self, *args: object, applicants: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["applicant"]
        field.choices = applicants  # type: ignore[attr-defined]
        field.widget = forms.RadioSelect(choices=applicants)
