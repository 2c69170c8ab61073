"""Periodic checks of the event log (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import OperationalError

from .selectors import anchor_file_verify, chain_list, chain_verify
from .services import anchoring_failed_alert, chain_broken_alert, chain_heads_anchor


@shared_task(
    name="audit.tasks.verify_audit_chains",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def verify_audit_chains() -> int:
    """Verify the anchor file and every chain, anchored ones that no longer exist included;
    for each break, alert the audit administrators (once a day).

    Safe to run again at any time: it only reads, and the alert is recorded once per break
    per day. Returns the number of breaks (broken chains, and the anchor file if it is).
    """
    broken = 0
    for result in [anchor_file_verify(), *(chain_verify(chain=c) for c in chain_list())]:
        if not result.ok:
            broken += 1
            chain_broken_alert(result=result)
    return broken


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
