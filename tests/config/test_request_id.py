"""The request id (issue 15): taken from a valid X-Request-ID or made, sent back, in every log
line of the request (JSON in production) and carried into the Celery tasks the request
starts, as a real worker on a real Redis runs them."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from config.logconfig import logging_config
from config.requestid import request_id_var

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS / "sla"))

from worker_support import needs_redis, workers  # noqa: E402

RUN_TIMEOUT = 60.0


@pytest.mark.django_db
def test_a_valid_incoming_request_id_is_kept_and_sent_back() -> None:
    response = Client().get("/health/live/", HTTP_X_REQUEST_ID="lb-7f3a.42:1")

    assert response["X-Request-ID"] == "lb-7f3a.42:1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming", ["", "a b", "x" * 129, "id\r\nSet-Cookie: a=b", "<script>", "-leading-dash"]
)
def test_an_invalid_incoming_request_id_is_replaced_by_a_new_one(incoming: str) -> None:
    response = Client().get("/health/live/", HTTP_X_REQUEST_ID=incoming)

    made = response["X-Request-ID"]
    assert made != incoming
    assert len(made) == 32
    assert int(made, 16) >= 0  # a uuid4's hex


@pytest.mark.django_db
def test_two_requests_get_two_ids() -> None:
    first = Client().get("/health/live/")["X-Request-ID"]
    second = Client().get("/health/live/")["X-Request-ID"]

    assert first != second


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The production log configuration (LGSC_JSON_LOGS=true), written to a buffer."""
    stream = io.StringIO()
    config = logging_config(json=True)
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        logging.config.dictConfig(settings.LOGGING)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.django_db
def test_a_log_line_of_a_request_is_one_json_object_with_its_id_user_and_path(
    json_log: io.StringIO, verified_client: Callable[[User], Client], officer: User
) -> None:
    response = verified_client(officer).get("/no-such-page/", HTTP_X_REQUEST_ID="req-404-1")

    assert response.status_code == 404
    [line] = [line for line in _lines(json_log) if line["logger"] == "django.request"]
    assert line["message"] == "Not Found: /no-such-page/"
    assert line["level"] == "WARNING"
    assert (line["request_id"], line["user_id"], line["path"]) == (
        "req-404-1",
        officer.pk,
        "/no-such-page/",
    )
    assert line["time"].endswith("+00:00")


def test_a_log_line_outside_a_request_has_no_request_id(json_log: io.StringIO) -> None:
    logging.getLogger("lgsc.tests").warning("no request here: %s", "中文")

    [line] = _lines(json_log)
    assert line["message"] == "no request here: 中文"
    assert (line["request_id"], line["user_id"], line["path"]) == (None, None, None)


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_task_started_during_a_request_runs_under_its_id_in_a_real_worker(
    tmp_path: Path,
) -> None:
    from request_id_tasks import request_id_echo

    seen = tmp_path / "seen"
    options = {
        "include": ["request_id_tasks"],
        "python_path": [Path(__file__).resolve().parent],
        "env": {"LGSC_JSON_LOGS": "true"},
    }
    with workers(tmp_path, **options) as start:
        worker = start()
        token = request_id_var.set("req-for-the-worker-1")  # as RequestIdMiddleware does
        try:
            request_id_echo.delay(str(seen))
        finally:
            request_id_var.reset(token)
        request_id_echo.delay(str(tmp_path / "unseen"))  # outside any request
        give_up = time.monotonic() + RUN_TIMEOUT
        while not (seen.exists() and (tmp_path / "unseen").exists()):
            if time.monotonic() > give_up:
                pytest.fail(f"the tasks did not run:\n{worker.output()}")
            time.sleep(0.1)

    assert seen.read_text() == "req-for-the-worker-1"
    assert (tmp_path / "unseen").read_text() == ""  # the worker forgot the first task's id
    lines = [
        json.loads(line)
        for line in worker.log.read_text().splitlines()
        if line.startswith("{") and "echo from the worker" in line
    ]
    assert [line["request_id"] for line in lines] == ["req-for-the-worker-1", None]
