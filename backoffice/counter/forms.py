"""Forms of the counter pages (即时快招: take a posting, register a seeker, guide, refer).

They parse input only and keep what was typed: every rule (required items, the minimum wage,
part-time hours, the content screen, ID numbers …) is the services', whose ValidationError the
views put back on these forms, per field, in the user's language. That is why most fields here
are optional text: a Django-level refusal would hide the service's own, fuller answer.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from cases.models import ChecklistItem
from markets.models import Market, Region
from markets.selectors import division_county_candidates
from workflows.guidance.models import OUTCOME_TRANSITIONS, Referral
from workflows.guidance.models import Outcome as ReferralOutcome
from workflows.postings.kinds import POSTING_REVIEW
from workflows.postings.models import (
    Eligibility,
    EmploymentForm,
    Occupation,
    PayMethod,
    Posting,
    Settlement,
)
from workflows.postings.models import Status as PostingStatus
from workflows.postings.selectors import occupation_list_for_postings
from workflows.postings.services import EMPLOYER_FIELDS
from workflows.postings.validation import REQUIRED as POSTING_REQUIRED
from workflows.postings.validation import PostingInput
from workflows.seekers.models import (
    DifficultyCategory,
    GuidanceItem,
    HouseholdType,
    SeekerProfile,
    Weekday,
)

from ..common.forms import CounterForm, FocusFirstErrorForm, NameConflictForm, text_input

# Codes and names in one text box: "4-03-02-05 4-07-05-01", "4-03-02-05、中餐服务员" …
_SEPARATORS = re.compile(r"[\s,，、;；/]+")
# The prefix of "4-03-02-05 中餐服务员" (a datalist entry typed out whole).
_LEADING_CODE = re.compile(r"^([1-8](?:-\d{2}){0,3})\b")

# The employer's fields: the names posting_take_in raises their errors under.
EMPLOYER_ERROR_FIELDS = EMPLOYER_FIELDS


def _normal(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def split_list(value: str) -> list[str]:
    """A typed list (spaces, commas, 、 or new lines between items) as its items."""
    return [item for item in _SEPARATORS.split(_normal(value)) if item]


def occupation_from_text(text: str, *, market: Market | None = None) -> Occupation | str:
    """The occupation (细类, or the ``market``'s own 工种) a counter officer typed: its code, the
    datalist's "code name", its name or one of its other names, or a fragment that names
    exactly one occupation. Anything else is returned as typed, for the service to refuse with
    its own words."""
    value = _normal(text)
    if not value:
        return ""
    occupations = occupation_list_for_postings(markets=[market.pk] if market is not None else None)
    leading = _LEADING_CODE.match(value)
    code = leading.group(1) if leading else value
    found = occupations.filter(code=code).first() or occupations.filter(name=value).first()
    if found is not None:
        return found
    candidates = list(occupations.filter(Q(name__contains=value) | Q(aliases__contains=value))[:2])
    exact = [o for o in candidates if value in o.aliases.split("、")]
    if len(exact) == 1 or len(candidates) == 1:
        return (exact or candidates)[0]
    return value


def occupation_codes_from_text(text: str) -> list[str]:
    """Wanted occupations as codes: each item a code (or a group code such as 4-03) or the
    name of an occupation; names that match nothing are passed on as typed."""
    codes = []
    for item in split_list(text):
        found = occupation_from_text(item)
        codes.append(found.code if isinstance(found, Occupation) else item)
    return codes


def county_from_text(text: str, *, market: Market | None) -> Region | str:
    """A county (区县) by its six-digit code or its name, from the national division table: a
    region the organisation has already, or else the code of the one current county the text
    names (the service makes the region). A name is looked for in the market's city first,
    then its province (城中区 exists in several cities). Text that names no county, or several,
    is passed on as typed and refused by the service."""
    value = _normal(text)
    if not value:
        return ""
    found = Region.objects.filter(level=Region.Level.COUNTY, code=value).first()
    if found is not None:
        return found
    near = market.region if market is not None else None
    candidates = division_county_candidates(text=value, near=near)
    if len(candidates) != 1:
        return value
    return Region.objects.filter(code=candidates[0].code).first() or candidates[0].code


def counties_near(market: Market | None) -> list[Region]:
    """The counties of the market's city (or of its county's city), for a datalist."""
    if market is None:
        return []
    prefix = market.region.code[:4]
    return list(Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix))


# --- Taking a posting (即时快招) -------------------------------------------------------------


class PostingCounterForm(NameConflictForm, CounterForm):
    """A posting taken at the counter. The employer is an organisation (name and unified social
    credit code) or a person (name, ID number and mobile)."""

    first_field = "employer_name"

    PUBLISH = "publish"
    REVIEW = "review"

    employer_name = forms.CharField(
        label=_("Employer's name"), required=False, max_length=100, widget=text_input()
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code (organisation)"),
        required=False,
        widget=text_input(spellcheck="false", **{"class": "mono"}),
        help_text=_("18 characters. A person who hires leaves it empty and gives an ID number."),
    )
    employer_id_number = forms.CharField(
        label=_("ID number (person)"),
        required=False,
        widget=text_input(spellcheck="false", **{"class": "mono"}),
    )
    employer_mobile = forms.CharField(
        label=_("Employer's mobile"),
        required=False,
        widget=text_input(inputmode="tel"),
        help_text=_("Required when the employer is a person."),
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False, widget=text_input())
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        required=False,
        widget=text_input(inputmode="tel"),
        help_text=_("A mobile, or a landline with its area code (0771-5501234)."),
    )
    occupation = forms.CharField(
        label=_("Occupation (工种)"),
        required=False,
        widget=text_input(list="occupation-list"),
        help_text=_("Type the code (4-03-02-05) or the name; the list suggests both."),
    )
    industry = forms.CharField(
        label=_("Industry (行业)"),
        required=False,
        max_length=40,
        widget=text_input(
            list="industry-list",
            spellcheck="false",
            **{"data-typeahead": reverse_lazy("backoffice:industry_lookup")},
        ),
        help_text=_(
            "The two-digit division code of GB/T 4754-2017 (62 for 餐饮业); type a name to see "
            "the codes. Empty: the employer's industry, or unknown."
        ),
    )
    skill_requirements = forms.CharField(
        label=_("Skill requirements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    county = forms.CharField(
        label=_("Work county"),
        required=False,
        widget=text_input(list="county-list"),
        help_text=_("Six-digit division code or the name of the county or district."),
    )
    address = forms.CharField(label=_("Work address"), required=False, widget=text_input())
    start_date = forms.CharField(
        label=_("First working day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end_date = forms.CharField(
        label=_("Last working day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    working_days = forms.CharField(
        label=_("Working days"),
        required=False,
        widget=text_input(placeholder=_("e.g. Monday to Friday")),
    )
    days_per_week = forms.CharField(
        label=_("Working days per week"), required=False, widget=text_input(inputmode="numeric")
    )
    start_time = forms.CharField(
        label=_("Work starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.CharField(
        label=_("Work ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    break_minutes = forms.CharField(
        label=_("Unpaid breaks (minutes a day)"),
        required=False,
        initial="0",
        widget=text_input(inputmode="numeric"),
    )
    pay_min = forms.CharField(
        label=_("Pay from (yuan)"), required=False, widget=text_input(inputmode="decimal")
    )
    pay_max = forms.CharField(
        label=_("Pay up to (yuan)"),
        required=False,
        widget=text_input(inputmode="decimal"),
        help_text=_("Empty for a single amount."),
    )
    pay_method = forms.ChoiceField(
        label=_("Pay method (计酬方式)"),
        required=False,
        choices=PayMethod.choices,
        initial=PayMethod.DAILY,
    )
    settlement = forms.ChoiceField(
        label=_("Settlement"),
        required=False,
        choices=Settlement.choices,
        initial=Settlement.DAILY,
    )
    piece_daily_output = forms.CharField(
        label=_("Daily output (pieces a day)"),
        required=False,
        widget=text_input(inputmode="numeric"),
        help_text=_("For a piece rate: the pieces a day, so the rate counts as a day's wage."),
    )
    headcount = forms.CharField(
        label=_("People wanted"),
        required=False,
        initial="1",
        widget=text_input(inputmode="numeric"),
    )
    employment_form = forms.ChoiceField(
        label=_("Employment form"),
        required=False,
        choices=EmploymentForm.choices,
        initial=EmploymentForm.TEMPORARY,
    )
    is_public_welfare = forms.BooleanField(label=_("Public-welfare job"), required=False)
    eligibility = forms.MultipleChoiceField(
        label=_("Reserved for"),
        required=False,
        choices=Eligibility.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a public-welfare job (standard art. 20)."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in POSTING_REQUIRED:
            self.fields[name].widget.attrs["required"] = True
        self.fields["employer_name"].widget.attrs["required"] = True
        today = timezone.localdate().isoformat()
        self.fields["start_date"].initial = today
        self.fields["end_date"].initial = today
        market = self.default_market
        if market is not None and market.region.level == Region.Level.COUNTY:
            self.fields["county"].initial = market.region.code

    def employer(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "name": data["employer_name"],
            "credit_code": _normal(data["credit_code"]),
            "id_number": data["employer_id_number"],
            "mobile": data["employer_mobile"],
        }

    def posting_data(self) -> dict[str, Any]:
        """What ``posting_validate`` takes: the fields as typed, the occupation and the county
        looked up from a code or a name."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("market", "use_registered_name", *(EMPLOYER_ERROR_FIELDS.values()))
        }
        market = self.chosen_market()
        data["occupation"] = occupation_from_text(data["occupation"], market=market)
        data["county"] = county_from_text(data["county"], market=market)
        return data


