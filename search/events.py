"""The search box's audit event: a search by ID number or mobile (personal data) is itself
recorded, as a reveal is. The number is never written to the log: only its masked form."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEvent
from audit.services import TargetRef, event_record
from markets.models import Market

from .query import SearchQuery


def personal_data_searched_event(
    actor: User, query: SearchQuery, *, market: Market | None, found: dict[str, int]
) -> AuditEvent:
    """``found``: how many results of each type the first pages showed."""
    masked = query.masked
    return event_record(
        action="personal_data.searched",
        actor=actor,
        target=TargetRef(type="search", label=masked),
        market=market,
        new_values={"by": str(query.kind), "value": masked, **found},
    )
