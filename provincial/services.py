"""The platform link's state changes: writing the outbox, delivering it, retrying dead letters.

Delivery (``outbound_deliver``) keeps the order of each record's messages: a message is taken
only when every earlier message of its record is delivered, so a record's message n+1 never
leaves before n is in. Batches of such "heads" are claimed under a lease (a worker that dies
holding them loses them when the lease runs out), sent in one request, and settled: delivered,
or back to waiting with an exponential backoff, or, after ``PROVINCIAL_MAX_ATTEMPTS`` failed
attempts, a dead letter that holds back its record's later messages until staff retry it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from kombu.exceptions import KombuError

from accounts.models import User

from . import events
from .adapter import PlatformClient, PlatformUnavailable, platform_client
from .models import OutboundMessage

logger = logging.getLogger(__name__)

Status = OutboundMessage.Status
BACKOFF_MAX = timedelta(hours=1)
ERROR_MAX = 2000


# --- Writing the outbox -----------------------------------------------------------------------


def outbound_idempotency_key(*, record_type: str, record_id: int, sequence: int) -> str:
    return f"{settings.PROVINCIAL_SENDER_ID}:{record_type}:{record_id}:{sequence}"


def outbound_write(
    *, record_type: str, record_id: int, change: str, payload: dict[str, Any]
) -> OutboundMessage:
    """Add a record's next message to the outbox, in the caller's transaction (the caller
    holds the record's row lock, so its sequence numbers follow one another; the unique
    constraint refuses anything else). Delivery is asked for once the transaction commits."""
    last = OutboundMessage.objects.filter(record_type=record_type, record_id=record_id).aggregate(
        last=Max("sequence")
    )["last"]
    sequence = (last or 0) + 1
    message = OutboundMessage.objects.create(
        record_type=record_type,
        record_id=record_id,
        sequence=sequence,
        change=change,
        payload=payload,
        idempotency_key=outbound_idempotency_key(
            record_type=record_type, record_id=record_id, sequence=sequence
        ),
    )
    transaction.on_commit(_deliver_soon)
    return message


@dataclass(frozen=True)
class OutboundWrite:
    record_type: str
    record_id: int
    change: str
    payload: dict[str, Any]


def outbound_write_many(writes: list[OutboundWrite]) -> list[OutboundMessage]:
    """``outbound_write`` for many messages at once (the bulk intake), in the caller's
    transaction and in the order given: each record's next sequence numbers from one query
    for all, the messages inserted together."""
    if not writes:
        return []
    last: dict[tuple[str, int], int] = {}
    for record_type in {write.record_type for write in writes}:
        ids = [write.record_id for write in writes if write.record_type == record_type]
        for start in range(0, len(ids), 500):
            rows = (
                OutboundMessage.objects.filter(
                    record_type=record_type, record_id__in=ids[start : start + 500]
                )
                .values_list("record_id")
                .annotate(last=Max("sequence"))
            )
            for record_id, sequence in rows:
                last[(record_type, record_id)] = sequence
    messages = []
    for write in writes:
        key = (write.record_type, write.record_id)
        last[key] = last.get(key, 0) + 1
        messages.append(
            OutboundMessage(
                record_type=write.record_type,
                record_id=write.record_id,
                sequence=last[key],
                change=write.change,
                payload=write.payload,
                idempotency_key=outbound_idempotency_key(
                    record_type=write.record_type, record_id=write.record_id, sequence=last[key]
                ),
            )
        )
    OutboundMessage.objects.bulk_create(messages, batch_size=500)
    transaction.on_commit(_deliver_soon)
    return messages


def _deliver_soon() -> None:
    """Wake a worker after the commit. An unreachable broker loses nothing: the beat's run
    of the same task picks the message up."""
    if not settings.PROVINCIAL_URL:
        return
    from .tasks import outbound_deliver_task  # the tasks module imports this one

    try:
        outbound_deliver_task.delay()
    except (KombuError, OSError):
        logger.warning("provincial delivery not queued (broker unreachable)", exc_info=True)


# --- Delivering it ----------------------------------------------------------------------------


def outbound_backoff(*, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2 × base, 4 × base … ≤ 1 h."""
    base = timedelta(seconds=int(settings.PROVINCIAL_BACKOFF_SECONDS))
    wait: timedelta = base * 2 ** max(attempts - 1, 0)
    return min(wait, BACKOFF_MAX)


def _no_earlier_undelivered() -> Any:
    """No earlier message of the same record is still undelivered."""
    return ~Exists(
        OutboundMessage.objects.filter(
            record_type=OuterRef("record_type"),
            record_id=OuterRef("record_id"),
            sequence__lt=OuterRef("sequence"),
        ).exclude(status=Status.DELIVERED)
    )


def _heads_due(now: datetime, batch: int) -> list[int]:
    """Messages that may be sent now, at most ``batch``: first those held by a worker whose
    lease ran out, then those waiting and due, oldest due first; each with no earlier
    undelivered message of its record. Both read the partial index of what is undelivered
    (``provincial_outbound_due``), never the delivered rows."""
    heads = _no_earlier_undelivered()
    # ``undelivered`` repeats the partial index's condition, for SQLite's planner (it does not
    # infer it from the status asked for).
    undelivered = ~Q(status=Status.DELIVERED)
    ids = list(
        OutboundMessage.objects.filter(undelivered, status=Status.SENDING, lease_until__lt=now)
        .filter(heads)
        .order_by("id")
        .select_for_update(skip_locked=True)
        .values_list("id", flat=True)[:batch]
    )
    if len(ids) < batch:
        ids += list(
            OutboundMessage.objects.filter(
                undelivered, status=Status.PENDING, next_attempt_at__lte=now
            )
            .filter(heads)
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[: batch - len(ids)]
        )
    return ids


