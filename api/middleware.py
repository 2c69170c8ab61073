"""Request-wide behaviour of the API (paths under ``/api/``), placed before the project's own
body and query-string checks so that their refusals reach an API caller as problems too.

- A body declared larger than ``API_BODY_MAX_BYTES`` is refused with 413 before it is read
  (``REQUEST_BODY_UPLOAD_MAX_BYTES`` at an address that takes files: the materials of a case).
- Any error answer (4xx, 5xx) that is not yet a problem becomes one with its status: Django's
  404 of an unknown address, the project's 400 and 413, CSRF's 403, the 500 of an exception
  (logged, never shown).
- A successful read (GET, HEAD) gets an ETag; a request whose If-None-Match matches is
  answered 304 without a body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from cases.attachments import upload_body_limit

from .problems import is_problem, problem_response

logger = logging.getLogger("api")

PREFIX = "/api/"
# OAuth 2.0's token endpoint answers its errors as RFC 6749 says (``{"error": …}``), which
# OAuth client libraries read.
TOKEN_PATH = "/api/v1/oauth/token/"  # noqa: S105 (an address, not a secret)


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(PREFIX)


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api(request):
            return self.get_response(request)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem_response(400)
        # Only a body larger than JSON's limit needs the address resolved (a file upload's).
        if declared > settings.API_BODY_MAX_BYTES and declared > (upload_body_limit(request) or 0):
            return problem_response(413)
        response = self.get_response(request)
        if response.status_code >= 400 and not is_problem(response):
            if request.path_info != TOKEN_PATH:
                response = problem_response(response.status_code, headers=_kept(response))
        elif request.method in ("GET", "HEAD") and response.status_code == 200:
            response = self._conditional(request, response)
        patch_vary_headers(response, ("Authorization",))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api(request):
            return None
        logger.exception("API error on %s %s", request.method, request.path_info)
        return problem_response(500)

    @staticmethod
    def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.streaming or response.has_header("ETag"):
            return response
        set_response_etag(response)
        response.headers.setdefault("Cache-Control", "no-cache")
        conditional = get_conditional_response(
            request, etag=response.get("ETag"), response=response
        )
        return conditional if conditional is not None else response


def _kept(response: HttpResponse) -> dict[str, str]:
    """Headers of an error answer that still matter in its problem."""
    return {
        name: response[name]
        for name in ("Allow", "Retry-After", "WWW-Authenticate")
        if response.has_header(name)
    }
