"""How ``sla`` hears from and speaks to the apps above it, without importing them.

- The case engine registers the states a policy may pause the clock in
  (``pausable_states_register``), so a policy naming an unknown state is refused.
- It registers a handler for due deadlines (``due_handler_register``): the sweep says
  "deadline X reached level Y"; the handler decides who hears about it and how.
- It registers how a member of staff is told something (``staff_notice_handler_register``):
  ``sla`` sits beside ``notifications`` and may not import it (``.importlinter``), yet must tell
  the system administrators when deadlines fall in a year the calendar does not know.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Deadline

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffNotice:
    """One line for one member of staff's bell; ``link`` is a path on this site."""

    recipient: User
    text: str
    link: str = ""


DueHandler = Callable[["Deadline", str], None]
StaffNoticeHandler = Callable[[StaffNotice], None]

_pausable: set[str] = set()
_handlers: list[DueHandler] = []
_notice_handlers: list[StaffNoticeHandler] = []


def pausable_states_register(*states: str) -> None:
    _pausable.update(states)


def pausable_states() -> frozenset[str]:
    return frozenset(_pausable)


def due_handler_register(handler: DueHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def due_handlers() -> tuple[DueHandler, ...]:
    return tuple(_handlers)


def staff_notice_handler_register(handler: StaffNoticeHandler) -> None:
    if handler not in _notice_handlers:
        _notice_handlers.append(handler)


def staff_notice_handlers() -> tuple[StaffNoticeHandler, ...]:
    return tuple(_notice_handlers)


def staff_notice_send(notice: StaffNotice) -> None:
    """Hand ``notice`` to every registered handler. With none registered (an app above ``sla``
    is missing), the notice is logged as an error, not lost silently."""
    handlers = staff_notice_handlers()
    if not handlers:
        logger.error(
            "No handler delivers staff notices (sla.hooks); not delivered to user %s: %s",
            notice.recipient.pk,
            notice.text,
        )
        return
    for handler in handlers:
        handler(notice)
