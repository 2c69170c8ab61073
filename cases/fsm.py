"""The engine's shared mechanics of a state change, used by the case services and by every
workflow's services (postings, complaints, welfare …) alike.

A state change is always the same steps, in one transaction:

1. lock the row (``row_locked``);
2. check the state allows the transition (``can_proceed``) and the actor may run it
   (``has_transition_perm``), else ``CaseActionError`` / ``PermissionDenied``
   (``transition_check``);
3. run the transition (``transition_run``);
4. save, naming the actor in the field history (``save_with_history``);
5. record the audit event, in the same transaction;
6. schedule side effects (notifications, SMS) on commit.

``transition`` runs the six steps for a service whose verb is nothing more; services that
do more between the steps call the step helpers themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django_fsm import can_proceed, has_transition_perm

from accounts.history import delete_with_history, save_with_history

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "CaseActionError",
    "delete_with_history",
    "row_locked",
    "save_with_history",
    "transition",
    "transition_check",
    "transition_run",
]

M = TypeVar("M", bound=models.Model)


class CaseActionError(Exception):
    """The case's (or record's) state does not allow the action now. ``str(error)`` is for
    the user."""


def row_locked(model: type[M], pk: Any, *, related: Sequence[str] = ()) -> M:
    """The row ``pk`` of ``model``, locked (only its own table) until the transaction ends,
    with ``related`` rows joined in."""
    queryset = model._default_manager.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    locked: M = queryset.get(pk=pk)
    return locked


def transition_check(
    verb: Callable[..., Any], actor: User | None, *, refused: str | Callable[[], str]
) -> None:
    """Refuse the transition ``verb`` (a bound django-fsm transition) unless the state allows
    it (``CaseActionError(refused)``) and ``actor`` holds its permission
    (``PermissionDenied``). ``actor`` None: a system action, no permission to check."""
    if not can_proceed(verb):
        raise CaseActionError(refused() if callable(refused) else refused)
    if actor is not None and not has_transition_perm(verb, actor):
        raise PermissionDenied


def transition_run(
    verb: Callable[..., Any],
    actor: User | None,
    *,
    refused: str | Callable[[], str],
    **kwargs: Any,
) -> Any:
    """Check (``transition_check``), then run the transition ``verb`` with ``kwargs``."""
    transition_check(verb, actor, refused=refused)
    return verb(**kwargs)


def transition(
    instance: M,
    verb: str,
    *,
    actor: User,
    lock: Callable[[M], M],
    refused: Callable[[M], str],
    kwargs: Mapping[str, Any] | None = None,
    save: Callable[[M, User], None] = save_with_history,
    event: Callable[[M], object] | None = None,
    on_commit: Iterable[Callable[[M], object]] = (),
) -> M:
    """One whole state change: lock ``instance`` (``lock``), check and run its transition
    ``verb`` (``refused`` words the refusal for the locked row), ``save`` it with ``actor``
    in its history, record the audit ``event`` and schedule each of ``on_commit`` for after
    the commit. Must run inside the caller's transaction; returns the locked row."""
    locked = lock(instance)
    transition_run(
        getattr(locked, verb), actor, refused=lambda: refused(locked), **dict(kwargs or {})
    )
    save(locked, actor)
    if event is not None:
        event(locked)
    for effect in on_commit:
        transaction.on_commit(partial(effect, locked))
    return locked
