"""The SQLite search tables follow every save and delete of a case (its reference, written
once) and of an applicant (its name: registration, correction, anonymisation). In the same
transaction as the change, so a rollback undoes both. No-ops on PostgreSQL."""

from __future__ import annotations

from typing import Any

from cases.models import Applicant, Case

from .index import fts_put, fts_remove


def _touches(update_fields: Any, field: str) -> bool:
    return update_fields is None or field in update_fields


def applicant_saved(sender: Any, instance: Applicant, update_fields: Any = None, **_: Any) -> None:
    if _touches(update_fields, "name"):
        fts_put("applicant", [(instance.pk, instance.name)])


def applicant_deleted(sender: Any, instance: Applicant, **_: Any) -> None:
    fts_remove("applicant", instance.pk)


def case_saved(sender: Any, instance: Case, created: bool = False, **_: Any) -> None:
    if created:  # the reference never changes
        fts_put("case", [(instance.pk, instance.reference)])


def case_deleted(sender: Any, instance: Case, **_: Any) -> None:
    fts_remove("case", instance.pk)


def bulk_created(sender: Any, instances: Any, **_: Any) -> None:
    """Cases or applicants written in bulk (``cases.signals.records_bulk_created``): as if each
    had been saved."""
    if sender is Case:
        fts_put("case", [(instance.pk, instance.reference) for instance in instances])
    elif sender is Applicant:
        fts_put("applicant", [(instance.pk, instance.name) for instance in instances])
