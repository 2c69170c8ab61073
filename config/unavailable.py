""" "Temporarily unavailable" (issue 15): when Redis (the cache, the broker) or the object
storage does not answer, a page that needs it answers 503 with a page that says so and a
``Retry-After``, never a 500 and its trace.

Two ways in, one answer:
- ``ServiceUnavailableMiddleware.process_exception``: the error came out of a view;
- ``server_error`` (``handler500``): the error came out of a middleware (a session or a
  throttle kept in the cache), which Django turns into a 500 before any ``process_exception``
  could see it; the handler still runs inside the ``except`` block, so it sees the exception.

Under /api/ the page becomes a problem (api.middleware keeps its status and ``Retry-After``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import botocore.exceptions
import kombu.exceptions
import redis.exceptions
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from cases.storage import StorageUnavailable

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# A part the request needs is down or too slow: nothing the request or the code did wrong.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    botocore.exceptions.ConnectionError,  # EndpointConnectionError, ConnectTimeoutError, …
    botocore.exceptions.ConnectionClosedError,
    botocore.exceptions.ReadTimeoutError,
    StorageUnavailable,  # cases.storage: the file store, through the services' guard
)


def is_unavailable_error(error: BaseException | None) -> bool:
    """Whether ``error`` says a part is down: a connection error above, or the object store
    answering 5xx (``ClientError``, as django-storages passes it on; a 403 or 404 is no
    outage)."""
    if isinstance(error, UNAVAILABLE_ERRORS):
        return True
    if isinstance(error, botocore.exceptions.ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return isinstance(status, int) and status >= 500
    return False


def service_unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 page, logged (with the request id, config/requestid.py) as a warning: the
    operators' signal is the readiness check and the metrics, not a trace per request."""
    logger.warning(
        "503 on %s %s: a part the page needs is unavailable (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        error,
    )
    # No request context: the cache or the session may be what failed. A file the store
    # cannot give just now has a page of its own: the file itself is kept.
    template = (
        "errors/storage_unavailable.html" if isinstance(error, StorageUnavailable) else "503.html"
    )
    body = loader.render_to_string(template)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """Last in MIDDLEWARE, so it sees a view's exception first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_unavailable_error(exception):
            return service_unavailable_response(request, exception)
        return None


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, unless the exception being handled says a part is down."""
    error = sys.exc_info()[1]
    if is_unavailable_error(error):
        assert error is not None  # noqa: S101 - is_unavailable_error(None) is False
        return service_unavailable_response(request, error)
    return defaults.server_error(request)
