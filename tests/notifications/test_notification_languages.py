"""Notifications in the reader's language (issue 13, item 19).

A notification stores a registered message and its parameters and is rendered when it is shown:
a reminder the SLA sweep made in a worker (Chinese) reads in English for a member of staff who
switched to English, and in Chinese otherwise. Rows written before messages had keys show their
stored text. What leaves the system is in a fixed language: e-mails to staff in Chinese (no
member of staff has a stored language), text messages to applicants in Chinese.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from conftest import TOTP_KEYS, add_totp_device, case_make
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from audit.notification_messages import (
    AUDIT_ANCHORED,
    AUDIT_ANCHORING_FAILED,
    AUDIT_ANCHORING_OVERDUE,
)
from audit.services import ANCHORING_FAILED, anchoring_failed_alert
from cases.models import Case, ChecklistItem
from cases.notification_messages import (
    CASE_DUE_SOON,
    CASE_ESCALATED,
    CASE_OVERDUE,
    CASE_REASSIGNED,
    CASE_RECEIVED_SMS,
    CASE_RECEIVED_SMS_NO_LIMIT,
    CASE_RESOLVED_SMS,
    CASE_RESOLVED_SMS_RATE,
    CASE_TRANSFER_ACCEPTED,
    CASE_TRANSFER_DECLINED,
    CASE_TRANSFERRED,
    COVERING,
)
from cases.services import (
    case_reassign,
    case_request_materials,
    case_transfer,
    case_transfer_accept,
    case_transfer_decline,
)
from markets.models import Market, Role
from notifications.messages import (
    message_keys,
    message_register,
    message_render_in,
    message_source,
)
from notifications.models import Notification, OutboxMessage
from notifications.services import notification_send
from sla.models import Level, Reminder
from sla.notification_messages import CALENDAR_YEAR_ESTIMATED
from sla.services import reminder_deliver, sla_sweep

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sla"))
from sla_support import at, deadline_of, second_officer

pytestmark = pytest.mark.django_db

ZH, EN = "zh-hans", "en"
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
WARN_AT = at(2026, 3, 6, 11, 52, 30)  # see tests/sla/test_sweep.py
SUBJECT = "灵活就业社保补贴政策咨询"

OnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

# Every message a producer sends (cases, SLA, audit); the applicant's text messages too.
PRODUCER_MESSAGES = {
    CASE_RECEIVED_SMS,
    CASE_RECEIVED_SMS_NO_LIMIT,
    CASE_RESOLVED_SMS,
    CASE_RESOLVED_SMS_RATE,
    CASE_TRANSFERRED,
    CASE_TRANSFER_ACCEPTED,
    CASE_TRANSFER_DECLINED,
    CASE_REASSIGNED,
    CASE_DUE_SOON,
    CASE_OVERDUE,
    CASE_ESCALATED,
    CALENDAR_YEAR_ESTIMATED,
    AUDIT_ANCHORED,
    AUDIT_ANCHORING_FAILED,
    AUDIT_ANCHORING_OVERDUE,
    # Absence cover (AB岗): the same case messages, worded for the deputy.
    *COVERING.values(),
}


@pytest.fixture
def owner(nanning_market: Market) -> User:
    user = second_officer(nanning_market)
    add_totp_device(user, TOTP_KEYS[Role.OFFICER])
    user.email = "owner@example.com"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def case(officer: User, owner: User, team_lead: User, frozen_time: time_machine.Traveller) -> Case:
    frozen_time.move_to(at(2026, 3, 2, 9))
    opened: Case = case_make(officer)
    frozen_time.move_to(at(2026, 3, 2, 9, 5))
    return case_reassign(actor=team_lead, case=opened, to_user=owner)


@pytest.fixture
def no_delivery() -> Iterator[None]:
    """The outbox keeps what is enqueued; nothing is handed to a worker."""
    with mock.patch("notifications.services._deliver_later"):
        yield


def _bell_page(client: Client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("backoffice:notifications"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_reminder_made_by_the_sweep_in_chinese_reads_in_the_readers_language(
    case: Case,
    owner: User,
    frozen_time: time_machine.Traveller,
    verified_client: Callable[[User], Client],
    no_delivery: None,
) -> None:
    deadline = deadline_of(case)
    frozen_time.move_to(WARN_AT)
    with translation.override(ZH):  # the worker's language
        assert sla_sweep() == 1
        reminder = Reminder.objects.get(deadline=deadline, level=Level.WARNING)
        assert reminder_deliver(reminder_id=reminder.pk)

    [notification] = Notification.objects.filter(recipient=owner)
    assert notification.message == CASE_DUE_SOON
    assert notification.params == {
        "reference": case.reference,
        "subject": SUBJECT,
        "due": "2026-03-09 17:30",
    }
    english = f"Case {case.reference} ({SUBJECT}) is due at 2026-03-09 17:30."
    chinese = f"案件 {case.reference}（{SUBJECT}）将于 2026-03-09 17:30 到期。"
    assert notification.text == chinese  # the fallback, in the default language

    client = verified_client(owner)
    page = _bell_page(client, EN)
    assert english in page
    assert chinese not in page
    page = _bell_page(client, ZH)
    assert chinese in page
    assert english not in page

    # The e-mail to the owner is Chinese: no member of staff has a stored language.
    mail = OutboxMessage.objects.get(idempotency_key=notification.key)
    assert (mail.subject, mail.body) == (chinese, chinese)


def test_a_reminder_delivered_while_english_is_active_still_mails_in_chinese(
    case: Case, owner: User, frozen_time: time_machine.Traveller, no_delivery: None
) -> None:
    frozen_time.move_to(WARN_AT)
    with translation.override(EN):
        sla_sweep()
        reminder_deliver(reminder_id=Reminder.objects.get().pk)

    notification = Notification.objects.get(recipient=owner)
    mail = OutboxMessage.objects.get(idempotency_key=notification.key)
    assert mail.body == f"案件 {case.reference}（{SUBJECT}）将于 2026-03-09 17:30 到期。"
    assert notification.text == mail.body
    with translation.override(EN):
        assert notification.display_text.startswith(f"Case {case.reference} ({SUBJECT})")


def test_a_reassignment_made_in_chinese_reads_in_english(
    officer: User, owner: User, team_lead: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    opened = case_make(officer)
    with translation.override(ZH), django_capture_on_commit_callbacks(execute=True):
        case_reassign(actor=team_lead, case=opened, to_user=owner)

    notification = Notification.objects.get(recipient=owner)
    assert (notification.message, notification.params) == (
        CASE_REASSIGNED,
        {"reference": opened.reference},
    )
    assert notification.link == f"/cases/{opened.pk}/"
    with translation.override(EN):
        assert notification.display_text == f"Case {opened.reference} has been assigned to you."
    with translation.override(ZH):
        assert notification.display_text == f"案件 {opened.reference} 已指派给您。"


def test_a_transfer_and_its_answers_read_in_the_readers_language(
    officer: User, owner: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    case = case_make(officer)
    with translation.override(ZH):
        with django_capture_on_commit_callbacks(execute=True):
            transfer = case_transfer(
                actor=officer, case=case, to_market=case.market, to_user=owner, reason="申请人要求"
            )
        with django_capture_on_commit_callbacks(execute=True):
            case_transfer_decline(actor=owner, transfer=transfer, reason="不属于本岗位")
        with django_capture_on_commit_callbacks(execute=True):
            again = case_transfer(
                actor=officer, case=case, to_market=case.market, to_user=owner, reason="再次转交"
            )
        with django_capture_on_commit_callbacks(execute=True):
            case_transfer_accept(actor=owner, transfer=again)

    ref = case.reference
    to_owner = Notification.objects.filter(recipient=owner).order_by("pk")
    to_officer = Notification.objects.filter(recipient=officer).order_by("pk")
    assert [n.message for n in to_owner] == [CASE_TRANSFERRED, CASE_TRANSFERRED]
    assert [n.message for n in to_officer] == [CASE_TRANSFER_DECLINED, CASE_TRANSFER_ACCEPTED]
    with translation.override(EN):
        assert to_owner[0].display_text == f"Case {ref} has been transferred to you: {SUBJECT}"
        assert [n.display_text for n in to_officer] == [
            f"The transfer of case {ref} was declined: 不属于本岗位",
            f"Case {ref} was accepted by {owner}.",
        ]
    with translation.override(ZH):
        assert all(CJK.search(n.display_text.replace(SUBJECT, "")) for n in to_owner)
        assert [n.display_text for n in to_officer] == [n.text for n in to_officer]


def test_an_anchoring_failure_told_in_the_bell_reads_in_both_languages(
    audit_admin: User, no_delivery: None
) -> None:
    audit_admin.email = "auditor@example.com"
    audit_admin.save(update_fields=["email"])
    with translation.override(EN):  # raised from a page in English
        event = anchoring_failed_alert(error="disk full")

    assert event.action == ANCHORING_FAILED
    # The e-mail is Chinese (no stored language for staff); the bell follows the reader.
    mail = OutboxMessage.objects.get(to="auditor@example.com")
    assert mail.subject == "审计日志锚定失败"
    assert "disk full" in mail.body and CJK.search(mail.body)

    notification = Notification.objects.get(recipient=audit_admin)
    assert notification.message == AUDIT_ANCHORING_FAILED
    assert notification.params["error"] == "disk full"
    path = notification.params["path"]
    with translation.override(EN):
        assert notification.display_text == (
            f"The audit log could not be anchored in {path}: disk full"
        )
    with translation.override(ZH):
        assert CJK.search(notification.display_text)
        assert path in notification.display_text
    assert notification.text == message_render_in(ZH, AUDIT_ANCHORING_FAILED, notification.params)


def _sample_params(key: str) -> dict[str, Any]:
    """Each placeholder of the message's source text filled with a value naming it."""
    return {
        name: (7 if kind == "d" else f"<{name}>")
        for name, kind in PLACEHOLDER.findall(message_source(key))
    }


