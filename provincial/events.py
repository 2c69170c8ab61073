"""One function per audit event of the platform link (cases/events.py style)."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record

from .models import InboundRecord, OutboundMessage


def dead_letter_retried_event(message: OutboundMessage, actor: User) -> AuditEvent:
    return event_record(
        action="provincial.dead_letter_retried",
        actor=actor,
        target=message,
        old_values={"status": OutboundMessage.Status.DEAD, "attempts": message.attempts},
        new_values={
            "status": OutboundMessage.Status.PENDING,
            "record": f"{message.record_type}:{message.record_id}",
            "sequence": message.sequence,
            "idempotency_key": message.idempotency_key,
        },
    )


def dead_letters_retried_event(count: int, actor: User) -> AuditEvent:
    return event_record(
        action="provincial.dead_letters_retried",
        actor=actor,
        old_values={"status": OutboundMessage.Status.DEAD},
        new_values={"status": OutboundMessage.Status.PENDING, "count": count},
    )


def record_imported_event(record: InboundRecord, actor: User) -> AuditEvent:
    return event_record(
        action="provincial.record_imported",
        actor=actor,
        target=record,
        market=record.posting.market if record.posting else None,
        new_values={
            "platform_id": record.platform_id,
            "record_type": record.record_type,
            "outcome": record.outcome,
            "posting_id": record.posting_id,
            "platform_status": record.platform_status,
        },
    )
