"""Forms of the campaign pages. They parse input only: the services decide (and raise
ValidationError per field, which the views put back on these forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from markets.models import Market
from workflows.campaigns.models import Kind

from ..common.forms import NameConflictForm
from ..common.params import DayField


class CampaignForm(forms.Form):
    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.none())
    name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"autofocus": True})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    starts_on = DayField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = DayField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, market_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        markets = Market.objects.filter(pk__in=market_ids, is_active=True)
        field = self.fields["market"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = markets
        first = markets.order_by("pk").first()
        if first is not None:
            field.initial = first.pk


class EmployerForm(NameConflictForm):
    name = forms.CharField(label=_("Employer's name"), max_length=100)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    booth = forms.CharField(label=_("Booth"), max_length=20, required=False)


class PostingLinkForm(forms.Form):
    posting = forms.IntegerField(label=_("Posting number"), min_value=1)


class AttendanceForm(forms.Form):
    day = DayField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    headcount = forms.IntegerField(label=_("People counted"), min_value=0, required=False)
    seeker = forms.IntegerField(
        label=_("Registered seeker (profile number)"), min_value=1, required=False
    )


class OutcomeForm(forms.Form):
    intentions = forms.IntegerField(label=_("Intentions reached"), min_value=0)
    hired = forms.IntegerField(label=_("Hired"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)
