"""/metrics (issue 15): who may read it, and what it says. The system's figures are read at
scrape time in a bounded number of queries, each checked against records made here."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from conftest import REPO_ROOT, SHANGHAI, case_make
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

import config.db
from accounts.models import User
from audit.services import chain_heads_anchor
from config.celery import app as celery_app
from notifications.models import OutboxMessage

TOKEN = "metrics-token-for-tests"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """{(sample name, sorted labels): value}."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _scrape(**headers: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = Client().get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-cache" in response["Cache-Control"]
    return _samples(response.content.decode())


def _value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str) -> float:
    return sum(value for (sample, _), value in samples.items() if sample == name)


# --- Who may read it -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_token_only_loopback_may_read_metrics() -> None:
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


@pytest.mark.django_db
def test_without_a_token_a_request_a_proxy_forwarded_is_refused() -> None:
    """A proxy on the same host connects from loopback, on behalf of anyone."""
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 403


@pytest.mark.django_db
def test_with_a_token_only_its_bearer_may_read_metrics(settings: Any) -> None:
    settings.LGSC_METRICS_TOKEN = TOKEN

    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 403
    right = Client().get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert right.status_code == 200


@pytest.mark.django_db
def test_metrics_answer_get_only() -> None:
    assert Client().post("/metrics").status_code == 405


# --- What it says --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_latency_is_counted_by_view() -> None:
    before = _scrape()
    key = (
        "lgsc_http_request_duration_seconds_count",
        (("method", "GET"), ("status", "2xx"), ("view", "health_live")),
    )

    Client().get("/health/live/")
    Client().get("/health/live/")

    assert _scrape()[key] == before.get(key, 0) + 2


@pytest.fixture
def purged_queue() -> Iterator[None]:
    celery_app.control.purge()
    yield
    celery_app.control.purge()


@pytest.mark.django_db
def test_queue_length_counts_the_tasks_waiting_in_the_broker(purged_queue: None) -> None:
    queue = ("lgsc_celery_queue_length", (("queue", "celery"),))
    assert _scrape()[queue] == 0

    celery_app.send_task("tests.metrics.nobody_runs_this")
    celery_app.send_task("tests.metrics.nobody_runs_this")

    assert _scrape()[queue] == 2


@pytest.mark.django_db
def test_outbox_backlog_and_dead_letters() -> None:
    def message(key: str, status: str) -> None:
        OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.SMS,
            to="13800000000",
            body="…",
            idempotency_key=key,
            status=status,
        )

    message("a", OutboxMessage.Status.PENDING)
    message("b", OutboxMessage.Status.PENDING)
    message("c", OutboxMessage.Status.FAILED)
    message("d", OutboxMessage.Status.SENT)

    samples = _scrape()

    assert samples["lgsc_outbox_messages", (("status", "pending"),)] == 2
    assert samples["lgsc_outbox_messages", (("status", "failed"),)] == 1
    assert samples["lgsc_outbox_oldest_pending_age_seconds", ()] >= 0


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_overdue_deadlines_from_the_day_they_fall_due_and_after(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(_at(2026, 3, 2, 9))
    case_make(officer)  # due Monday 9 March, 17:30 (tests/sla/test_clock.py)
    assert _value(_scrape(), "lgsc_deadlines_overdue") == 0

    frozen_time.move_to(_at(2026, 3, 9, 17, 0))
    assert _value(_scrape(), "lgsc_deadlines_overdue") == 0
    frozen_time.move_to(_at(2026, 3, 9, 17, 45))  # due in this hour: read from the clocks
    assert _value(_scrape(), "lgsc_deadlines_overdue") == 1
    frozen_time.move_to(_at(2026, 3, 9, 18, 5))  # today's hours gone by: from the counters
    assert _value(_scrape(), "lgsc_deadlines_overdue") == 1
    frozen_time.move_to(_at(2026, 3, 11, 10))  # the days before: read from the counters
    assert _value(_scrape(), "lgsc_deadlines_overdue") == 1


@pytest.mark.django_db
def test_audit_anchor_age_appears_once_the_chains_are_anchored(
    officer: User, frozen_time: time_machine.Traveller
) -> None:
    frozen_time.move_to(_at(2026, 3, 2, 9))
    case_make(officer)
    samples = _scrape()
    assert "lgsc_audit_anchor_age_seconds" not in {name for name, _ in samples}
    assert samples["lgsc_audit_anchor_max_age_seconds", ()] == 36 * 3600

    chain_heads_anchor()
    frozen_time.move_to(_at(2026, 3, 2, 10))

    assert _scrape()["lgsc_audit_anchor_age_seconds", ()] == 3600


@pytest.mark.django_db
def test_replica_lag_is_reported_when_there_is_a_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    """config.db measures the lag; no replica (as in these tests) is no figure, not zero."""
    assert config.db.replica_lag_seconds() is None
    assert "database_replica_lag_seconds" not in {name for name, _ in _scrape()}

    monkeypatch.setattr(config.db, "replica_lag_seconds", lambda: 2.5)

    assert _scrape()["database_replica_lag_seconds", ()] == 2.5


@pytest.mark.django_db
def test_every_part_is_read_in_a_bounded_number_of_queries(
    officer: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        case_make(officer)
    OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.SMS, to="13800000000", body="…", idempotency_key="x"
    )

    with django_assert_max_num_queries(2):
        samples = _scrape()

    parts = {
        dict(labels)["part"]: value
        for (name, labels), value in samples.items()
        if name == "lgsc_metrics_part_ok"
    }
    assert parts == {"queues": 1, "deadlines": 1, "outbox": 1, "audit": 1, "replica": 1}


# --- Several gunicorn workers --------------------------------------------------------------------

_OBSERVE = """
import django
django.setup()
from config.metrics import REQUEST_LATENCY
REQUEST_LATENCY.labels("backoffice:home", "GET", "2xx").observe(0.2)
"""
_SCRAPE = """
import sys
import django
django.setup()
from config.metrics import metrics_text
sys.stdout.write(metrics_text().decode())
"""


def test_with_a_multiprocess_directory_a_scrape_adds_up_every_process(tmp_path: Path) -> None:
    """What gunicorn's workers do: each process observes its requests; whichever answers the
    scrape reports them all (PROMETHEUS_MULTIPROC_DIR, docs/deploy/monitoring.md)."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }

    def run(code: str) -> str:
        done = subprocess.run(  # noqa: S603 - a fixed command line
            [sys.executable, "-c", code],
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    run(_OBSERVE)
    run(_OBSERVE)
    samples = _samples(run(_SCRAPE))

    key = (
        "lgsc_http_request_duration_seconds_count",
        (("method", "GET"), ("status", "2xx"), ("view", "backoffice:home")),
    )
    assert samples[key] == 2
