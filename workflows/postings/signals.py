"""What the postings' services tell higher layers, without importing them (DESIGN.md, "The
house"): ``posting_changed`` is sent inside the service's transaction, after the change is saved
and audited, so a synchronous receiver writes in the same transaction and is rolled back with it
(the provincial platform's outbox, ``provincial.receivers``).

Arguments: ``posting`` (saved), ``change`` (one of ``Change``), ``actor`` (None: the system).

``postings_changed`` is the same for many postings at once (the bulk intake, ``bulk.py``):
``postings`` (a list) instead of ``posting``. A receiver of ``posting_changed`` must receive
``postings_changed`` too (``provincial.receivers`` does); while nothing receives it, it is sent
as ``posting_changed`` for each posting.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.dispatch import Signal

from .models import Posting


class Change(models.TextChoices):
    """The kinds of change of a posting the outside world may hear about."""

    PUBLISHED = "published"
    UPDATED = "updated"  # corrected details (resubmitted after a single notice)
    EXTENDED = "extended"
    FILLED = "filled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    REJECTED = "rejected"


posting_changed = Signal()
postings_changed = Signal()


def posting_changed_send(posting: Posting, change: str, actor: object = None) -> None:
    posting_changed.send(sender=Posting, posting=posting, change=change, actor=actor)


def postings_changed_send(postings: Sequence[Posting], change: str, actor: object = None) -> None:
    if not postings_changed.has_listeners(Posting):
        for posting in postings:
            posting_changed_send(posting, change, actor)
        return
    postings_changed.send(sender=Posting, postings=list(postings), change=change, actor=actor)
