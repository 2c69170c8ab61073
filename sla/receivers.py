"""A calendar day, a calendar year or a policy changed: the clock's memory of them is renewed in
every process (``sla.memo``). Connected in ``SlaConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from . import memo
from .models import CalendarDay, CalendarYear, Policy


def _calendar_changed(**kwargs: Any) -> None:
    memo.changed(memo.CALENDAR)


def _policies_changed(**kwargs: Any) -> None:
    memo.changed(memo.POLICIES)


def connect() -> None:
    for model in (CalendarDay, CalendarYear):
        post_save.connect(
            _calendar_changed, sender=model, dispatch_uid=f"sla.memo.{model.__name__}"
        )
        post_delete.connect(
            _calendar_changed, sender=model, dispatch_uid=f"sla.memo.{model.__name__}.delete"
        )
    post_save.connect(_policies_changed, sender=Policy, dispatch_uid="sla.memo.Policy")
    post_delete.connect(_policies_changed, sender=Policy, dispatch_uid="sla.memo.Policy.delete")
