"""``Idempotency-Key`` on every POST of the API (a repeated request does nothing twice).

The key is required. The first request with a key claims it for its caller (a row, committed
before the work starts, so that a second request racing with it is refused with 409 rather
than done twice); a success is kept as the key's answer, a failure frees the key (it changed
nothing). A repeat with the same method, address and body within ``API_IDEMPOTENCY_KEY_HOURS``
gets the first answer again, marked ``Idempotent-Replayed: true``; with anything else, 409.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from . import selectors, services
from .authentication import caller_of
from .problems import Conflict

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[!-~]{1,255}")  # as the OpenAPI document states it


def idempotent(handler: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view's ``post``: called after authentication, before the body is parsed."""

    @functools.wraps(handler)
    def wrapped(view: Any, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(HEADER) or ""
        if not KEY_PATTERN.fullmatch(key):
            raise ValidationError(
                {
                    HEADER: [
                        _(
                            "Send an Idempotency-Key header: 1 to 255 visible ASCII characters "
                            "(a UUID)."
                        )
                    ]
                }
            )
        caller = caller_of(request).key
        hash_ = services.request_hash(
            method=request.method or "", path=request.get_full_path(), body=_body(request)
        )
        try:
            record = services.idempotency_claim(caller=caller, key=key, hash_=hash_)
        except IntegrityError:
            return _replay(caller=caller, key=key, hash_=hash_)
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            services.idempotency_release(record=record)
            raise
        if 200 <= response.status_code < 300:
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                view.finalize_response(request, response, *args, **kwargs)
                response.render()
            services.idempotency_complete(
                record=record,
                status=response.status_code,
                body=response.content.decode("utf-8"),
                content_type=str(response.get("Content-Type", "application/json")),
                location=str(response.get("Location", "")),
            )
        else:
            services.idempotency_release(record=record)
        return response

    return wrapped


def _body(request: Request) -> bytes:
    """What a repeat must send again to be the same request: the body as sent (read once
    here; DRF parses this copy), or for a ``multipart/form-data`` upload, which may be larger
    than Django keeps in memory, its fields and the SHA-256 of each file, in order."""
    if not (request.content_type or "").startswith("multipart/form-data"):
        body: bytes = request._request.body
        return body
    parts: list[bytes] = []
    for name, values in sorted(request.data.lists()):
        for value in values:
            if isinstance(value, UploadedFile):
                digest = hashlib.sha256()
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
                text = f"{name}=file:{value.name}:{digest.hexdigest()}"
            else:
                text = f"{name}={value}"
            parts.append(text.encode())
    return b"\0".join(parts)


def _replay(*, caller: str, key: str, hash_: str) -> HttpResponse:
    record = selectors.idempotency_record_current(caller=caller, key=key)
    if record is None or record.request_hash != hash_:
        raise Conflict(
            _("This Idempotency-Key was used for another request: use a new key for a new request.")
        )
    if record.status is None:
        raise Conflict(_("A request with this Idempotency-Key is still running: try again later."))
    response = HttpResponse(record.body, status=record.status, content_type=record.content_type)
    if record.location:
        response["Location"] = record.location
    response["Idempotent-Replayed"] = "true"
    return response
