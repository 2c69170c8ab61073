"""The SQLite search tables follow every save and delete of a case (its reference, written
once) and of an applicant (its name: registration, correction, anonymisation). In the same
transaction as the change, so a rollback undoes both. No-ops on PostgreSQL."""

from __future__ import annotations

from typing import Any

from cases.models import Applicant, Case

from .index import (
    fts_applicant_put,
    fts_applicant_remove,
    fts_case_put,
    fts_case_remove,
    fts_put_many,
)


def _touches(update_fields: Any, field: str) -> bool:
    return update_fields is None or field in update_fields


def applicant_saved(
    sender: Any, instance: Applicant, created: bool = False, update_fields: Any = None, **_: Any
) -> None:
    if _touches(update_fields, "name"):
        fts_applicant_put(instance.pk, instance.name, created=created)


def applicant_deleted(sender: Any, instance: Applicant, **_: Any) -> None:
    fts_applicant_remove(instance.pk)


def case_saved(sender: Any, instance: Case, created: bool = False, **_: Any) -> None:
    if created:  # the reference never changes
        fts_case_put(instance.pk, instance.reference, created=True)


def case_deleted(sender: Any, instance: Case, **_: Any) -> None:
    fts_case_remove(instance.pk)


def bulk_created(sender: Any, instances: Any, **_: Any) -> None:
    """Cases or applicants written in bulk (``cases.signals.records_bulk_created``): as if each
    had been saved."""
    if sender is Case:
        fts_put_many("case", [(instance.pk, instance.reference) for instance in instances])
    elif sender is Applicant:
        fts_put_many("applicant", [(instance.pk, instance.name) for instance in instances])
