"""The team lead's forms of a rectification (差评整改): the return visit and the closing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.ratings.services import OUTCOME_MAX


class ReturnVisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Return visit on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.CharField(
        label=_("What the applicant said"),
        max_length=OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was put right"),
        max_length=OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