class PostingReturnForm(forms.Form):
    """Send a posting back with one single notice listing every correction."""

    items = forms.ModelMultipleChoiceField(
        label=_("Corrections needed"),
        queryset=ChecklistItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the case engine says what to do when none is ticked
        help_text=_("Tick every correction: the single notice must list them all at once."),
    )

    def __init__(
        self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        field.queryset = self.corrections()  # type: ignore[attr-defined]
        if choices is not None:  # read once for a list of postings, not once per row
            field.choices = choices  # type: ignore[attr-defined]

    @staticmethod
    def corrections() -> QuerySet[ChecklistItem]:
        return ChecklistItem.objects.filter(kind=POSTING_REVIEW.code, is_active=True)

    @classmethod
    def item_choices(cls) -> list[tuple[int, str]]:
        """The corrections to tick, as every unbound form of a page shows them."""
        return [(item.pk, str(item)) for item in cls.corrections()]


class PostingRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PostingWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PostingExtendForm(forms.Form):
    end_date = forms.CharField(
        label=_("New last working day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


# The posting's own fields (as the counter form takes them), for correcting a returned posting:
# those of the posting's record the counter form has (not the map point, the pay per day or
# the screening justification, which the services work out or ask for apart).
POSTING_DETAIL_FIELDS = tuple(
    name for name in PostingInput.MODEL_FIELDS if name in PostingCounterForm.base_fields
)


class PostingCorrectionForm(FocusFirstErrorForm):
    """The employer's corrections to a posting returned for correction: the posting's fields
    as the counter form takes them (the same labels and widgets), filled in from the record."""

    first_field = "contact_name"

    def __init__(self, *args: Any, market: Market, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.market = market
        for name in POSTING_DETAIL_FIELDS:
            self.fields[name] = copy.deepcopy(PostingCounterForm.base_fields[name])
        for name in POSTING_REQUIRED:
            self.fields[name].widget.attrs["required"] = True
        self.fields[self.first_field].widget.attrs["autofocus"] = True

    def posting_data(self) -> dict[str, Any]:
        """What ``posting_resubmit`` takes: the fields as typed, the occupation and the county
        looked up from a code or a name."""
        data = dict(self.cleaned_data)
        data["occupation"] = occupation_from_text(data["occupation"], market=self.market)
        data["county"] = county_from_text(data["county"], market=self.market)
        return data


def posting_initial(posting: Posting) -> dict[str, Any]:
    """A posting's details as the correction form shows them."""
    return {
        name: getattr(posting, name)
        for name in POSTING_DETAIL_FIELDS
        if name
        not in ("occupation", "county", "contact_phone", "start_time", "end_time", "industry")
    } | {
        "industry": posting.industry.code if posting.industry else "",
        "occupation": f"{posting.occupation.code} {posting.occupation.name}",
        "county": posting.county.code,
        "contact_phone": posting.contact_phone,
        "start_time": f"{posting.start_time:%H:%M}",
        "end_time": f"{posting.end_time:%H:%M}",
        "start_date": posting.start_date.isoformat(),
        "end_date": posting.end_date.isoformat(),
    }


class PublishedPostingFilterForm(forms.Form):
    """The filters of the list of published postings; bad values are dropped, not refused."""

    STATUSES = (
        (PostingStatus.PUBLISHED, PostingStatus.PUBLISHED.label),
        (PostingStatus.FILLED, PostingStatus.FILLED.label),
    )

    market = forms.TypedChoiceField(label=_("Market"), required=False, coerce=int)
    occupation = forms.CharField(
        label=_("Occupation (工种)"),
        required=False,
        max_length=60,
        widget=text_input(list="occupation-list"),
        help_text=_("A code (4-03 for every catering job) or a name."),
    )
    expiring = forms.BooleanField(label=_("Ending within 3 days"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=STATUSES, initial=PostingStatus.PUBLISHED
    )

    def __init__(self, *args: Any, markets: Sequence[Market], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["market"].choices = [  # type: ignore[attr-defined]
            ("", _("All my markets")),
            *((market.pk, market.name) for market in markets),
        ]

    def filters(self) -> dict[str, Any]:
        """The filters as ``posting_list_for_staff`` takes them (what is invalid left out)."""
        self.is_valid()  # a field in error is left out; the others still filter
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        occupation = (data.get("occupation") or "").strip()
        if occupation:
            found = occupation_from_text(occupation)
            leading = _LEADING_CODE.match(_normal(occupation))
            if isinstance(found, Occupation):
                occupation = found.code
            elif leading:
                occupation = leading.group(1)
            else:
                occupation = "-"  # names no occupation: matches nothing
        return {
            "market_id": data.get("market") or None,
            "occupation_prefix": occupation or None,
            "expiring": bool(data.get("expiring")),
            "status": data.get("status") or PostingStatus.PUBLISHED,
        }


# --- Registering a seeker (求职登记) ---------------------------------------------------------


class SeekerCounterForm(CounterForm):
    """A job seeker's registration (standard art. 16); field names are the service's."""

    first_field = "name"

    name = forms.CharField(label=_("Name"), required=False, max_length=100, widget=text_input())
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        widget=text_input(spellcheck="false", **{"class": "mono"}),
        help_text=_("18 characters; the last one may be X."),
    )
    mobile = forms.CharField(label=_("Mobile"), required=False, widget=text_input(inputmode="tel"))
    household_type = forms.ChoiceField(
        label=_("Household registration"),
        required=False,
        choices=[("", _("Not given")), *HouseholdType.choices],
    )
    home_county = forms.CharField(
        label=_("County of household registration"),
        required=False,
        widget=text_input(list="county-list"),
        help_text=_("Six-digit division code or the name of the county or district."),
    )
    wanted_occupations = forms.CharField(
        label=_("Occupations wanted"),
        required=False,
        widget=text_input(list="occupation-list"),
        help_text=_(
            "Codes of the national classification (4-03-02-05, or a group such as 4-03) or "
            "names, separated by spaces."
        ),
    )
    wanted_areas = forms.CharField(
        label=_("Where they want to work"),
        required=False,
        widget=text_input(inputmode="numeric"),
        help_text=_("Division codes separated by spaces; a city's code (450100) covers it all."),
    )
    available_days = forms.TypedMultipleChoiceField(
        label=_("Days available"),
        required=False,
        coerce=int,
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[1, 2, 3, 4, 5],
    )
    available_from = forms.CharField(
        label=_("Available from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    available_until = forms.CharField(
        label=_("Available until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    min_daily_pay = forms.CharField(
        label=_("Lowest daily pay expected (yuan)"),
        required=False,
        widget=text_input(inputmode="decimal"),
    )
    skills = forms.CharField(
        label=_("Skills"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    certificates = forms.CharField(
        label=_("Certificates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    difficulty_categories = forms.MultipleChoiceField(
        label=_("Employment-difficulty categories"),
        required=False,
        choices=DifficultyCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    platform_consent = forms.BooleanField(
        label=_(
            "The person agrees that this registration is shared with the provincial "
            "human-resources platform"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "id_number"):
            self.fields[name].widget.attrs["required"] = True
        market = self.default_market
        if market is not None:
            self.fields["wanted_areas"].initial = market.region.code
            if market.region.level == Region.Level.COUNTY:
                self.fields["home_county"].initial = market.region.code

    def profile(self) -> dict[str, Any]:
        """The profile as ``seeker_register`` takes it."""
        data = self.cleaned_data
        county = county_from_text(data["home_county"], market=self.chosen_market())
        return {
            "household_type": data["household_type"],
            "home_county": county,
            "wanted_occupations": occupation_codes_from_text(data["wanted_occupations"]),
            "wanted_areas": split_list(data["wanted_areas"]),
            "available_days": data["available_days"],
            "available_from": data["available_from"],
            "available_until": data["available_until"],
            "min_daily_pay": _normal(data["min_daily_pay"]),
            "skills": data["skills"],
            "certificates": [
                line.strip() for line in data["certificates"].splitlines() if line.strip()
            ],
            "difficulty_categories": data["difficulty_categories"],
            "platform_consent": data["platform_consent"],
        }


# The profile fields the counter form carries (and the update form changes).
SEEKER_PROFILE_FIELDS = (
    "household_type",
    "home_county",
    "wanted_occupations",
    "wanted_areas",
    "available_days",
    "available_from",
    "available_until",
    "min_daily_pay",
    "skills",
    "certificates",
    "difficulty_categories",
    "platform_consent",
)


def seeker_initial(seeker: SeekerProfile) -> dict[str, Any]:
    """The profile on record as the counter form shows it (the update form's starting point,
    against which what the officer changed is told)."""

    def hours(value: Any) -> str:
        return value.strftime("%H:%M") if value is not None else ""

    pay = seeker.min_daily_pay
    return {
        "household_type": seeker.household_type,
        "home_county": seeker.home_county.code if seeker.home_county else "",
        "wanted_occupations": " ".join(seeker.wanted_occupations),
        "wanted_areas": " ".join(seeker.wanted_areas),
        "available_days": list(seeker.available_days),
        "available_from": hours(seeker.available_from),
        "available_until": hours(seeker.available_until),
        "min_daily_pay": "" if pay is None else f"{pay.normalize():f}",
        "skills": seeker.skills,
        "certificates": "\n".join(seeker.certificates),
        "difficulty_categories": list(seeker.difficulty_categories),
        "platform_consent": seeker.platform_consent,
    }


def _comparable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return sorted(str(item) for item in value)
    return _normal(str(value or "")).replace("\r\n", "\n")


def seeker_entered_changes(form: SeekerCounterForm, seeker: SeekerProfile) -> dict[str, Any]:
    """What the officer typed on the registration form (not the form's defaults, not blanks)
    that differs from the record: field -> the value as typed."""
    record = seeker_initial(seeker)
    entered = {}
    for name in SEEKER_PROFILE_FIELDS:
        if name not in form.changed_data:
            continue
        value = form[name].value()
        if value in (None, "", [], ()) or _comparable(value) == _comparable(record[name]):
            continue
        entered[name] = value
    return entered


class SeekerUpdateForm(SeekerCounterForm):
    """The deliberate update of a registered seeker's profile: it starts from the record
    (``initial=seeker_initial(seeker)``) and only the fields changed on it are written; a field
    emptied here is cleared on purpose. Name and mobile are corrected on the applicant's page;
    the ID number travels hidden (it is how an officer of another market reached the record)."""

    first_field = "household_type"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["name"]
        del self.fields["mobile"]
        self.fields["id_number"].widget = forms.HiddenInput()

    def changes(self) -> dict[str, Any]:
        """The profile fields changed on this form, as ``seeker_update`` takes them."""
        profile = self.profile()
        return {name: profile[name] for name in SEEKER_PROFILE_FIELDS if name in self.changed_data}


# --- The seeker's page: guidance, referrals ---------------------------------------------------


class GuidanceItemForm(forms.Form):
    item = forms.ChoiceField(label=_("Guided to"), choices=GuidanceItem.Item.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=GuidanceItem.Outcome.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=text_input())


class ReferralForm(forms.Form):
    """Recommend a posting to the seeker (one button per match)."""

    posting = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=text_input())


class ReferralOutcomeForm(forms.Form):
    """What came of a referral: the choices are the outcomes it may move to now."""

    outcome = forms.ChoiceField(label=_("Outcome"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=text_input())

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_referral{referral.pk}_%s")
        super().__init__(*args, **kwargs)
        reachable = {
            outcome
            for outcome, verb in OUTCOME_TRANSITIONS.items()
            if can_proceed(getattr(referral, verb))
        }
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in ReferralOutcome.choices if value in reachable
        ]
