"""Periodic work of the API."""

from __future__ import annotations

from celery import shared_task

from .services import idempotency_prune


@shared_task
def idempotency_prune_task() -> int:
    """Forget the Idempotency-Keys past their time (idempotent: a second run finds none)."""
    return idempotency_prune()
