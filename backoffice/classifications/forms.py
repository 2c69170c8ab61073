"""The form a team lead adds one of the market's own occupations (本市场工种) with. It parses
input only: the service (``occupation_local_add``) decides whether it may be added."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from markets.models import Market
from workflows.postings.models import Occupation
from workflows.postings.selectors import occupation_middle_groups


class MiddleGroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class LocalOccupationForm(forms.Form):
    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.none())
    middle_code = MiddleGroupChoiceField(
        label=_("Middle group (中类)"),
        queryset=Occupation.objects.none(),
        to_field_name="code",
        help_text=_("The group of the national classification the occupation falls under."),
    )
    name = forms.CharField(label=_("Name of the occupation (工种)"), max_length=100)
    aliases = forms.CharField(
        label=_("Other names"),
        max_length=200,
        required=False,
        help_text=_("Names used at the counter, separated by “、”."),
    )

    def __init__(self, *args: Any, market_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        markets = Market.objects.filter(pk__in=market_ids).order_by("pk")
        self.fields["market"].queryset = markets  # type: ignore[attr-defined]
        if len(market_ids) == 1:
            self.fields["market"].initial = market_ids[0]
        self.fields["middle_code"].queryset = occupation_middle_groups()  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "market": data["market"],
            "middle_code": data["middle_code"].code,
            "name": data["name"],
            "aliases": data["aliases"],
        }
