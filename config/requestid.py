"""The request id (issue 15): one id per request, in every log line the request writes and in
every Celery task it starts, so that an operator can follow one request across web and worker
processes.

``RequestIdMiddleware`` takes a valid incoming ``X-Request-ID`` (what a proxy or a load
balancer in front made) or makes one (uuid4), keeps it in a context variable for the time of
the request and sends it back in the response. ``RequestContextFilter`` adds it, the signed-in
user's id and the path to every log record. The Celery signals at the end carry the id on into
the tasks the request publishes: a message header on publishing, the context variable again in
the worker while the task runs.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

from celery import Task
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# The name of the Celery message header that carries the id into a task.
TASK_HEADER = "lgsc_request_id"
# What an incoming id may look like: what proxies make (uuids, hex, nginx's $request_id,
# AWS's "Root=1-…") and nothing that could forge a log line or a header.
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")

request_id_var: ContextVar[str | None] = ContextVar("lgsc_request_id", default=None)
_request_var: ContextVar[HttpRequest | None] = ContextVar("lgsc_request", default=None)


def request_id_valid(value: str) -> bool:
    return _VALID.fullmatch(value) is not None


def request_id_current() -> str | None:
    """The id of the request (or of the request that started the task) being served."""
    return request_id_var.get()


class RequestIdMiddleware:
    """The first middleware: everything after it, and every log line, knows the request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if request_id_valid(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = request_id_var.set(request_id)
        request_token = _request_var.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request_var.reset(request_token)
            request_id_var.reset(id_token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _user_id(request: HttpRequest | None) -> Any:
    """The signed-in user's id if the request has already looked the user up: reading
    ``request.user`` here could query the database from inside a log call."""
    user = getattr(request, "_cached_user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id`` and ``path`` to every record (None outside a request;
    a task started by a request has its request id and no path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request_var.get()
        request_id = request_id_var.get()
        if request is None:
            # Django logs a response's error status (django.request) after the middleware
            # has finished, passing the request along.
            passed = getattr(record, "request", None)
            if isinstance(passed, HttpRequest):
                request = passed
                request_id = getattr(passed, "request_id", None)
        record.request_id = request_id
        record.user_id = _user_id(request)
        record.path = request.path if request is not None else None
        return True


# --- Celery: the id travels with the task --------------------------------------------------------

_task_tokens: dict[str, Token[str | None]] = {}


@before_task_publish.connect
def _request_id_to_task(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = request_id_var.get()
    if request_id is not None and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect
def _request_id_from_task(task_id: str = "", task: Task | None = None, **_: Any) -> None:
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if isinstance(request_id, str) and request_id_valid(request_id):
        _task_tokens[task_id] = request_id_var.set(request_id)


@task_postrun.connect
def _request_id_task_done(task_id: str = "", **_: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)
