"""Periodic checks of the event log (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import OperationalError

from .anchors import anchor_book
from .selectors import anchoring_overdue_list, chain_list, chain_verify
from .services import (
    anchor_file_broken_alert,
    anchoring_failed_alert,
    anchoring_overdue_alert,
    chain_broken_alert,
    chain_heads_anchor,
)


@shared_task(
    name="audit.tasks.verify_audit_chains",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def verify_audit_chains() -> int:
    """Verify the anchor file and every chain, anchored ones that no longer exist included,
    and check that the anchoring has not stopped; alert the audit administrators of each
    break, of a bad anchor file, and of overdue anchoring (each once a day).

    Safe to run again at any time: it only reads, and each alert is recorded once a day.
    Returns the number of findings: broken chains, the anchor file if it is bad, and chains
    whose anchoring is overdue (``AUDIT_ANCHOR_MAX_AGE_HOURS``).
    """
    findings = 0
    book = anchor_book()
    if book.faults:
        findings += 1
        anchor_file_broken_alert(book=book)
    chains = chain_list()
    for chain in chains:
        result = chain_verify(chain=chain, anchors=book.for_chain(chain))
        if not result.ok:
            findings += 1
            chain_broken_alert(result=result)
    overdue = anchoring_overdue_list(chains=chains, book=book)
    if overdue:
        findings += len(overdue)
        anchoring_overdue_alert(overdue=overdue)
    return findings


@shared_task(
    bind=True,
    name="audit.tasks.anchor_audit_chains",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def anchor_audit_chains(self: Task) -> int:
    """Anchor every chain's head outside the database and mail the heads to the audit
    administrators. Running it again only adds anchors. Returns the number of chains.

    When the anchor file cannot be written, it retries (a mount may come back); when the
    retries are spent (at once in eager mode), it alerts the audit administrators and fails.
    """
    try:
        return len(chain_heads_anchor().heads)
    except OSError as error:
        eager = self.request.is_eager or self.request.called_directly
        if not eager and self.request.retries < (self.max_retries or 0):
            raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error
        anchoring_failed_alert(error=f"{type(error).__name__}: {error}")
        raise
