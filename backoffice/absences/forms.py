"""The form a team lead records an absence (AB岗) with. It parses input only: the service
(``markets.absences.absence_record``) decides whether the absence may be recorded."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.staff_selectors import staff_list_for_markets
from markets.models import Market

from ..cases.forms import StaffChoiceField
from ..common.params import DayField


class AbsenceForm(forms.Form):
    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.none())
    officer = StaffChoiceField(label=_("Absent officer (A角)"), queryset=User.objects.none())
    deputy = StaffChoiceField(
        label=_("Deputy (B角)"),
        queryset=User.objects.none(),
        help_text=_(
            "A colleague of the same market who is not away at that time. New transfers and "
            "reminders for the absent officer go to them; the cases stay the officer's."
        ),
    )
    starts_on = DayField(label=_("Away from"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = DayField(
        label=_("Away until (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Optional. Do not write health details here."),
    )

    def __init__(self, *args: Any, market_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        markets = Market.objects.filter(pk__in=market_ids).order_by("pk")
        self.fields["market"].queryset = markets  # type: ignore[attr-defined]
        if len(market_ids) == 1:
            self.fields["market"].initial = market_ids[0]
        staff = staff_list_for_markets(market_ids=market_ids)
        self.fields["officer"].queryset = staff  # type: ignore[attr-defined]
        self.fields["deputy"].queryset = staff  # type: ignore[attr-defined]
