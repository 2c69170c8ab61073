"""Forms of the start-up help pages (创业服务). They parse input only and keep what was typed:
the services decide, and their ValidationError is put back on these forms per field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Channel
from markets.models import Market
from workflows.startup.models import Answer, BorrowerKind, EligibilityGroup, ServiceOutcome

from ..common.forms import FocusFirstErrorForm, NameConflictForm, text_input


class StartupOpenForm(NameConflictForm, FocusFirstErrorForm):
    """The person asking for start-up help and their plan, at the counter or on the phone."""

    first_field = "name"

    name = forms.CharField(label=_("Name"), required=False, max_length=100, widget=text_input())
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        widget=text_input(spellcheck="false", **{"class": "mono"}),
        help_text=_("18 characters; the last one may be X."),
    )
    mobile = forms.CharField(label=_("Mobile"), required=False, widget=text_input(inputmode="tel"))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.COUNTER
    )
    plan_summary = forms.CharField(
        label=_("Start-up plan in brief"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What business, where, and what help is asked for. The first line is the "
            "case's subject."
        ),
    )

    def __init__(self, *args: Any, markets: list[Market], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.markets = markets
        if len(markets) > 1:
            self.fields["market"] = forms.ModelChoiceField(
                label=_("Market"),
                queryset=Market.objects.filter(pk__in=[m.pk for m in markets]),
                initial=markets[0].pk,
            )
        self.fields[self.first_field].widget.attrs["autofocus"] = True

    def chosen_market(self) -> Market | None:
        chosen: Market | None = self.cleaned_data.get("market") or (
            self.markets[0] if self.markets else None
        )
        return chosen


class StartupItemForm(forms.Form):
    """The outcome of one service item (one form per item on the case page)."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—")]
        + [(v, label) for v, label in ServiceOutcome.choices if v != ServiceOutcome.PENDING],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=text_input(placeholder=_("Where to, when, what was given …")),
    )


class LoanPreCheckForm(FocusFirstErrorForm):
    """The answers of the loan pre-check (创业担保贷款资格预审)."""

    first_field = "borrower_kind"

    borrower_kind = forms.ChoiceField(
        label=_("Borrower"), choices=BorrowerKind.choices, initial=BorrowerKind.INDIVIDUAL
    )
    amount = forms.CharField(
        label=_("Amount asked (yuan)"), required=False, widget=text_input(inputmode="decimal")
    )
    eligibility_group = forms.ChoiceField(
        label=_("Eligibility group (individual)"),
        choices=[("", _("Not known yet (material missing)")), *EligibilityGroup.choices],
        required=False,
    )
    hires_share_met = forms.ChoiceField(
        label=_("New hires reach 15% of staff (8% above 100 staff) (small business)"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        required=False,
    )
    business_registered_on = forms.CharField(
        label=_("Business registered on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty while the business licence has not been seen."),
    )
    identity_checked = forms.ChoiceField(
        label=_("ID card seen"), choices=Answer.choices, initial=Answer.UNKNOWN, required=False
    )
    plan_submitted = forms.ChoiceField(
        label=_("Business plan handed in"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        required=False,
    )
    good_credit = forms.ChoiceField(
        label=_("No bad credit record"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        required=False,
    )
    no_other_loan = forms.ChoiceField(
        label=_("No other start-up loan outstanding"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        required=False,
    )
    guarantee_available = forms.ChoiceField(
        label=_("Collateral or guarantor available"),
        choices=Answer.choices,
        initial=Answer.UNKNOWN,
        required=False,
    )
