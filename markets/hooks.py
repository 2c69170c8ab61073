"""How ``markets`` puts its changes on the audit trail without importing ``audit`` (the layer
above it, ``.importlinter``): the audit app registers a handler from its AppConfig.ready()
(``absence_change_handler_register``), and the absence services hand it every change inside
their own transaction. Without a handler, they refuse to change anything (fail closed: an
absence changes who gets a case's transfers and reminders, so it must leave a trail).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Absence


@dataclass(frozen=True)
class AbsenceChange:
    """One change of an absence (AB岗): ``action`` is the audit action code, the values are
    what it was and what it is (plain JSON values)."""

    action: str
    absence: Absence
    actor: User
    old_values: Mapping[str, Any] = field(default_factory=dict)
    new_values: Mapping[str, Any] = field(default_factory=dict)


AbsenceChangeHandler = Callable[[AbsenceChange], object]

_handlers: list[AbsenceChangeHandler] = []


def absence_change_handler_register(handler: AbsenceChangeHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def absence_change_record(change: AbsenceChange) -> None:
    """Hand ``change`` to every handler; call it inside the change's own transaction."""
    if not _handlers:
        raise ImproperlyConfigured(
            "No handler records changes of absences (the audit app registers one)."
        )
    for handler in _handlers:
        handler(change)
