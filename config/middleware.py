"""Request-wide behaviour that belongs to no single app."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from cases.attachments import upload_body_limit
from config.proxies import client_address, networks_parse


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the staff of a
    Chinese public office see Chinese even on a browser set up in English, and a user who
    wants English picks it once (the choice is kept in the language cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than the page can take, with 413, before
    anything reads it (issue 13, item 13).

    ``REQUEST_BODY_MAX_BYTES`` holds for every address, ``REQUEST_BODY_UPLOAD_MAX_BYTES`` for
    the addresses named in ``REQUEST_BODY_UPLOAD_URL_NAMES`` (file uploads). Django's own
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` still limits the form fields of an accepted body, and the web
    server in front (README, Production) refuses bodies without a length that run too long.
    Placed right after the language is chosen (for the message) and before anything that reads
    the body (the CSRF check does).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest(
                _("The request is malformed."), content_type="text/plain; charset=utf-8"
            )
        if self._too_large(request, declared):
            return HttpResponse(
                _("The request is too large. Attach a smaller file, or send less at once."),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _too_large(request: HttpRequest, declared: int) -> bool:
        """Larger than any page takes, or than its own address takes (resolved only for a body
        over the common limit)."""
        limit: int = settings.REQUEST_BODY_MAX_BYTES
        return declared > limit and declared > (upload_body_limit(request) or 0)


class TrustedProxyMiddleware:
    """Behind a reverse proxy (nginx, a load balancer) every request comes from the proxy's
    address: the per-address throttles (the kiosk's lookups, the API, sign-in lock-outs) would
    count every client as one, and the audit trail would record the proxy. From a proxy listed
    in ``LGSC_TRUSTED_PROXIES`` (addresses or networks), ``REMOTE_ADDR`` becomes the client's
    address as the proxies report it in ``X-Forwarded-For``; from anyone else the header is
    ignored. First in the chain, so that everything after it sees the client's address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = networks_parse(getattr(settings, "LGSC_TRUSTED_PROXIES", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                self.trusted,
            )
        return self.get_response(request)


class QueryStringMiddleware:
    """Answer 400 to a query string that is not UTF-8 once percent-decoded, or that holds a NUL
    character (which PostgreSQL refuses in any text): no page has to expect either.

    Django itself would decode such bytes to U+FFFD and pass them on.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not query_string_acceptable(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(
                _("The address holds characters that are not allowed."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def query_string_acceptable(raw: str) -> bool:
    """True when the WSGI query string (latin-1 text of the raw bytes) percent-decodes to
    UTF-8 text without NUL."""
    try:
        data = raw.encode("iso-8859-1")
    except UnicodeEncodeError:
        return False
    try:
        text = unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text
