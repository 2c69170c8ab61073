"""Saving and deleting with the acting user on the history row that django-simple-history
writes (who and when). In ``accounts``, the lowest layer, so that every app above uses the
same two functions (``cases.fsm`` re-exports them for the engine and the workflows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import models
from simple_history.manager import HistoryDescriptor

if TYPE_CHECKING:
    from accounts.models import User


def save_with_history(
    instance: models.Model,
    actor: User | None,
    *,
    update_fields: Sequence[str] | None = None,
    reason: str | None = None,
) -> None:
    """Save ``instance`` with ``actor`` (and ``reason``, when given) on the history row that
    django-simple-history writes for it."""
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason is not None:
        instance._change_reason = reason  # type: ignore[attr-defined]
    if update_fields is None:
        instance.save()
    else:
        instance.save(update_fields=update_fields)


def delete_with_history(instance: models.Model, actor: User | None) -> None:
    """Delete ``instance`` with ``actor`` on the history row of the deletion."""
    instance._history_user = actor  # type: ignore[attr-defined]
    instance.delete()


def _history_manager_get(self: HistoryDescriptor, instance: object, owner: object) -> object:
    manager_class = self.__dict__.get("_manager_class")
    if manager_class is None:
        manager_class = self.manager_class.from_queryset(self.queryset_class)
        self.__dict__["_manager_class"] = manager_class
    return manager_class(self.model, instance)


def history_manager_class_kept() -> None:
    """django-simple-history (3.13) builds a new manager class (``Manager.from_queryset``, which
    walks every queryset method) on every access of ``Model.history``, and each history row it
    writes accesses it once: about 0.2 ms a row, two rows per intake (issue 14). Build the class
    once per model and keep it; the managers made from it are the same. Called once, from
    ``AccountsConfig.ready``."""
    HistoryDescriptor.__get__ = _history_manager_get
