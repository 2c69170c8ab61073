"""One function per business event of the monthly statistics, each writing one row of the
event log (audit) inside the service's transaction."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .compute import Area
from .models import MonthlySnapshot


def stats_published_event(snapshot: MonthlySnapshot, actor: User | None) -> AuditEvent:
    figures = snapshot.figures
    return event_record(
        action="stats.published",
        actor=actor,
        target=snapshot,
        market=snapshot.market,
        new_values={
            "scope": snapshot.scope_key,
            "month": f"{snapshot.year:04d}-{snapshot.month:02d}",
            "revision": snapshot.revision,
            "revision_reason": snapshot.revision_reason,
            "openings": figures.get("openings"),
            "seekers": figures.get("seekers"),
            "demand_ratio": figures.get("demand_ratio"),
        },
    )


def stats_exported_event(*, area: Area, figures: dict[str, Any], actor: User) -> AuditEvent:
    return event_record(
        action="stats.exported",
        actor=actor,
        market=area.market,
        new_values={
            "scope": area.key,
            "month": f"{figures['year']:04d}-{figures['month']:02d}",
            "format": "xlsx",
        },
    )
