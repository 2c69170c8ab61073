"""A calendar day, a calendar year or a policy changed: the clock's memory of them is renewed in
every process (``sla.memo``). Connected in ``SlaConfig.ready``."""

from __future__ import annotations

from . import memo
from .models import CalendarDay, CalendarYear, Policy


def connect() -> None:
    memo.renewed_by(memo.CALENDAR, CalendarDay, CalendarYear)
    memo.renewed_by(memo.POLICIES, Policy)