@pytest.mark.parametrize("key", sorted(PRODUCER_MESSAGES))
def test_each_producers_message_renders_in_both_languages_with_its_parameters(key: str) -> None:
    params = _sample_params(key)
    assert params, f"{key} has no parameters"

    english = message_render_in(EN, key, params)
    chinese = message_render_in(ZH, key, params)

    for text in (english, chinese):
        for value in params.values():
            assert str(value) in text
    assert not CJK.search(english), english
    assert CJK.search(chinese), chinese
    assert english != chinese


def test_every_registered_message_is_a_producers() -> None:
    assert set(message_keys()) == PRODUCER_MESSAGES


def test_a_notification_written_before_messages_had_keys_shows_its_stored_text(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    Notification.objects.create(recipient=officer, text="案件 450102-2026-000001 已转交给您")
    Notification.objects.create(recipient=officer, message="gone.message", text="已删除的消息")

    client = verified_client(officer)
    for language in (EN, ZH):
        page = _bell_page(client, language)
        assert "案件 450102-2026-000001 已转交给您" in page
        assert "已删除的消息" in page


def test_a_message_must_be_registered_and_fit_its_parameters(officer: User) -> None:
    with pytest.raises(ValueError):
        notification_send(recipient=officer, message="no.such.message")
    with pytest.raises(ValueError):
        notification_send(recipient=officer, message=CASE_REASSIGNED, params={"wrong": "x"})
    with pytest.raises(ValueError):
        message_register(CASE_REASSIGNED, "Another text for the same key")
    assert not Notification.objects.exists()


def test_the_single_notices_text_message_is_chinese_when_the_officer_works_in_english(
    officer: User, django_capture_on_commit_callbacks: OnCommit, no_delivery: None
) -> None:
    case = case_make(officer)
    items = list(ChecklistItem.objects.filter(kind=case.kind, is_active=True)[:2])
    assert items
    with translation.override(EN), django_capture_on_commit_callbacks(execute=True):
        notice = case_request_materials(actor=officer, case=case, items=items)

    message = OutboxMessage.objects.get(idempotency_key=f"single-notice:{notice.pk}")
    assert message.body == notice.sms_text
    assert message.body.startswith(f"【{case.market.name}】案件 {case.reference}：请在")
    assert "Enquiries" not in message.body
