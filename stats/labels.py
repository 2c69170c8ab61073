"""Words for the codes the figures keep (groups, age bands, scopes), in the language active
when they are shown: snapshots store codes, never translated text."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases.models import Applicant
from workflows.seekers.models import DifficultyCategory, HouseholdType

from .compute import UNKNOWN
from .models import Scope


def scope_name(scope: str) -> str:
    return str(Scope(scope).label)


def group_label(group: str, code: str | None = None) -> str:
    """The group's title (``code`` None) or the label of one of its codes."""
    if code is None:
        titles = {
            "gender": _("Gender"),
            "age_band": _("Age band"),
            "household_type": _("Household registration"),
            "difficulty": _("Employment-difficulty category"),
        }
        return str(titles.get(group, group))
    if code == UNKNOWN:
        return _("Unknown")
    if group == "gender":
        return str(dict(Applicant.Gender.choices).get(code, code))
    if group == "household_type":
        return str(dict(HouseholdType.choices).get(code, code))
    if group == "difficulty":
        return str(dict(DifficultyCategory.choices).get(code, code))
    if group == "age_band":
        if code.endswith("+"):
            return _("%(age)s and over") % {"age": code[:-1]}
        return _("%(low)s to %(high)s") % dict(zip(("low", "high"), code.split("-"), strict=True))
    return code


def groups_for_display(
    figures: dict[str, Any],
) -> list[tuple[str, str, list[tuple[str, str, int]]]]:
    """(group code, title, [(code, label, seekers)]) for each group of the figures."""
    return [
        (
            group,
            group_label(group),
            [(r["code"], group_label(group, r["code"]), r["seekers"]) for r in rows],
        )
        for group, rows in figures["by_group"].items()
    ]
