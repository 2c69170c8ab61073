"""Forms of the training pages (standard art. 21–22). They parse input only: the services in
``workflows.training.services`` decide, and their per-field errors come back onto these forms."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from markets.models import Market
from workflows.postings.models import Occupation
from workflows.training.models import Programme, Provider, ScheduleKind

from ..common.params import DayField

REPORT_DAYS = 90


def _occupations() -> Any:
    return Occupation.objects.filter(is_active=True).order_by("code")


class OccupationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Occupation) -> str:
        return f"{obj.code} {obj.name}"


class ProviderForm(forms.Form):
    market = forms.ModelChoiceField(label=_("Market served"), queryset=Market.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, markets: list[Market], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["market"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Market.objects.filter(pk__in=[m.pk for m in markets])
        if markets:
            field.initial = markets[0].pk
        self.fields["name"].widget.attrs["autofocus"] = True


class ProgrammeForm(forms.Form):
    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.none())
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    occupation = OccupationField(label=_("Occupation"), queryset=Occupation.objects.none())
    schedule_kind = forms.ChoiceField(label=_("Schedule"), choices=ScheduleKind.choices)
    schedule_text = forms.CharField(
        label=_("When"),
        max_length=200,
        help_text=_("For example: Tuesdays and Thursdays 19:00–21:00."),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    cost = forms.DecimalField(label=_("Cost (yuan)"), max_digits=10, decimal_places=2, min_value=0)
    subsidy = forms.DecimalField(
        label=_("Training subsidy (yuan)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        initial=0,
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1)
    starts_on = DayField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = DayField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    is_published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args: Any, markets: list[Market], providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        market = self.fields["market"]
        assert isinstance(market, forms.ModelChoiceField)  # noqa: S101
        market.queryset = Market.objects.filter(pk__in=[m.pk for m in markets])
        if markets:
            market.initial = markets[0].pk
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)  # noqa: S101
        provider.queryset = providers
        occupation = self.fields["occupation"]
        assert isinstance(occupation, forms.ModelChoiceField)  # noqa: S101
        occupation.queryset = _occupations()
        self.fields["title"].widget.attrs["autofocus"] = True

    @staticmethod
    def initial_of(programme: Programme) -> dict[str, Any]:
        names = [
            "title",
            "schedule_kind",
            "schedule_text",
            "place",
            "cost",
            "subsidy",
            "capacity",
            "starts_on",
            "ends_on",
            "is_published",
        ]
        return {
            "market": programme.market_id,
            "provider": programme.provider_id,
            "occupation": programme.occupation_id,
            **{name: getattr(programme, name) for name in names},
        }


class ReferForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.COUNTER
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = programmes
        field.widget.attrs["autofocus"] = True


class WishForm(forms.Form):
    occupation = OccupationField(
        label=_("Occupation wished for"), queryset=Occupation.objects.none()
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["occupation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = _occupations()


class StepForm(forms.Form):
    """A note for enrolment or completion; the reason for dropping out."""

    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(forms.Form):
    market = forms.ModelChoiceField(
        label=_("Market"),
        queryset=Market.objects.none(),
        required=False,
        empty_label=_("All markets I supervise"),
    )
    region = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=6,
        help_text=_("Six digits, such as 450100 for Nanning: every market in that region."),
    )
    start = DayField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = DayField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, markets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["market"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = markets

    @staticmethod
    def defaults() -> dict[str, date]:
        today = timezone.localdate()
        return {"start": today - timedelta(days=REPORT_DAYS), "end": today}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        region = data.get("region") or ""
        if region and not (region.isdigit() and len(region) == 6):
            self.add_error("region", _("A region code has six digits, such as 450100."))
        return data
