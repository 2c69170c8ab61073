"""The applicant's text messages about their case (issue 10, item 6): one on intake with the
reference number, the completion time limit and the due date; one when the case is resolved.
Through the outbox, to the case's own contact mobile, in Chinese whatever language the officer
works in; once per intake and once per resolution; none without a mobile, none for an intake
that rolled back. The outbox row names the case, never the mobile (read when it is sent)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import applicant_make, case_make
from counter_support import posting_make
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone, translation
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditEvent
from cases.intake import case_intake
from cases.models import Case
from cases.services import (
    CASE_SUBJECT,
    CaseActionError,
    applicant_person_register,
    case_reopen,
    case_resolve,
)
from cases.services.applicant_sms import case_received_sms_enqueue, case_resolved_sms_enqueue
from markets.models import Market
from notifications import tasks
from notifications.channels import SmsBackend, address_resolve
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver
from sla.models import Deadline, Policy, Target
from workflows.ratings.links import SALT as LINK_SALT
from workflows.ratings.models import RatingLink

pytestmark = pytest.mark.django_db

CaptureCallbacks = Callable[..., Any]
MOBILE = "13800138000"


class RecordingSmsBackend(SmsBackend):
    sent: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        RecordingSmsBackend.sent.append((to, body))


@pytest.fixture
def recording_sms(settings: Settings) -> list[tuple[str, str]]:
    settings.SMS_BACKEND = f"{__name__}.RecordingSmsBackend"
    RecordingSmsBackend.sent = []
    return RecordingSmsBackend.sent


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The outbox messages whose delivery was queued (no broker, no worker)."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.outbox_deliver_task, "delay", ids.append)
    return ids


def _completion(case: Case) -> Deadline:
    return Deadline.objects.get(
        subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.COMPLETION
    )


def _received(case: Case) -> OutboxMessage:
    return OutboxMessage.objects.get(idempotency_key=f"case-received:{case.pk}")


def _resolved(case: Case) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(idempotency_key__startswith=f"case-resolved:{case.pk}:")
    )


def test_intake_texts_the_reference_time_limit_and_due_date_in_chinese_once(
    officer: User, queued: list[int], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        case = case_make(officer)

    message = _received(case)
    due = timezone.localtime(_completion(case).due_at).strftime("%Y-%m-%d")
    assert (message.channel, message.to, message.status) == (
        "sms",
        f"case-contact:{case.pk}",
        "pending",
    )
    assert address_resolve(message.to) == MOBILE
    assert message.body == (
        f"【{case.market.name}】您的“政策咨询”申请已受理，受理编号 {case.reference}，"
        f"将在5 个工作日内办结，承诺办结日期 {due}。可在市场自助终端凭受理编号和本手机号后四位"
        f"查询进度。咨询电话：{case.market.service_phone}。"
    )
    assert queued == [message.pk]  # delivered after the commit, by the worker

    # Queued again (a retried task, a second call): the same row, nothing more to deliver.
    with django_capture_on_commit_callbacks(execute=True):
        again = case_received_sms_enqueue(case=case, completion=_completion(case))
    assert again == message
    assert OutboxMessage.objects.count() == 1
    assert queued == [message.pk]
    assert list(
        AuditEvent.objects.filter(action__startswith="case.").values_list("action", flat=True)
    ) == ["case.opened"]


def test_the_text_goes_to_the_mobile_given_for_this_case(
    officer: User, nanning_market: Market
) -> None:
    applicant_make(officer)  # on record with 13800138000
    case = case_intake(
        actor=officer,
        market=nanning_market,
        name="韦小宝",
        id_number="450102199003071238",
        mobile="13977110022",
        kind="policy_consultation",
        channel="counter",
        subject="补贴咨询",
    )

    assert address_resolve(_received(case).to) == "13977110022"


def test_no_text_without_a_mobile(officer: User) -> None:
    applicant = applicant_person_register(
        actor=officer, name="陆小凤", id_number="450103198512120028"
    )
    case = case_make(officer, applicant=applicant)
    case = case_resolve(actor=officer, case=case, outcome="已答复")

    assert case.contact_mobile == ""
    assert not OutboxMessage.objects.exists()


def test_an_intake_that_rolls_back_texts_nothing(
    officer: User, queued: list[int], django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    applicant = applicant_make(officer)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        case_make(officer, applicant=applicant)
        raise RuntimeError("the page's transaction fails after the intake")

    assert not Case.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert queued == []


def test_without_a_completion_limit_the_text_says_only_the_reference(officer: User) -> None:
    Policy.objects.filter(kind="policy_consultation", target=Target.COMPLETION).update(
        is_active=False
    )

    case = case_make(officer)

    body = _received(case).body
    assert case.reference in body
    assert "办结" not in body and "工作日" not in body


def test_resolution_is_texted_once_and_again_after_a_reopening(
    officer: User,
    team_lead: User,
    queued: list[int],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    case = case_make(officer)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        case = case_resolve(actor=officer, case=case, outcome="已答复补贴标准")

    [first] = _resolved(case)
    assert address_resolve(first.to) == MOBILE
    # With the link where the applicant rates the service (好差评, workflows.ratings).
    [link] = RatingLink.objects.filter(case=case)
    text = re.fullmatch(
        re.escape(f"【{case.market.name}】您的案件 {case.reference}（政策咨询）已办结。")
        + r"请评价我们的服务： /portal/rate/(?P<token>[^/\s]+)/ "
        + re.escape(f"咨询电话：{case.market.service_phone}。"),
        first.body,
    )
    assert text is not None, first.body
    assert signing.loads(text["token"], salt=LINK_SALT) == {"c": case.pk, "n": link.nonce}
    assert "已答复补贴标准" not in first.body  # the outcome is staff's text: not texted
    assert queued == [first.pk]

    # Resolving a resolved case is refused and texts nothing; queuing it again is idempotent.
    with pytest.raises(CaseActionError):
        case_resolve(actor=officer, case=case, outcome="再次")
    assert case_resolved_sms_enqueue(case=case) == first
    assert _resolved(case) == [first]
    assert RatingLink.objects.filter(case=case).count() == 1  # no link for a message not sent

    # Reopened and resolved again: a new resolution, told once more.
    case = case_reopen(actor=team_lead, case=case, reason="申请人补充诉求")
    case = case_resolve(actor=officer, case=case, outcome="已补充答复")
    assert len(_resolved(case)) == 2
    assert OutboxMessage.objects.filter(idempotency_key__startswith="case-received:").count() == 1
    assert list(
        AuditEvent.objects.filter(action="case.resolved").values_list("action", flat=True)
    ) == ["case.resolved", "case.resolved"]


def test_a_service_resolving_its_case_texts_the_applicant(
    officer: User, nanning_market: Market
) -> None:
    """The workflows resolve through ``case_resolve``: a posting published at intake is taken
    in and resolved in one go, and the employer hears of both."""
    posting = posting_make(officer, nanning_market, publish=True)
    assert posting.case is not None
    keys = set(
        OutboxMessage.objects.filter(to=f"case-contact:{posting.case.pk}").values_list(
            "idempotency_key", flat=True
        )
    )
    assert f"case-received:{posting.case.pk}" in keys
    assert any(key.startswith(f"case-resolved:{posting.case.pk}:") for key in keys)


def test_the_outbox_never_holds_the_mobile_and_the_gateway_gets_it_when_sending(
    officer: User, recording_sms: list[tuple[str, str]]
) -> None:
    case = case_make(officer)
    message = _received(case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notifications_outboxmessage")
        assert MOBILE not in " ".join(str(value) for row in cursor.fetchall() for value in row)

    sent = outbox_deliver(message_id=message.pk)

    assert recording_sms == [(MOBILE, message.body)]
    assert (sent.status, sent.to) == ("sent", f"case-contact:{case.pk}")


def test_a_case_whose_mobile_is_gone_by_the_time_of_sending_is_texted_nothing(
    officer: User, recording_sms: list[tuple[str, str]]
) -> None:
    case = case_make(officer)
    message = _received(case)
    Case.objects.filter(pk=case.pk).update(contact_mobile="")  # as the retention job leaves it

    given_up = outbox_deliver(message_id=message.pk)

    assert recording_sms == []
    assert (given_up.status, given_up.attempts) == ("failed", 1)
    assert "no address" in given_up.last_error
