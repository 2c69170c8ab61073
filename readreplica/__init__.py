"""Which database a read goes to, as the work says it (the router is ``config.db``).

Every read and every write goes to the primary (``default``) unless the work that reads was
marked with ``reading_from_replica()``: the heavy read-only work (statistics pages, the staff's
search, the event log's search, exports, the big screen's figures). Inside the mark, reads go to
the read replica (``replica``) when one is configured, reachable and not lagging
(``config.db.ReplicaRouter``); writes never do.

This package is the bottom of the house so that any layer may mark its work; it only keeps
the marks (context variables, so threads and asyncio tasks each have their own):

- ``reading_from_replica()``: a context manager and decorator marking the work inside it;
- ``reading_from_primary()``: the opposite, winning over any mark (read-your-writes: the
  acting session wrote a moment ago, see ``config.db.ReplicaStickinessMiddleware``);
- ``noting_writes(note)``: the router ticks ``note.wrote`` when a write goes through it, and
  ``note.read_replica`` when a read goes to the replica.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class WriteNote:
    """Ticked by the router while it is being noted: ``wrote`` when a write goes to the
    primary, ``read_replica`` when a read goes to the replica. A mutable holder, so a write in
    a copied context (a sync view under ASGI) still ticks it."""

    wrote: bool = False
    read_replica: bool = False


_replica_wanted: ContextVar[bool] = ContextVar("lgsc_replica_wanted", default=False)
_primary_pinned: ContextVar[bool] = ContextVar("lgsc_primary_pinned", default=False)
_write_note: ContextVar[WriteNote | None] = ContextVar("lgsc_write_note", default=None)


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads inside go to the read replica when it can serve them (see ``config.db``). Also a
    decorator: ``@reading_from_replica()``. Mark read-only work only: a read of a row written a
    moment ago in the same work may not find it on the replica (inside ``transaction.atomic``
    every read goes to the primary anyway)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


@contextmanager
def reading_from_primary(pinned: bool = True) -> Iterator[None]:
    """Every read inside goes to the primary, marked or not (when ``pinned``; a no-op else)."""
    token = _primary_pinned.set(pinned or _primary_pinned.get())
    try:
        yield
    finally:
        _primary_pinned.reset(token)


@contextmanager
def noting_writes(note: WriteNote) -> Iterator[WriteNote]:
    """Writes inside tick ``note.wrote`` (the router does it)."""
    token = _write_note.set(note)
    try:
        yield note
    finally:
        _write_note.reset(token)


def replica_wanted() -> bool:
    """True inside ``reading_from_replica()``, outside ``reading_from_primary()`` and before
    the request (the writes being noted) wrote anything: its later reads must see its writes."""
    note = _write_note.get()
    return _replica_wanted.get() and not _primary_pinned.get() and not (note and note.wrote)


def write_noted() -> None:
    """Called by the router for each write: ticks the note being kept, if any."""
    note = _write_note.get()
    if note is not None:
        note.wrote = True


def replica_read_noted() -> None:
    """Called by the router for each read it sends to the replica: ticks the note, if any."""
    note = _write_note.get()
    if note is not None:
        note.read_replica = True
