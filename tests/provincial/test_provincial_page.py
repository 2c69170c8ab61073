"""Issue 11, item 4: the staff page of the platform link: the outbox's counts, the dead letters
with their last error, retrying one or all (audit events); read by inspectors and the system
administrator, retried by the system administrator only; a bounded number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from provincial.models import InboundRecord, OutboundMessage
from provincial.services import outbound_write

pytestmark = pytest.mark.django_db

Status = OutboundMessage.Status
URL = "/provincial/"


def _dead(record_id: int, error: str = "HTTP 503: down") -> OutboundMessage:
    message = outbound_write(
        record_type="posting", record_id=record_id, change="published", payload={}
    )
    message.status, message.attempts, message.last_error = Status.DEAD, 8, error
    message.save()
    return message


def test_the_page_shows_the_counts_and_each_dead_letter_with_its_last_error(
    verified_client: Callable[[User], Client], inspector: User
) -> None:
    _dead(1, "HTTP 500: 平台内部错误")
    outbound_write(record_type="posting", record_id=2, change="published", payload={})

    page = verified_client(inspector).get(URL).content.decode()

    assert 'data-status="dead">1<' in page and 'data-status="pending">1<' in page
    assert "HTTP 500: 平台内部错误" in page
    assert "provincial_retry" not in page and "/retry/" not in page  # inspectors only read


def test_an_inspector_may_not_retry(
    verified_client: Callable[[User], Client], inspector: User
) -> None:
    message = _dead(1)

    response = verified_client(inspector).post(f"/provincial/dead-letters/{message.pk}/retry/")

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == Status.DEAD
    assert not AuditEvent.objects.filter(action__startswith="provincial.").exists()


def test_the_system_administrator_retries_one_dead_letter_with_an_audit_event(
    verified_client: Callable[[User], Client], system_admin: User
) -> None:
    message, other = _dead(1), _dead(2)

    response = verified_client(system_admin).post(f"/provincial/dead-letters/{message.pk}/retry/")

    assert response.status_code == 302
    message.refresh_from_db()
    other.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 0)
    assert other.status == Status.DEAD
    event = AuditEvent.objects.get(action="provincial.dead_letter_retried")
    assert event.actor == system_admin
    assert event.old_values["status"] == "dead" and event.new_values["status"] == "pending"
    assert event.new_values["idempotency_key"] == message.idempotency_key


def test_retrying_a_message_that_is_no_dead_letter_changes_nothing(
    verified_client: Callable[[User], Client], system_admin: User
) -> None:
    message = outbound_write(record_type="posting", record_id=1, change="published", payload={})

    verified_client(system_admin).post(f"/provincial/dead-letters/{message.pk}/retry/")

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert not AuditEvent.objects.filter(action__startswith="provincial.").exists()


def test_retry_all_retries_every_dead_letter_with_one_audit_event(
    verified_client: Callable[[User], Client], system_admin: User
) -> None:
    for record in range(3):
        _dead(record + 1)

    verified_client(system_admin).post("/provincial/dead-letters/retry-all/")

    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.PENDING}
    event = AuditEvent.objects.get(action="provincial.dead_letters_retried")
    assert event.new_values["count"] == 3


def test_more_dead_letters_add_no_queries(
    verified_client: Callable[[User], Client],
    system_admin: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = verified_client(system_admin)
    _dead(1)
    InboundRecord.objects.create(
        platform_id="GX-1",
        record_type="posting",
        platform_updated_at="2026-03-01T00:00:00+08:00",
        platform_status="published",
        outcome=InboundRecord.Outcome.REFUSED,
        detail="occupation: 请选择职业",
    )
    client.get(URL)  # warm the session and the caches
    with django_assert_max_num_queries(14) as few:
        client.get(URL)
    for record in range(2, 22):
        _dead(record)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL).content.decode()
    assert "GX-1" in page and page.count("/retry/") == 21


def test_the_home_page_links_the_page_for_those_who_may_read_it(
    verified_client: Callable[[User], Client], inspector: User, system_admin: User, officer: User
) -> None:
    for user, shown in ((inspector, True), (system_admin, True), (officer, False)):
        page = verified_client(user).get("/").content.decode()
        assert ('href="/provincial/"' in page) is shown, user.username
