"""Periodic checks of the event log (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from .selectors import chain_list, chain_verify
from .services import chain_broken_alert


@shared_task(
    name="audit.tasks.verify_audit_chains",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def verify_audit_chains() -> int:
    """Verify every chain; for each broken one, alert the audit administrators (once a day).

    Safe to run again at any time: it only reads, and the alert is recorded once per break
    per day. Returns the number of broken chains.
    """
    broken = 0
    for chain in chain_list():
        result = chain_verify(chain=chain)
        if not result.ok:
            broken += 1
            chain_broken_alert(result=result)
    return broken
