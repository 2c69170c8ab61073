"""The forms of the officer's pages: intake at the counter (受理), the actions on a case and
the team lead's filter. They parse input only: the services decide."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import SAVED_VIEW_NAME_MAX
from cases.identity import mobile_normalise, resident_id_parse
from cases.kinds import KINDS
from cases.models import Case, Channel, ChecklistItem, NoticeItem
from cases.services import BULK_REASSIGN_MAX
from cases.staff_selectors import (
    Away,
    StaffChoice,
    checklist_choices,
    handover_choices,
    staff_choices_for_markets,
    staff_list_for_markets,
    staff_list_of_active_markets,
)
from markets.models import Market, ServiceStation

from ..common.forms import NameConflictForm

# The case pages put a service's errors on these forms as ``forms.errors_from``.
from ..common.forms import errors_from as errors_from
from ..common.params import id_parse
from .own_intake import OWN_INTAKE


def kind_choices() -> list[tuple[str, str]]:
    """Only the kinds the workflows registered (read at form time, after every app is ready)."""
    return [(code, str(kind.label)) for code, kind in KINDS.items()]


def generic_kind_choices() -> list[tuple[str, str]]:
    """The kinds the generic New case form opens: those with no record of their own."""
    return [(code, label) for code, label in kind_choices() if code not in OWN_INTAKE]


class GenericKindField(forms.ChoiceField):
    """A kind of case with no record of its own. A kind that has one is refused with a
    message naming the page that opens it with its record."""

    def validate(self, value: Any) -> None:
        intake = OWN_INTAKE.get(value)
        kind = KINDS.get(value)
        if intake is not None and kind is not None:
            raise ValidationError(intake.refusal(str(kind.label)), code="own_intake")
        super().validate(value)


def staff_label(user: User | StaffChoice) -> str:
    """How a member of staff is named in a choice: the name and the account, or the account."""
    return f"{user} ({user.username})" if user.full_name else user.username


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return staff_label(obj)


def staff_cover_label(staff: StaffChoice, away: Sequence[Away]) -> str:
    """A member of staff offered as a transfer's receiver, each absence running today (AB岗)
    said with its deputy: what is sent to them goes to the deputy (``cases.cover``)."""
    label = staff_label(staff)
    for absence in away:
        label += " — " + str(
            _("away until %(end)s (%(market)s): goes to %(deputy)s")
            % {
                "end": absence.ends_on.isoformat(),
                "market": absence.market,
                "deputy": absence.deputy,
            }
        )
    return label


def choices_kept(
    form: forms.Form,
    name: str,
    choices: Sequence[tuple[int, str]],
    checked_by: Callable[[], QuerySet[Any]],
) -> None:
    """Offer ``choices`` (ids and labels a selector kept in this process's memory) in the
    field ``name`` instead of reading its queryset to draw them. The queryset ``checked_by``
    gives still checks what is posted, and is built only when something is."""
    field: Any = form.fields[name]
    if form.is_bound:
        field.queryset = checked_by()
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*empty, *choices]


# --- Intake (受理) ----------------------------------------------------------------------------


class IntakeForm(NameConflictForm):
    name = forms.CharField(label=_("Applicant's name"), max_length=100)
    id_number = forms.CharField(
        label=_("ID number"),
        help_text=_("18 characters; the last one may be X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label=_("Mobile"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.none())
    kind = GenericKindField(label=_("Kind of case"))
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.COUNTER
    )
    station = forms.ModelChoiceField(
        label=_("Service station"),
        queryset=ServiceStation.objects.none(),
        required=False,
        empty_label=_("None (the market's own counter)"),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Case.Priority.choices, initial=Case.Priority.NORMAL
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, market_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autofocus"] = True
        markets = Market.objects.filter(pk__in=market_ids, is_active=True)
        stations = ServiceStation.objects.filter(market_id__in=market_ids, is_active=True)
        self.fields["station"].queryset = stations.select_related("market")  # type: ignore[attr-defined]
        if len(market_ids) == 1:
            # One market: nothing to choose.
            self.single_market = markets.first()
            del self.fields["market"]
        else:
            self.single_market = None
            self.fields["market"].queryset = markets  # type: ignore[attr-defined]
            self.fields["station"].label_from_instance = (  # type: ignore[attr-defined]
                lambda station: f"{station.market.name} · {station.name}"
            )
        kinds = generic_kind_choices()
        self.fields["kind"].choices = [("", "---------"), *kinds]  # type: ignore[attr-defined]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0][0]

    def clean_id_number(self) -> str:
        return resident_id_parse(self.cleaned_data["id_number"]).number

    def clean_mobile(self) -> str:
        value: str = self.cleaned_data["mobile"].strip()
        return mobile_normalise(value) if value else ""

    def chosen_market(self) -> Market | None:
        market: Market | None = self.cleaned_data.get("market") or self.single_market
        return market


# --- Actions on a case ------------------------------------------------------------------------


class CaseActionForm(forms.Form):
    """Every action form is built with the case and the acting user."""

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user


def _reason_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class EmptyForm(CaseActionForm):
    """Claim, close: a button, nothing to fill in."""


class TransferForm(CaseActionForm):
    to_market = forms.ModelChoiceField(label=_("To market"), queryset=Market.objects.none())
    to_user = StaffChoiceField(
        label=_("To officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The market's team (whoever accepts first)"),
        help_text=_("An officer who is away today: the transfer goes to their deputy."),
    )
    reason = _reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handover = handover_choices(on=timezone.localdate())
        choices_kept(
            self, "to_market", handover.markets, lambda: Market.objects.filter(is_active=True)
        )
        self.fields["to_market"].initial = self.case.market_id
        choices_kept(
            self,
            "to_user",
            [
                (staff.pk, staff_cover_label(staff, handover.away.get(staff.pk, ())))
                for staff in handover.staff
            ],
            staff_list_of_active_markets,
        )


class RequestMaterialsForm(CaseActionForm):
    items = forms.ModelMultipleChoiceField(
        label=_("Missing items"),
        queryset=ChecklistItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says what to do when none is ticked
        help_text=_("Tick every missing item: the single notice must list them all at once."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.case.kind
        choices_kept(
            self,
            "items",
            checklist_choices(kind=kind),
            lambda: ChecklistItem.objects.filter(kind=kind, is_active=True),
        )


class ReceiveMaterialsForm(CaseActionForm):
    items = forms.ModelMultipleChoiceField(
        label=_("Items handed in"),
        queryset=NoticeItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = NoticeItem.objects.filter(  # type: ignore[attr-defined]
            notice__case=self.case, received_at__isnull=True
        )


class AddItemLaterForm(CaseActionForm):
    name = forms.CharField(label=_("Material"), max_length=200)
    reason = forms.CharField(label=_("Why it is needed"), max_length=300)
    format = forms.CharField(label=_("Form (original, copy …)"), max_length=100)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=99, initial=1)
    issuing_body = forms.CharField(label=_("Issued by"), max_length=100, required=False)
    breach_reason = _reason_field(_("Why the notice did not list it"))


class OutcomeForm(CaseActionForm):
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReasonForm(CaseActionForm):
    reason = _reason_field()


class NoteForm(CaseActionForm):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReassignForm(CaseActionForm):
    to_user = StaffChoiceField(label=_("New owner"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        markets = [self.case.market_id]
        choices_kept(
            self,
            "to_user",
            [
                (staff.pk, staff_label(staff))
                for staff in staff_choices_for_markets(market_ids=markets)
            ],
            lambda: staff_list_for_markets(market_ids=markets),
        )
        self.fields["to_user"].initial = self.case.owner_id


class DeclineTransferForm(forms.Form):
    reason = _reason_field(_("Why you decline"))


# The filter of the case lists is in ``filters.py``.


class IdListField(forms.Field):
    """Record numbers ticked in a list (``?cases=1&cases=2``): anything else is an error."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        numbers = [id_parse(item) for item in (value or [])]
        if any(number is None for number in numbers):
            raise ValidationError(_("The selection is not understood."), code="invalid")
        return sorted({number for number in numbers if number is not None})


class BulkReassignForm(forms.Form):
    """The cases ticked on the market's list and the colleague to give them to. The colleague
    may be anyone on the staff: the service refuses one of another market, with a message."""

    cases = IdListField(required=False)
    to_user = StaffChoiceField(
        label=_("Colleague"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose the colleague to give the cases to."),
            "invalid_choice": _("Choose a colleague from the list."),
        },
    )
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]

    def clean_cases(self) -> list[int]:
        ids: list[int] = self.cleaned_data["cases"]
        if not ids:
            raise ValidationError(_("Tick the cases to reassign."), code="required")
        if len(ids) > BULK_REASSIGN_MAX:
            raise ValidationError(
                _("Select at most %(max)d cases at a time."),
                code="too_many",
                params={"max": BULK_REASSIGN_MAX},
            )
        return ids


class SavedViewNameForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=SAVED_VIEW_NAME_MAX)
