"""The daily task that freezes last month's figures on the first working day (thin and
idempotent: a second run the same day publishes nothing), and the hourly one that computes
the provisional figures of the months not yet published."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def stats_publish_due_task() -> int:
    publication = services.stats_publish_due()
    return 0 if publication is None else len(publication.published)


@shared_task(acks_late=True, ignore_result=True)
def stats_drafts_refresh_task() -> int:
    return services.stats_drafts_refresh()
