"""Where stored files live, and what happens when that place cannot be reached.

The files (case attachments, inspection photos, export files) are kept by Django's default
storage: a folder under MEDIA_ROOT on one host, or an S3-compatible bucket (django-storages'
``S3Storage``) shared by every host; see docs/deploy/storage.md. Either way they are only
sent through the views that check who may read them.

A bucket can be unreachable (the endpoint down, a timeout, a refused credential, a missing
bucket). Such a failure is raised as :class:`StorageUnavailable`, one recognisable class, by
:func:`storage_guard`: the upload services turn it into a message that leaves nothing behind,
and the download views into a 503 "temporarily unavailable" (:func:`storage_unavailable_response`).
A file that is simply not there stays ``FileNotFoundError`` (a 404).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


class StorageUnavailable(Exception):
    """The file storage could not be reached or refused the operation; try again later."""


def _is_not_found(error: Exception) -> bool:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return False
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = response.get("Error", {}).get("Code")
    return status == 404 and code not in ("NoSuchBucket",)


def _storage_errors() -> tuple[type[Exception], ...]:
    """The exceptions of a storage that mean "not reachable now" (botocore's and boto3's when
    installed; a local folder's are ordinary OSErrors and stay what they are)."""
    errors: list[type[Exception]] = []
    try:
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover -- boto3 is a dependency
        return ()
    errors += [BotoCoreError, ClientError, Boto3Error]
    return tuple(errors)


@contextmanager
def storage_guard(operation: str, name: str = "") -> Iterator[None]:
    """Run a storage operation; a failure of the storage itself becomes StorageUnavailable
    (logged with the operation and the file's name), a missing object FileNotFoundError."""
    errors = _storage_errors()
    try:
        yield
    except errors as error:
        if _is_not_found(error):
            raise FileNotFoundError(name) from error
        logger.error("File storage unavailable: %s %s failed: %s", operation, name, error)
        raise StorageUnavailable(f"{operation} {name}: {error}") from error


def storage_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with a short page: the file exists but the storage cannot be reached just now."""
    response = HttpResponse(
        render_to_string("errors/storage_unavailable.html", request=request), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
