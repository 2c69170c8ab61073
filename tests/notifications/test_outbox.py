"""The outbox: one message per idempotency key, delivered at least once, retried with backoff,
given up after the maximum, and caught up by the sweep."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from celery.app.task import Context
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from pytest_django.fixtures import Settings

from notifications import tasks
from notifications.channels import (
    ConsoleSmsBackend,
    SmsBackend,
    personal_data_scrubbed,
    phone_masked,
)
from notifications.models import OutboxMessage
from notifications.services import (
    LAST_ERROR_MAX_LENGTH,
    OUTBOX_QUEUE_LEASE,
    outbox_backoff,
    outbox_deliver,
    outbox_enqueue,
    outbox_requeue_due,
)

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
CaptureCallbacks = Callable[..., Any]


class RecordingSmsBackend(SmsBackend):
    sent: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        RecordingSmsBackend.sent.append((to, body))


class BrokenSmsBackend(SmsBackend):
    def send(self, to: str, body: str) -> None:
        raise ConnectionError("gateway unreachable")


@pytest.fixture
def recording_sms(settings: Settings) -> list[tuple[str, str]]:
    settings.SMS_BACKEND = f"{__name__}.RecordingSmsBackend"
    RecordingSmsBackend.sent = []
    return RecordingSmsBackend.sent


@pytest.fixture
def broken_sms(settings: Settings) -> None:
    settings.SMS_BACKEND = f"{__name__}.BrokenSmsBackend"


def sms_enqueue(key: str = "case:1:notice", body: str = "您的材料已收到") -> OutboxMessage:
    return outbox_enqueue(channel="sms", to=PHONE, body=body, idempotency_key=key)


def test_enqueuing_one_key_twice_keeps_one_row_and_sends_once(
    settings: Settings,
    recording_sms: list[tuple[str, str]],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = sms_enqueue()
        second = sms_enqueue(body="a different body")

    assert second.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    assert recording_sms == [(PHONE, "您的材料已收到")]
    first.refresh_from_db()
    assert first.status == OutboxMessage.Status.SENT
    assert first.attempts == 1
    assert first.sent_at is not None
    assert first.next_attempt_at is None


def test_enqueuing_an_existing_key_later_sends_nothing_more(
    recording_sms: list[tuple[str, str]],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    message = sms_enqueue()
    outbox_deliver(message_id=message.pk)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = sms_enqueue()

    assert again.pk == message.pk
    assert again.status == OutboxMessage.Status.SENT
    assert callbacks == []
    assert len(recording_sms) == 1


def test_a_key_new_by_construction_is_inserted_in_one_statement_and_sent_once(
    settings: Settings,
    recording_sms: list[tuple[str, str]],
    django_capture_on_commit_callbacks: CaptureCallbacks,
    django_assert_num_queries: Callable[..., Any],
) -> None:
    """``new``: the key names something made in this transaction (a case just opened): no
    look-up and no savepoint first (issue 14), and the same row and delivery as without."""
    settings.CELERY_TASK_ALWAYS_EAGER = True

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        django_assert_num_queries(1),
    ):
        message = outbox_enqueue(
            channel="sms", to=PHONE, body="您的申请已受理", idempotency_key="k:1", new=True
        )

    assert len(callbacks) == 1
    assert recording_sms == [(PHONE, "您的申请已受理")]
    message.refresh_from_db()
    assert (message.idempotency_key, message.status) == ("k:1", OutboxMessage.Status.SENT)
    assert message.queued_until is not None


def test_a_rolled_back_enqueue_leaves_nothing_and_schedules_nothing(
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sms_enqueue()
        raise RuntimeError("the change failed")

    assert OutboxMessage.objects.count() == 0
    assert callbacks == []


def test_an_unreachable_broker_loses_nothing_and_raises_nothing_after_the_commit(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    recording_sms: list[tuple[str, str]],
    django_capture_on_commit_callbacks: CaptureCallbacks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The request that wrote the message has saved its work when the hand-off fails: it must
    not end in an error page; the sweep queues the message when its lease has run out."""

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.outbox_deliver_task, "delay", unreachable)
    with (
        caplog.at_level(logging.WARNING, logger="notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = sms_enqueue()

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "not queued (broker unreachable)" in caplog.text
    assert outbox_requeue_due(now=timezone.now() + OUTBOX_QUEUE_LEASE / 2) == []
    monkeypatch.undo()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    later = timezone.now() + OUTBOX_QUEUE_LEASE + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_requeue_due(now=later) == [message.pk]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert recording_sms == [(PHONE, "您的材料已收到")]


def test_an_unknown_channel_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown outbox channel"):
        outbox_enqueue(channel="fax", to=PHONE, body="x", idempotency_key="k")

    assert OutboxMessage.objects.count() == 0


def test_the_console_backend_logs_the_body_and_a_masked_number(
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = sms_enqueue(body="请于3个工作日内补交材料")

    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        outbox_deliver(message_id=message.pk)

    records = [r for r in caplog.records if r.name == "notifications.sms"]
    assert len(records) == 1
    assert "请于3个工作日内补交材料" in records[0].getMessage()
    assert "138****5678" in records[0].getMessage()
    assert PHONE not in records[0].getMessage()
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_console_is_the_default_sms_backend() -> None:
    from notifications.channels import sms_backend

    assert isinstance(sms_backend(), ConsoleSmsBackend)


def test_phone_masking_keeps_the_first_three_and_last_four_digits() -> None:
    assert phone_masked("13812345678") == "138****5678"
    assert phone_masked("12345") == "*****"


def test_email_goes_through_djangos_mail_backend() -> None:
    message = outbox_enqueue(
        channel="email",
        to="applicant@example.com",
        subject="一次性告知书",
        body="请补交以下材料",
        idempotency_key="case:1:notice:email",
    )

    outbox_deliver(message_id=message.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["applicant@example.com"]
    assert mail.outbox[0].subject == "一次性告知书"
    assert mail.outbox[0].body == "请补交以下材料"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_backoff_doubles_from_one_minute_up_to_an_hour() -> None:
    minutes = [outbox_backoff(attempts=n) / timedelta(minutes=1) for n in range(1, 10)]

    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_failing_backend_records_attempts_and_backoff_then_gives_up(
    settings: Settings, broken_sms: None, frozen_time: time_machine.Traveller
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = sms_enqueue()

    first = outbox_deliver(message_id=message.pk)

    assert first.status == OutboxMessage.Status.PENDING
    assert first.attempts == 1
    assert first.last_error == "ConnectionError: gateway unreachable"
    assert first.next_attempt_at == timezone.now() + timedelta(minutes=1)
    assert first.sent_at is None

    # Not due yet: a second delivery (a duplicate task) spends no attempt.
    assert outbox_deliver(message_id=message.pk).attempts == 1

    frozen_time.shift(timedelta(minutes=1))
    second = outbox_deliver(message_id=message.pk)

    assert second.status == OutboxMessage.Status.PENDING
    assert second.attempts == 2
    assert second.next_attempt_at == timezone.now() + timedelta(minutes=2)

    frozen_time.shift(timedelta(minutes=2))
    third = outbox_deliver(message_id=message.pk)

    assert third.status == OutboxMessage.Status.FAILED
    assert third.attempts == 3
    assert third.next_attempt_at is None

    frozen_time.shift(timedelta(hours=2))
    assert outbox_deliver(message_id=message.pk).attempts == 3
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.attempts) == (OutboxMessage.Status.FAILED, 3)


def test_the_maximum_number_of_attempts_defaults_to_eight(
    settings: Settings, broken_sms: None, frozen_time: time_machine.Traveller
) -> None:
    del settings.OUTBOX_MAX_ATTEMPTS  # not set in any settings module: the default applies
    message = sms_enqueue()

    for _ in range(8):
        outbox_deliver(message_id=message.pk)
        frozen_time.shift(timedelta(hours=1))

    message.refresh_from_db()
    assert message.attempts == 8
    assert message.status == OutboxMessage.Status.FAILED


def test_a_message_that_fails_once_is_sent_on_the_next_attempt(
    settings: Settings, broken_sms: None, frozen_time: time_machine.Traveller
) -> None:
    message = sms_enqueue()
    outbox_deliver(message_id=message.pk)

    settings.SMS_BACKEND = f"{__name__}.RecordingSmsBackend"
    RecordingSmsBackend.sent = []
    frozen_time.shift(timedelta(minutes=1))
    sent = outbox_deliver(message_id=message.pk)

    assert sent.status == OutboxMessage.Status.SENT
    assert sent.attempts == 2
    assert sent.last_error == "ConnectionError: gateway unreachable"
    assert RecordingSmsBackend.sent == [(PHONE, "您的材料已收到")]


def test_delivering_an_already_sent_message_does_nothing(
    recording_sms: list[tuple[str, str]],
) -> None:
    message = sms_enqueue()
    sent = outbox_deliver(message_id=message.pk)

    again = outbox_deliver(message_id=message.pk)

    assert again.status == OutboxMessage.Status.SENT
    assert again.attempts == 1
    assert again.sent_at == sent.sent_at
    assert len(recording_sms) == 1


def test_the_task_delivers_and_reports_the_status(recording_sms: list[tuple[str, str]]) -> None:
    message = sms_enqueue()

    assert tasks.outbox_deliver_task.apply(args=(message.pk,)).get() == "sent"
    assert tasks.outbox_deliver_task.apply(args=(message.pk,)).get() == "sent"
    assert len(recording_sms) == 1


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The messages whose delivery task was handed to the broker (no broker, no worker)."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.outbox_deliver_task, "delay", ids.append)
    return ids


def test_the_sweep_queues_only_pending_messages_that_are_due(
    frozen_time: time_machine.Traveller,
    queued: list[int],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    now = timezone.now()
    due = sms_enqueue("due")
    overdue = sms_enqueue("overdue")
    not_yet = sms_enqueue("not-yet")
    sent = sms_enqueue("sent")
    failed = sms_enqueue("failed")
    # Every task was lost long ago: only the due ones come back.
    OutboxMessage.objects.update(queued_until=now - timedelta(hours=1))
    OutboxMessage.objects.filter(pk=due.pk).update(next_attempt_at=now)
    OutboxMessage.objects.filter(pk=overdue.pk).update(next_attempt_at=now - timedelta(hours=1))
    OutboxMessage.objects.filter(pk=not_yet.pk).update(next_attempt_at=now + timedelta(seconds=1))
    OutboxMessage.objects.filter(pk=sent.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=now, next_attempt_at=now - timedelta(hours=1)
    )
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxMessage.Status.FAILED, next_attempt_at=now - timedelta(hours=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_sweep_task() == 2
    assert queued == [overdue.pk, due.pk]


def test_the_sweep_catches_up_with_a_message_whose_task_was_lost(
    settings: Settings,
    recording_sms: list[tuple[str, str]],
    frozen_time: time_machine.Traveller,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):  # the worker never ran the task
        message = sms_enqueue()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    frozen_time.shift(OUTBOX_QUEUE_LEASE)  # its lease ran out: the task is presumed lost

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_sweep_task() == 1

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert recording_sms == [(PHONE, "您的材料已收到")]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_sweep_task() == 0


def test_a_message_whose_task_is_on_its_way_is_not_queued_again(
    frozen_time: time_machine.Traveller,
    queued: list[int],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_enqueue()
    assert queued == [message.pk]
    assert message.queued_until == timezone.now() + OUTBOX_QUEUE_LEASE

    # Every minute a sweep: while the lease runs, the task waiting in the queue is enough.
    frozen_time.shift(OUTBOX_QUEUE_LEASE - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_sweep_task() == 0
    assert queued == [message.pk]

    # Run out: presumed lost, queued once more under a new lease, and not again at once.
    frozen_time.shift(timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox_sweep_task() == 1
        assert tasks.outbox_sweep_task() == 0
    assert queued == [message.pk, message.pk]
    message.refresh_from_db()
    assert message.queued_until == timezone.now() + OUTBOX_QUEUE_LEASE


def test_a_failed_attempt_keeps_the_sweep_off_until_its_retry_is_overdue(
    broken_sms: None,
    frozen_time: time_machine.Traveller,
    queued: list[int],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    message = sms_enqueue()
    failed = outbox_deliver(message_id=message.pk)  # the task will retry itself in a minute
    retry_at = timezone.now() + timedelta(minutes=1)
    assert failed.next_attempt_at == retry_at
    assert failed.queued_until == retry_at + OUTBOX_QUEUE_LEASE

    frozen_time.move_to(retry_at + OUTBOX_QUEUE_LEASE - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_requeue_due() == []
    frozen_time.move_to(retry_at + OUTBOX_QUEUE_LEASE)  # the retry was lost
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_requeue_due() == [message.pk]
    assert queued == [message.pk]


def test_the_sweep_claims_in_batches_and_queues_each_message_once(
    frozen_time: time_machine.Traveller,
    queued: list[int],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    messages = [sms_enqueue(f"case:{n}:notice") for n in range(5)]
    frozen_time.shift(OUTBOX_QUEUE_LEASE)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_requeue_due(batch=2) == [message.pk for message in messages]

    assert queued == [message.pk for message in messages]


# --- No mobile kept after sending (PIPL) ----------------------------------------------------------


def test_a_sent_text_message_keeps_only_a_masked_mobile(
    recording_sms: list[tuple[str, str]],
) -> None:
    message = sms_enqueue()

    sent = outbox_deliver(message_id=message.pk)

    assert recording_sms == [(PHONE, "您的材料已收到")]
    assert sent.status == OutboxMessage.Status.SENT
    assert OutboxMessage.objects.get(pk=message.pk).to == "138****5678"
    assert not OutboxMessage.objects.filter(to__contains=PHONE).exists()


def test_a_message_given_up_keeps_only_a_masked_address(
    settings: Settings, broken_sms: None
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = sms_enqueue()
    email = outbox_enqueue(
        channel="email", to="zhang.wei@example.com", body="x", idempotency_key="mail"
    )
    settings.EMAIL_BACKEND = "no.such.Backend"  # the e-mail fails too

    outbox_deliver(message_id=message.pk)
    outbox_deliver(message_id=email.pk)

    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.to) == (OutboxMessage.Status.FAILED, "138****5678")
    stored = OutboxMessage.objects.get(pk=email.pk)
    assert (stored.status, stored.to) == (OutboxMessage.Status.FAILED, "z***@example.com")


def test_a_pending_message_keeps_the_full_address_until_it_is_sent(broken_sms: None) -> None:
    message = sms_enqueue()

    outbox_deliver(message_id=message.pk)  # failed once, to be tried again

    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.to) == (OutboxMessage.Status.PENDING, PHONE)


def test_the_migration_masks_the_addresses_of_messages_already_settled() -> None:
    from django.apps import apps

    migration = importlib.import_module(
        "notifications.migrations.0003_outbox_queue_lease_and_masked_address"
    )
    sms_enqueue("pending")
    sent = sms_enqueue("sent")
    mail_sent = outbox_enqueue(
        channel="email", to="zhang.wei@example.com", body="x", idempotency_key="mail"
    )
    OutboxMessage.objects.filter(pk__in=[sent.pk, mail_sent.pk]).update(
        status=OutboxMessage.Status.SENT
    )

    migration.mask_settled_addresses(apps, None)

    addresses = dict(OutboxMessage.objects.values_list("idempotency_key", "to"))
    assert addresses == {"pending": PHONE, "sent": "138****5678", "mail": "z***@example.com"}


def test_the_sweep_runs_every_minute(settings: Settings) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-outbox-sweep"]

    assert entry["task"] == "notifications.tasks.outbox_sweep_task"
    assert entry["schedule"] == timedelta(minutes=1)


class RetryRequested(Exception):
    pass


@pytest.fixture
def in_a_worker(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the delivery task as a worker would (not eagerly), recording its retry requests."""
    countdowns: list[float] = []

    def retry(*, countdown: float) -> RetryRequested:
        countdowns.append(countdown)
        return RetryRequested()

    monkeypatch.setattr(tasks.outbox_deliver_task, "retry", retry)
    tasks.outbox_deliver_task.request_stack.push(Context(called_directly=False, is_eager=False))
    yield countdowns
    tasks.outbox_deliver_task.pop_request()


def test_after_a_failure_the_worker_retries_when_the_message_is_due_again(
    broken_sms: None, frozen_time: time_machine.Traveller, in_a_worker: list[float]
) -> None:
    message = sms_enqueue()

    with pytest.raises(RetryRequested):
        tasks.outbox_deliver_task.run(message.pk)

    assert in_a_worker == [60]


def test_a_duplicate_task_that_finds_nothing_due_does_not_retry(
    broken_sms: None, frozen_time: time_machine.Traveller, in_a_worker: list[float]
) -> None:
    message = sms_enqueue()
    outbox_deliver(message_id=message.pk)  # another worker's failed attempt

    assert tasks.outbox_deliver_task.run(message.pk) == "pending"
    assert in_a_worker == []
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1


def test_a_sweep_that_waited_past_the_next_one_expires_unrun(settings: Settings) -> None:
    """After an outage the workers do not run an hour of queued sweeps one after another."""
    for name in ("notifications-outbox-sweep", "sla-sweep"):
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        schedule = entry["schedule"]
        interval = schedule.total_seconds() if isinstance(schedule, timedelta) else schedule
        assert 0 < entry["options"]["expires"] < interval


# --- No address kept in an error text (PIPL) -----------------------------------------------------

GATEWAY_ERROR = (
    "rejected: mobile 13812345678 (also +86 139-1234-5678, 159 8765 4321) is blocked; "
    "id card 45010219900101123X; reply to zhang.wei@example.com; request 2026120312000000001"
)
SCRUBBED_ERROR = (
    "rejected: mobile [mobile] (also [mobile], [mobile]) is blocked; "
    "id card [ID number]; reply to [e-mail]; request 2026120312000000001"
)


class ChattySmsBackend(SmsBackend):
    """A gateway that echoes personal data in its error text."""

    def send(self, to: str, body: str) -> None:
        raise ValueError(GATEWAY_ERROR.replace("13812345678", to))


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (GATEWAY_ERROR, SCRUBBED_ERROR),
        ("to=8613812345678&tpl=7", "to=[mobile]&tpl=7"),
        ("old card 450102900101123.", "old card [ID number]."),
        ("grouped 450102 19900101 1234", "grouped [ID number]"),
        ("张三 <zhang@例子.中国>", "张三 <[e-mail]>"),
        ("ConnectionError: gateway unreachable", "ConnectionError: gateway unreachable"),
        ("timestamp 1733212800123 code 1381234567", "timestamp 1733212800123 code 1381234567"),
    ],
)
def test_personal_data_is_scrubbed_from_error_text(text: str, scrubbed: str) -> None:
    assert personal_data_scrubbed(text) == scrubbed


def test_a_gateway_error_naming_the_mobile_is_stored_and_logged_without_it(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SMS_BACKEND = f"{__name__}.ChattySmsBackend"
    message = sms_enqueue()

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        failed = outbox_deliver(message_id=message.pk)

    stored = OutboxMessage.objects.get(pk=message.pk)
    assert failed.status == stored.status == OutboxMessage.Status.PENDING
    assert stored.last_error == f"ValueError: {SCRUBBED_ERROR}"
    assert stored.to == PHONE  # still needed for the next attempt
    for leaked in ("13812345678", "1234-5678", "8765 4321", "45010219900101123X", "zhang.wei@"):
        assert leaked not in stored.last_error
        assert leaked not in caplog.text
    assert "[mobile]" in caplog.text


class LongErrorSmsBackend(SmsBackend):
    """A gateway whose long error text ends in the mobile, across the length the outbox keeps."""

    def send(self, to: str, body: str) -> None:
        raise ValueError("x" * (LAST_ERROR_MAX_LENGTH - len("ValueError: ") - 5) + to)


def test_an_error_is_scrubbed_before_it_is_cut_to_length(settings: Settings) -> None:
    settings.SMS_BACKEND = f"{__name__}.LongErrorSmsBackend"
    message = sms_enqueue()

    outbox_deliver(message_id=message.pk)

    stored = OutboxMessage.objects.get(pk=message.pk)
    assert len(stored.last_error) == LAST_ERROR_MAX_LENGTH
    assert stored.last_error.endswith("xxx[mobi")  # cut after scrubbing: no digit of it kept
    assert "13812" not in stored.last_error


def test_the_migration_scrubs_the_error_texts_already_stored() -> None:
    from django.apps import apps

    migration = importlib.import_module(
        "notifications.migrations.0004_scrub_personal_data_from_last_error"
    )
    sms_enqueue("chatty")
    sms_enqueue("plain")
    OutboxMessage.objects.filter(idempotency_key="chatty").update(last_error=GATEWAY_ERROR)
    OutboxMessage.objects.filter(idempotency_key="plain").update(last_error="TimeoutError: 30 s")

    migration.scrub_last_errors(apps, None)

    errors = dict(OutboxMessage.objects.values_list("idempotency_key", "last_error"))
    assert errors == {"chatty": SCRUBBED_ERROR, "plain": "TimeoutError: 30 s"}
