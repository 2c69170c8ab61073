"""Taking many postings in at once (a page of the provincial platform's feed): the same intake
as one at a time (``services.posting_take_in``, its checks, screen, events, history and
signals), in a frame that does once for the whole batch what the single intake does for each:
the reference data of the checks is read once (``validation.lookups_cached``) and the audit
events are appended to their chains together (``audit.services.event_batch``: each chain's
head locked and moved once, the events inserted in one statement per 500)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from audit.services import event_batch

from .validation import lookups_cached


@contextmanager
def postings_bulk() -> Iterator[None]:
    """The frame of a bulk intake, inside the caller's transaction. Each posting's step that
    may be refused runs in ``audit.services.atomic_with_events``, so that a refused one leaves
    no event behind, as it leaves no row."""
    with lookups_cached(), event_batch():
        yield
