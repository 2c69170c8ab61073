"""Forms of the online self-service pages: each names exactly the fields an applicant may set
(never a state, a market's staff, an owner or another applicant)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import NoticeItem
from cases.selectors import industry_divisions
from markets.models import Market, Region
from workflows.postings.models import EmploymentForm, PayMethod, Posting, Settlement
from workflows.postings.selectors import occupation_list_for_postings
from workflows.seekers.models import HouseholdType, Weekday

from ..selectors import market_list_public


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


# --- Registration and profile -----------------------------------------------------------------


def _market_field() -> forms.ModelChoiceField[Market]:
    return forms.ModelChoiceField(
        label=_("Market"), queryset=market_list_public().order_by("pk"), empty_label=None
    )


def _counties() -> forms.ModelChoiceField[Region]:
    return forms.ModelChoiceField(
        label=_("County of household registration"),
        queryset=Region.objects.filter(level=Region.Level.COUNTY).order_by("code"),
        to_field_name="code",
    )


class SeekerProfileForm(forms.Form):
    """The profile a job seeker keeps (the fields of a complete registration, and a few more);
    names are the seekers' service's."""

    household_type = forms.ChoiceField(
        label=_("Household registration"), choices=HouseholdType.choices
    )
    wanted_occupations = forms.ModelMultipleChoiceField(
        label=_("Occupations wanted"),
        queryset=occupation_list_for_postings().order_by("code"),
        to_field_name="code",
    )
    wanted_areas = forms.ModelMultipleChoiceField(
        label=_("Where you want to work"),
        queryset=Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY]).order_by(
            "code"
        ),
        to_field_name="code",
    )
    available_days = forms.TypedMultipleChoiceField(
        label=_("Days available"),
        coerce=int,
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[1, 2, 3, 4, 5],
    )
    available_from = forms.TimeField(
        label=_("Available from"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    available_until = forms.TimeField(
        label=_("Available until"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    min_daily_pay = forms.DecimalField(
        label=_("Lowest daily pay expected (yuan)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
    )
    skills = forms.CharField(
        label=_("Skills"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    platform_consent = forms.BooleanField(
        label=_(
            "I agree that my registration is shared with the provincial human-resources "
            "platform, so that its job services can find me too"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_county"] = _counties()
        self.order_fields(["household_type", "home_county"])

    def profile(self) -> dict[str, Any]:
        """The profile as ``seeker_register`` / ``seeker_update`` take it."""
        data = self.cleaned_data
        return {
            "household_type": data["household_type"],
            "home_county": data["home_county"],
            "wanted_occupations": [o.code for o in data["wanted_occupations"]],
            "wanted_areas": [r.code for r in data["wanted_areas"]],
            "available_days": data["available_days"],
            "available_from": data["available_from"],
            "available_until": data["available_until"],
            "min_daily_pay": data["min_daily_pay"],
            "skills": data["skills"],
            "platform_consent": data["platform_consent"],
        }

    def changes(self) -> dict[str, Any]:
        profile = self.profile()
        return {name: value for name, value in profile.items() if name in self.changed_data}


class SeekerRegisterForm(SeekerProfileForm):
    """Register as a job seeker: real name and ID number, then the profile."""

    name = forms.CharField(label=_("Name"), max_length=100)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        help_text=_("18 characters; the last one may be X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["market"] = _market_field()
        self.order_fields(["market", "name", "id_number", "household_type", "home_county"])


class EmployerRegisterForm(forms.Form):
    """Register as an employer: an organisation by its credit code, or a person who hires by
    their ID number."""

    kind = forms.ChoiceField(
        label=_("I hire as"),
        choices=[
            ("organisation", _("An organisation (company, shop, institution)")),
            ("person", _("A person")),
        ],
        widget=forms.RadioSelect,
        initial="organisation",
    )
    name = forms.CharField(label=_("Name of the organisation, or your name"), max_length=100)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        required=False,
        max_length=30,
        help_text=_("18 characters, on the business licence. For an organisation."),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=30,
        help_text=_("For a person who hires."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["market"] = _market_field()
        self.order_fields(["market", "kind"])

    def numbers(self) -> dict[str, str]:
        data = self.cleaned_data
        if data["kind"] == "person":
            return {"id_number": data["id_number"], "credit_code": ""}
        return {"id_number": "", "credit_code": data["credit_code"]}


# --- Postings ---------------------------------------------------------------------------------


class PostingForm(forms.Form):
    """A job posting as an employer submits it online: the posting's details only (never its
    state, market staff, employer or a screening exception); names are ``posting_validate``'s."""

    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    occupation = forms.ModelChoiceField(
        label=_("Occupation"), queryset=occupation_list_for_postings().order_by("code")
    )
    # Optional (GB/T 4754-2017 大类, by its code); left out, the employer's industry or unknown.
    industry = forms.ModelChoiceField(
        label=_("Industry (optional)"),
        queryset=industry_divisions(),
        to_field_name="code",
        required=False,
    )
    skill_requirements = forms.CharField(
        label=_("Skill requirements"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    county = forms.ModelChoiceField(
        label=_("County or district of the workplace"),
        queryset=Region.objects.filter(level=Region.Level.COUNTY).order_by("code"),
    )
    address = forms.CharField(label=_("Address of the workplace"), max_length=200)
    start_date = forms.DateField(
        label=_("First working day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Last working day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    working_days = forms.CharField(label=_("Working days"), max_length=100, initial="周一至周五")
    days_per_week = forms.IntegerField(label=_("Days per week"), min_value=1, max_value=7)
    start_time = forms.TimeField(
        label=_("Daily start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(label=_("Daily end"), widget=forms.TimeInput(attrs={"type": "time"}))
    break_minutes = forms.IntegerField(label=_("Break (minutes)"), min_value=0, initial=0)
    pay_min = forms.DecimalField(label=_("Pay from (yuan)"), min_value=0, max_digits=8)
    pay_max = forms.DecimalField(label=_("Pay up to (yuan)"), min_value=0, max_digits=8)
    pay_method = forms.ChoiceField(label=_("Pay per"), choices=PayMethod.choices)
    piece_daily_output = forms.IntegerField(
        label=_("Daily output (pieces a day)"),
        required=False,
        min_value=1,
        help_text=_("For a piece rate: the pieces a day, so the rate counts as a day's wage."),
    )
    settlement = forms.ChoiceField(label=_("Paid"), choices=Settlement.choices)
    headcount = forms.IntegerField(label=_("People wanted"), min_value=1, max_value=9999)
    employment_form = forms.ChoiceField(label=_("Form of work"), choices=EmploymentForm.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["market"] = _market_field()
        self.order_fields(["market"])

    def posting_data(self) -> dict[str, Any]:
        """What ``posting_validate`` takes (without the market)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "market"}


class PostingCorrectionForm(PostingForm):
    """The employer's corrections to their posting returned with a single notice: the
    submission form without the market (a posting stays in its market), filled in from the
    record."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["market"]

    def posting_data(self) -> dict[str, Any]:
        """Only what the employer changed (``posting_resubmit`` keeps the rest)."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


def posting_correction_initial(posting: Posting) -> dict[str, Any]:
    """A posting's details as the correction form shows them."""
    return {name: getattr(posting, name) for name in PostingCorrectionForm.base_fields}


class ExtendForm(forms.Form):
    end_date = forms.DateField(
        label=_("New last working day"), widget=forms.DateInput(attrs={"type": "date"})
    )


# --- A case -----------------------------------------------------------------------------------


class HandInForm(forms.Form):
    """One file per missing item of the single notice (any may be left empty)."""

    def __init__(self, *args: Any, items: list[NoticeItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.FileField(
                label=item.name, required=False, help_text=item.format
            )

    def uploads(self) -> dict[int, Any]:
        return {
            int(name.removeprefix("item_")): upload
            for name, upload in self.cleaned_data.items()
            if upload
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why do you withdraw it?"), max_length=500)
