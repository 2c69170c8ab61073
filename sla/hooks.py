"""How ``sla`` hears from and speaks to the apps above it, without importing them.

- The case engine registers the states a policy may pause the clock in
  (``pausable_states_register``), so a policy naming an unknown state is refused.
- It registers a handler for due deadlines (``due_handler_register``): the sweep says
  "deadline X reached level Y"; the handler decides who hears about it and how.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Deadline

DueHandler = Callable[["Deadline", str], None]

_pausable: set[str] = set()
_handlers: list[DueHandler] = []


def pausable_states_register(*states: str) -> None:
    _pausable.update(states)


def pausable_states() -> frozenset[str]:
    return frozenset(_pausable)


def due_handler_register(handler: DueHandler) -> None:
    if handler not in _handlers:
        _handlers.append(handler)


def due_handlers() -> tuple[DueHandler, ...]:
    return tuple(_handlers)
