"""Loaded into a real worker by ``test_worker_crash.py`` (``celery worker -I crash_trap``).

- Text messages and e-mail are written, one line each, to files in ``LGSC_CRASH_TRAP_DIR``:
  the test counts what really went out, across the worker's deaths.
- A trap in each sweep: the ``LGSC_CRASH_TRAP_AFTER``-th delivery task a sweep hands to the
  broker (after the sweep committed its leases) stops the worker there, as if it hung, and
  leaves a file ``<sweep>.trapped`` for the test to kill it with ``kill -9``. Each trap fires
  once: a restarted worker finds its file and goes on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

import notifications.services
import sla.services
from notifications.channels import SmsBackend

TRAP_DIR = Path(os.environ["LGSC_CRASH_TRAP_DIR"])
TRAP_AFTER = int(os.environ["LGSC_CRASH_TRAP_AFTER"])


class FileSmsBackend(SmsBackend):
    def send(self, to: str, body: str) -> None:
        with (TRAP_DIR / "sms.log").open("a", encoding="utf-8") as log:
            log.write(f"{to}\t{body}\n")


class FileEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        with (TRAP_DIR / "mail.log").open("a", encoding="utf-8") as log:
            for message in email_messages:
                log.write(f"{','.join(message.to)}\t{message.subject}\n")
        return len(email_messages)


def _trapped(name: str, send: Callable[[int], None]) -> Callable[[int], None]:
    calls = 0

    def send_or_hang(item_id: int) -> None:
        nonlocal calls
        calls += 1
        if calls == TRAP_AFTER:
            try:
                (TRAP_DIR / f"{name}.trapped").touch(exist_ok=False)
            except FileExistsError:
                pass  # fired already, before this worker's restart
            else:
                time.sleep(3600)  # until the test kills the worker
        send(item_id)

    return send_or_hang


settings.SMS_BACKEND = f"{__name__}.FileSmsBackend"
settings.EMAIL_BACKEND = f"{__name__}.FileEmailBackend"
notifications.services._deliver_later = _trapped("outbox", notifications.services._deliver_later)  # type: ignore[assignment]
sla.services._deliver_later = _trapped("sla", sla.services._deliver_later)  # type: ignore[assignment]