def _claim(*, now: datetime, batch: int) -> list[OutboundMessage]:
    lease_until = now + timedelta(seconds=settings.PROVINCIAL_LEASE_SECONDS)
    with transaction.atomic():
        ids = _heads_due(now, batch)
        if not ids:
            return []
        # The condition again in the update: a worker that read the same rows (SQLite has no
        # row locks) claims only those nobody claimed in between.
        OutboundMessage.objects.filter(pk__in=ids).filter(
            Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_until__lt=now)
        ).update(status=Status.SENDING, lease_until=lease_until)
    return list(
        OutboundMessage.objects.filter(
            pk__in=ids, status=Status.SENDING, lease_until=lease_until
        ).order_by("record_type", "record_id", "sequence")
    )


def outbound_wire(message: OutboundMessage) -> dict[str, Any]:
    """A message as the contract carries it."""
    return {
        "idempotency_key": message.idempotency_key,
        "record_type": message.record_type,
        "record_id": message.record_id,
        "sequence": message.sequence,
        "change": message.change,
        "occurred_at": message.created_at.isoformat(),
        "payload": message.payload,
    }


def _settle(claimed: list[OutboundMessage], refused: dict[int, str], now: datetime) -> int:
    """Record one batch's outcome; returns how many became dead letters. Only rows still held
    under this claim's lease are written (a worker that lost its lease changes nothing)."""
    max_attempts = settings.PROVINCIAL_MAX_ATTEMPTS
    dead = 0
    with transaction.atomic():
        held = OutboundMessage.objects.filter(status=Status.SENDING)
        delivered = [m.pk for m in claimed if m.pk not in refused]
        if delivered:
            lease = claimed[0].lease_until
            held.filter(pk__in=delivered, lease_until=lease).update(
                status=Status.DELIVERED,
                delivered_at=now,
                lease_until=None,
                attempts=F("attempts") + 1,
                last_error="",
            )
        for message in claimed:
            if message.pk not in refused:
                continue
            attempts = message.attempts + 1
            update: dict[str, Any] = {
                "attempts": attempts,
                "lease_until": None,
                "last_error": refused[message.pk][:ERROR_MAX],
            }
            if attempts >= max_attempts:
                update["status"] = Status.DEAD
                dead += 1
            else:
                update["status"] = Status.PENDING
                update["next_attempt_at"] = now + outbound_backoff(attempts=attempts)
            held.filter(pk=message.pk, lease_until=message.lease_until).update(**update)
    return dead


@dataclass
class DeliveryRun:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    batches: int = 0
    unavailable: bool = False


def outbound_deliver(
    *, client: PlatformClient | None = None, batch: int | None = None, max_batches: int = 0
) -> DeliveryRun:
    """Deliver what is due, batch after batch, until nothing is due, the platform is
    unavailable, or ``max_batches`` (0: no limit) batches were sent. Safe to run in any number
    of workers at once. Without a configured platform it does nothing."""
    client = client or platform_client()
    run = DeliveryRun()
    if client is None:
        return run
    size = batch or settings.PROVINCIAL_BATCH_SIZE
    while not max_batches or run.batches < max_batches:
        claimed = _claim(now=timezone.now(), batch=size)
        if not claimed:
            break
        run.batches += 1
        try:
            answers = client.deliver([outbound_wire(m) for m in claimed])
        except PlatformUnavailable as error:
            refused = dict.fromkeys((m.pk for m in claimed), str(error))
            run.unavailable = True
        else:
            refused = {}
            for message in claimed:
                answer = answers.get(message.idempotency_key)
                if answer is None:
                    refused[message.pk] = "no answer for this message"
                elif answer:
                    refused[message.pk] = answer
        run.dead += _settle(claimed, refused, timezone.now())
        run.failed += len(refused)
        run.delivered += len(claimed) - len(refused)
        if run.unavailable:
            break
    return run


# --- Dead letters -----------------------------------------------------------------------------


@transaction.atomic
def outbound_retry(*, actor: User, message: OutboundMessage) -> OutboundMessage:
    """Give a dead letter another round of attempts, now. Anything else is left as it is."""
    locked = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != Status.DEAD:
        return locked
    events.dead_letter_retried_event(locked, actor)
    locked.status = Status.PENDING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["status", "attempts", "next_attempt_at"])
    transaction.on_commit(_deliver_soon)
    return locked


@transaction.atomic
def outbound_retry_all(*, actor: User) -> int:
    """Retry every dead letter (one audit event with the count); returns how many."""
    ids = list(
        OutboundMessage.objects.select_for_update()
        .filter(status=Status.DEAD)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    OutboundMessage.objects.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    events.dead_letters_retried_event(len(ids), actor)
    transaction.on_commit(_deliver_soon)
    return len(ids)
