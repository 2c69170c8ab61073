"""Telling people things: in-app notifications and the outbox of text messages and e-mail.

Callers (the case engine, the SLA sweep's hooks) write a message in the transaction of the
change it reports; delivery happens after commit, at least once, and each idempotency key is
sent at most once as long as the send itself succeeds and its recording commits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import KombuError

from accounts.models import User

from .channels import (
    address_is_reference,
    address_resolve,
    email_masked,
    email_send,
    personal_data_scrubbed,
    phone_masked,
    sms_backend,
)
from .messages import default_language, message_registered, message_render_in
from .models import Notification, OutboxMessage
from .selectors import outbox_list_due

logger = logging.getLogger(__name__)

DEFAULT_OUTBOX_MAX_ATTEMPTS = 8
BACKOFF_MAX_MINUTES = 60
LAST_ERROR_MAX_LENGTH = 2000

# The lease of a delivery task handed to the broker. While it runs, the sweep leaves the message
# alone (the task is on its way: queuing another only lengthens the queue, which is how a
# restarted worker once faced ten times its backlog). Once it has run out, the task is presumed
# lost (a worker killed while holding it, a broker that dropped it) and the sweep queues another.
# The sweep runs every minute (CELERY_BEAT_SCHEDULE), so a lost task is replaced at most
# lease + one minute = two minutes after it was queued: within two minutes of a restart. A task
# that merely waited longer than the lease in a long queue costs one duplicate, which finds the
# message sent and does nothing; with one FIFO queue the sweep itself waits behind the tasks it
# queued a minute earlier, so that is rare.
OUTBOX_QUEUE_LEASE = timedelta(seconds=60)
OUTBOX_SWEEP_BATCH = 500


# --- In-app notifications (the bell) -------------------------------------------------------------


def notification_send(
    *,
    recipient: User,
    message: str = "",
    params: Mapping[str, Any] | None = None,
    text: str = "",
    link: str = "",
    key: str = "",
) -> Notification:
    """Put one notification (站内通知) in ``recipient``'s bell.

    What it says is ``message``, a key registered in ``notifications.messages``, with its
    ``params`` (JSON: strings and numbers): it is rendered in the reader's language whenever
    it is shown, whatever language was active when it was sent (a worker's is Chinese). Its
    rendering in the default language is stored too (``text``), shown should the message
    ever be unregistered. A bare ``text`` (no message) is shown as it is, in every language:
    only for text that is no one language (producers use messages).

    ``link`` is a path on this site (``/cases/123/``), never another site's address. With a
    ``key``, sending again (a retried task) returns the notification already sent."""
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"a notification links to a path on this site, not {link!r}")
    values = dict(params or {})
    if message:
        if not message_registered(message):
            raise ValueError(f"unknown notification message {message!r}")
        json.dumps(values)  # raises for what the row could not store
        text = message_render_in(default_language(), message, values, fallback="")
        if not text:
            raise ValueError(f"the parameters do not fit the notification message {message!r}")
        text = text[: Notification._meta.get_field("text").max_length]
    elif values:
        raise ValueError("parameters need a message")
    if not text:
        raise ValueError("a notification needs a message (or a text)")
    if key:
        existing = Notification.objects.filter(key=key).first()
        if existing is not None:
            return existing
    notification = Notification(
        recipient=recipient, message=message, params=values, text=text, link=link, key=key
    )
    notification.full_clean()
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        if not key:
            raise
        return Notification.objects.get(key=key)
    return notification


def notification_mark_read(*, recipient: User, notification_id: int) -> None:
    """Mark one of ``recipient``'s own notifications read; reading it again changes nothing.

    Raises ``Notification.DoesNotExist`` for an id that is not ``recipient``'s.
    """
    notification = Notification.objects.get(pk=notification_id, recipient=recipient)
    if notification.read_at is not None:
        return
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])


# --- The outbox ---------------------------------------------------------------------------------


def outbox_max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", DEFAULT_OUTBOX_MAX_ATTEMPTS))


def outbox_backoff(*, attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most 60."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), BACKOFF_MAX_MINUTES))


def outbox_enqueue(
    *,
    channel: str,
    to: str,
    body: str,
    idempotency_key: str,
    subject: str = "",
    new: bool = False,
) -> OutboxMessage:
    """Queue one message under ``idempotency_key`` and return it.

    Enqueuing a key again returns the existing row as it is (whatever its content) and sends
    nothing more. Call it inside the transaction of the change the message reports: delivery is
    scheduled when that transaction commits, and only for a newly created row.

    ``new``: the key names something created in the caller's transaction (a case just opened),
    so no row can hold it yet and no one else can be enqueuing it: the row is inserted at once,
    without looking for it first or a savepoint (an intake's statements, issue 14).
    """
    if channel not in OutboxMessage.Channel.values:
        raise ValueError(f"unknown outbox channel {channel!r}")
    if not idempotency_key:
        raise ValueError("an outbox message needs an idempotency key")
    values = {
        "channel": channel,
        "to": to,
        "subject": subject,
        "body": body,
        "idempotency_key": idempotency_key,
    }
    if new:
        message = OutboxMessage.objects.create(
            **values, queued_until=timezone.now() + OUTBOX_QUEUE_LEASE
        )
        transaction.on_commit(partial(_deliver_later, message.pk))
        return message
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        # A savepoint: losing the race to a concurrent enqueue of the same key must not break
        # the caller's transaction.
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                **values, queued_until=timezone.now() + OUTBOX_QUEUE_LEASE
            )
    except IntegrityError:
        return OutboxMessage.objects.get(idempotency_key=idempotency_key)

    transaction.on_commit(partial(_deliver_later, message.pk))
    return message


def _deliver_later(message_id: int) -> None:
    """Hand the message to a worker once its transaction has committed. A broker that cannot be
    reached must not turn the request that wrote the message into an error page after its work
    is saved: the message stays pending under its lease, and the sweep queues it when the
    lease has run out."""
    from .tasks import outbox_deliver_task  # the tasks module imports this one

    try:
        outbox_deliver_task.delay(message_id)
    except (KombuError, OSError):
        logger.warning(
            "outbox message %s not queued (broker unreachable); the sweep queues it after %s",
            message_id,
            OUTBOX_QUEUE_LEASE,
            exc_info=True,
        )


def outbox_requeue_due(
    *, now: datetime | None = None, batch: int = OUTBOX_SWEEP_BATCH
) -> list[int]:
    """The sweep: hand to the workers every pending message that is due and whose delivery
    task is presumed lost (its lease ran out), each under a new lease; returns their ids.

    The rows are claimed under a lock (skipping those another sweep or a sending worker holds)
    and the tasks sent after the commit, so a sweep killed half-way leaves leases that run out
    and a later sweep finishes the job.
    """
    moment = now or timezone.now()
    queued: list[int] = []
    while True:
        with transaction.atomic():
            ids = list(
                outbox_list_due(now=moment)
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)[:batch]
            )
            OutboxMessage.objects.filter(pk__in=ids).update(
                queued_until=moment + OUTBOX_QUEUE_LEASE
            )
            for message_id in ids:
                transaction.on_commit(partial(_deliver_later, message_id))
        queued.extend(ids)
        if len(ids) < batch:
            return queued


def outbox_address_masked(message: OutboxMessage) -> str:
    """What stays of the address once a message is settled: enough to tell messages apart.
    A reference to an address kept elsewhere (``channels.address_resolve``) stays as it is."""
    if address_is_reference(message.to):
        return message.to
    if message.channel == OutboxMessage.Channel.EMAIL:
        return email_masked(message.to)
    return phone_masked(message.to)


@dataclass(frozen=True)
class DeliveryAttempt:
    """What one call of ``outbox_attempt`` did: ``attempted`` is False when there was nothing to
    do (already sent or failed, or another attempt made it not due yet)."""

    message: OutboxMessage
    attempted: bool


class AddressGone(Exception):
    """The address a message refers to is no longer kept (removed, anonymised): the message
    is given up at once."""


def _send(message: OutboxMessage) -> None:
    to = address_resolve(message.to)
    if not to:
        raise AddressGone(f"no address is kept for {message.to}")
    if message.channel == OutboxMessage.Channel.SMS:
        sms_backend().send(to, message.body)
    elif message.channel == OutboxMessage.Channel.EMAIL:
        email_send(to=to, subject=message.subject, body=message.body)
    else:
        raise ValueError(f"unknown outbox channel {message.channel!r}")


def outbox_attempt(*, message_id: int) -> DeliveryAttempt:
    """Try to send one pending, due message, and record the outcome.

    The row stays locked while the channel sends, so two workers never send it at once. A
    message that is already sent or failed, or not yet due (another worker tried it a moment
    ago), is left alone. On failure the attempt is counted, the error kept and the next attempt
    put off (``outbox_backoff``); after ``settings.OUTBOX_MAX_ATTEMPTS`` attempts the message
    is marked failed and never tried again.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        now = timezone.now()
        if message.status != OutboxMessage.Status.PENDING:
            return DeliveryAttempt(message=message, attempted=False)
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return DeliveryAttempt(message=message, attempted=False)

        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:
            # Scrubbed before it is cut, so no address is left half-masked at the cut.
            message.last_error = personal_data_scrubbed(f"{type(exc).__name__}: {exc}")[
                :LAST_ERROR_MAX_LENGTH
            ]
            if message.attempts >= outbox_max_attempts() or isinstance(exc, AddressGone):
                message.status = OutboxMessage.Status.FAILED
                message.next_attempt_at = None
                message.to = outbox_address_masked(message)
            else:
                message.next_attempt_at = now + outbox_backoff(attempts=message.attempts)
                # The task retries itself then (outbox_deliver_task); the sweep steps in only
                # if that retry is lost.
                message.queued_until = message.next_attempt_at + OUTBOX_QUEUE_LEASE
            logger.warning(
                "outbox message %s (%s) failed on attempt %s: %s",
                message.pk,
                message.channel,
                message.attempts,
                message.last_error,
            )
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.to = outbox_address_masked(message)
        message.save(
            update_fields=[
                "to",
                "attempts",
                "last_error",
                "status",
                "sent_at",
                "next_attempt_at",
                "queued_until",
            ]
        )
        return DeliveryAttempt(message=message, attempted=True)


def outbox_deliver(*, message_id: int) -> OutboxMessage:
    """Send one message if it is pending and due; idempotent. See ``outbox_attempt``."""
    return outbox_attempt(message_id=message_id).message
