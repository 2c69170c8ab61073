"""The nightly Celery task: a broken chain alerts the audit administrators, once a day."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import time_machine
from audit_support import forged_event, market_make, row_insert_raw, rows, user_make
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from accounts.models import User
from audit.selectors import chain_verify
from audit.services import event_record
from audit.tasks import verify_audit_chains
from markets.models import Market, Role

pytestmark = pytest.mark.django_db
CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def auditor() -> User:
    return user_make("auditor", email="auditor@example.gov.cn", role=Role.AUDIT_ADMIN)


@pytest.fixture
def broken_market(auditor: User) -> Market:
    """A market chain with a forged third row, and an officer there with an e-mail address."""
    market = market_make()
    user_make("officer", email="officer@example.gov.cn", role=Role.OFFICER, market=market)
    last = event_record(action="test.e", market=market)
    row_insert_raw(forged_event(after=last, valid_hash=False))
    return market


def run_check(capture: CaptureOnCommit) -> int:
    with capture(execute=True):
        return verify_audit_chains.apply().get()


def test_a_broken_chain_mails_the_audit_administrator_and_records_chain_broken(
    broken_market: Market,
    auditor: User,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    assert run_check(django_capture_on_commit_callbacks) == 1

    [message] = mail.outbox
    assert message.to == ["auditor@example.gov.cn"]
    # The mail is in the interface's default language, Chinese; the diagnosis itself is the
    # verifier's (English, as verify_audit prints it).
    assert f"market:{broken_market.pk}" in message.subject
    assert "审计日志完整性校验未通过" in message.subject
    assert "序号 3" in message.body
    assert "altered or forged" in message.body
    [event] = rows("audit.chain_broken")
    assert (event.chain, event.success, event.actor) == ("global", False, None)
    assert event.new_values["chain"] == f"market:{broken_market.pk}"
    assert event.new_values["sequence"] == 3
    assert chain_verify(chain="global").ok


def test_a_second_run_the_same_day_adds_nothing_but_the_next_night_reports_again(
    broken_market: Market, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with time_machine.travel("2026-03-02 02:30 +0800", tick=False) as traveller:
        run_check(django_capture_on_commit_callbacks)
        traveller.shift(3600)
        run_check(django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 1
        assert len(rows("audit.chain_broken")) == 1

        traveller.shift(24 * 3600)
        run_check(django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    assert len(rows("audit.chain_broken")) == 2


def test_a_forged_row_blocking_the_global_chain_still_raises_the_alarm(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    last = event_record(action="test.e")
    row_insert_raw(forged_event(after=last, valid_hash=True))  # takes the next global sequence

    assert run_check(django_capture_on_commit_callbacks) == 1

    [message] = mail.outbox
    assert message.subject.endswith("global")
    assert "beyond the chain head" in message.body
    assert not rows("audit.chain_broken")  # the global chain cannot take another row


def test_inactive_audit_administrators_are_not_mailed(
    broken_market: Market, auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    auditor.is_active = False
    auditor.save()

    run_check(django_capture_on_commit_callbacks)

    assert mail.outbox == []
    assert len(rows("audit.chain_broken")) == 1  # recorded all the same


def test_a_clean_log_sends_nothing(
    auditor: User, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    event_record(action="test.e", market=market_make())

    assert run_check(django_capture_on_commit_callbacks) == 0

    assert mail.outbox == []
    assert not rows("audit.chain_broken")


def test_the_check_is_scheduled_nightly_at_half_past_two_shanghai_time() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["audit-verify-chains"]

    assert entry["task"] == verify_audit_chains.name
    assert entry["schedule"] == crontab(hour=2, minute=30)
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
