"""Concurrent writers on one chain queue on its head: no gaps, no forks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from audit.models import AuditChainHead, AuditEvent
from audit.selectors import chain_verify
from audit.services import event_record

WRITERS = 2
EVENTS_EACH = 20


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks (SELECT … FOR UPDATE) and real concurrent connections: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_writers_on_one_chain_leave_a_gap_free_verified_chain() -> None:
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            for n in range(EVENTS_EACH):
                event_record(action=f"test.{name}", new_values={"n": n})
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    sequences = list(
        AuditEvent.objects.filter(chain="global")
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, WRITERS * EVENTS_EACH + 1))
    assert AuditChainHead.objects.get(chain="global").last_sequence == WRITERS * EVENTS_EACH
    result = chain_verify(chain="global")
    assert result.ok
    assert result.events_checked == WRITERS * EVENTS_EACH
