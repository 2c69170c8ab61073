"""Forms of the public-welfare job pages. They parse input only: the services decide (and
raise ValidationError per field, which the views put back on these forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from workflows.welfare.models import SUBSIDY_MONTHS_MAX, Placement

from ..common.params import DayField


class ApplyForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.COUNTER
    )


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlaceForm(forms.Form):
    starts_on = DayField(
        label=_("First day at work"), widget=forms.DateInput(attrs={"type": "date"})
    )
    subsidy_months = forms.IntegerField(
        label=_("Subsidy period (months)"), min_value=1, max_value=SUBSIDY_MONTHS_MAX
    )
    subsidy_monthly_amount = forms.DecimalField(
        label=_("Monthly subsidy (yuan)"), max_digits=8, decimal_places=2, min_value=0
    )


class PlacementEndForm(forms.Form):
    ended_on = DayField(label=_("Last day at work"), widget=forms.DateInput(attrs={"type": "date"}))
    end_reason = forms.ChoiceField(label=_("Why it ended"), choices=Placement.EndReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
