"""The form pieces every back-office area shares. Forms parse input only: the services
decide (and raise ValidationError per field, which the views put back on these forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.intake import NAME_CONFLICT
from markets.models import Market


def has_code(error: ValidationError, field: str, code: str) -> bool:
    """Whether a service's ValidationError carries ``code`` on ``field``."""
    if not hasattr(error, "error_dict"):
        return False
    return any(item.code == code for item in error.error_dict.get(field, []))


def errors_from(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each field's message on that field (when
    the form has it), everything else above the form. The errors keep their codes (a name
    conflict is known by its code)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Intake (受理) ----------------------------------------------------------------------------


class NameConflictForm(forms.Form):
    """A form that finds a known applicant by a number (ID number, credit code): a name that
    disagrees with the one on record is refused as a conflict (``NAME_CONFLICT``), never
    written; the officer goes on with the name on record by ticking ``use_registered_name``,
    which the page shows only then (``name_conflict``)."""

    use_registered_name = forms.BooleanField(label=_("Use the name on record"), required=False)

    @property
    def name_conflict(self) -> bool:
        """Whether the page shows "Use the name on record": after a conflict, and while ticked."""
        if self.is_bound and self["use_registered_name"].value():
            return True
        errors = self.errors.as_data().values()
        return any(item.code == NAME_CONFLICT for field in errors for item in field)


# --- Counter forms ----------------------------------------------------------------------------


def text_input(**attrs: Any) -> forms.TextInput:
    """A text box the browser does not fill in from earlier entries."""
    return forms.TextInput(attrs={"autocomplete": "off", **attrs})


class FocusFirstErrorForm(forms.Form):
    """After a refusal, focus moves from ``first_field`` to the first field in error, and each
    field in error says so to assistive technology (its messages carry the id
    ``<field id>_errors``)."""

    first_field = ""

    def focus_first_error(self) -> None:
        in_error = [name for name in self.fields if name in self.errors]
        if not in_error:
            return
        if self.first_field:
            self.fields[self.first_field].widget.attrs.pop("autofocus", None)
        self.fields[in_error[0]].widget.attrs["autofocus"] = True
        for name in in_error:
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{self[name].auto_id}_errors"


class CounterForm(FocusFirstErrorForm):
    """The market is chosen only by someone working in several; the first field has focus."""

    market_field_after = ""

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

    @property
    def default_market(self) -> Market | None:
        return self.markets[0] if self.markets else None

    def chosen_market(self) -> Market | None:
        chosen: Market | None = self.cleaned_data.get("market") or self.default_market
        return chosen
