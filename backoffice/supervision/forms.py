"""The filter of the event log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.actions import ACTION_LABELS
from markets.models import Market

from ..common.params import DayField


class AuditEventFilterForm(forms.Form):
    market = forms.ModelChoiceField(
        label=_("Market"), queryset=Market.objects.none(), required=False, empty_label=_("All")
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor (user name)"), required=False, max_length=150)
    date_from = DayField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DayField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    case = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=24,
        help_text=_("The whole reference number, e.g. 450102-2026-000123."),
    )

    def __init__(self, *args: Any, markets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["market"].queryset = markets  # type: ignore[attr-defined]
        actions = sorted(
            ((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1]
        )
        self.fields["action"].choices = [("", _("All")), *actions]  # type: ignore[attr-defined]
