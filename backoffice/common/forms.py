"""The form pieces every back-office area shares. Forms parse input only: the services
decide (and raise ValidationError per field, which the views put back on these forms)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .intake import NAME_CONFLICT


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
