"""Forms of the complaint pages (投诉与维权, standard art. 24). They parse input only: the
services decide, and their ValidationErrors are put back on these forms by field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workflows.complaints.models import Category, ReferralStatus, Satisfaction, Status

from ..common.forms import CounterForm, NameConflictForm, text_input
from ..common.params import DayField, id_parse


class ComplaintCounterForm(NameConflictForm, CounterForm):
    """A complaint taken at the counter: the complainant (registered as a person), what it is
    about, against whom, and what they want."""

    first_field = "name"

    name = forms.CharField(
        label=_("Complainant's name"), required=False, max_length=100, widget=text_input()
    )
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        widget=text_input(spellcheck="false", **{"class": "mono"}),
        help_text=_("18 characters; the last one may be X."),
    )
    mobile = forms.CharField(label=_("Mobile"), required=False, widget=text_input(inputmode="tel"))
    anonymous = forms.BooleanField(
        label=_(
            "Anonymous to the employer: the employer and any referral never learn who complained"
        ),
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", "—"), *Category.choices]
    )
    employer_name = forms.CharField(
        label=_("Employer"), required=False, max_length=100, widget=text_input()
    )
    credit_code = forms.CharField(
        label=_("Employer's unified social credit code"),
        required=False,
        widget=text_input(spellcheck="false", **{"class": "mono"}),
        help_text=_("Optional: with it the employer is registered and linked."),
    )
    posting = forms.CharField(
        label=_("Job posting number"),
        required=False,
        widget=text_input(inputmode="numeric"),
        help_text=_("Optional: the number of the posting complained about."),
    )
    description = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    desired_outcome = forms.CharField(
        label=_("Outcome wanted"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_posting(self) -> int | None:
        value = (self.cleaned_data.get("posting") or "").strip()
        if not value:
            return None
        number = id_parse(value)
        if number is None:
            raise ValidationError(_("Job posting number: digits only."))
        return number


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not accepted"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferForm(forms.Form):
    authority = forms.CharField(
        label=_("Labour inspection body"),
        required=False,
        max_length=200,
        widget=text_input(),
        help_text=_("For example 南宁市人力资源和社会保障局劳动保障监察支队."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=text_input())


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Step reached"),
        required=False,
        choices=[(s.value, s.label) for s in ReferralStatus if s != ReferralStatus.SENT],
    )
    on = DayField(
        label=_("On"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )
    inspection_reference = forms.CharField(
        label=_("Inspection's case number"), required=False, max_length=64, widget=text_input()
    )
    outcome = forms.CharField(
        label=_("Inspection's outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=text_input())


class ResolveForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SatisfactionForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"),
        required=False,
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=text_input())


class ComplaintFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    status = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *Status.choices]
    )

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"category": "", "status": ""}
        return {
            "category": self.cleaned_data["category"],
            "status": self.cleaned_data["status"],
        }
