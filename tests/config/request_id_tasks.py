"""A task for tests/config/test_request_id.py, imported by its real worker (``-I``): it logs a
line and writes down the request id it runs under."""

from __future__ import annotations

import logging
from pathlib import Path

from celery import shared_task

from config.requestid import request_id_current

logger = logging.getLogger("lgsc.tests.request_id")


@shared_task(name="tests.request_id.echo", ignore_result=True)
def request_id_echo(path: str) -> None:
    logger.info("echo from the worker")
    Path(path).write_text(request_id_current() or "")
