"""Where stored files live, and what happens when that place cannot be reached.

The files (case attachments, inspection photos, export files) are kept by Django's default
storage: a folder under MEDIA_ROOT on one host, or an S3-compatible bucket (django-storages'
``S3Storage``) shared by every host; see docs/deploy/storage.md. Either way they are only
sent through the views that check who may read them.

A bucket can be unreachable (the endpoint down, a timeout, a refused credential, a missing
bucket). Such a failure is raised as :class:`StorageUnavailable`, one recognisable class, by
:func:`storage_guard`: the upload services turn it into a message that leaves nothing behind;
anywhere else it reaches config/unavailable.py, which answers the 503 "temporarily
unavailable" page like any other part that is down. A file that is simply not there stays
``FileNotFoundError`` (a 404 to the download views).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

# What a bucket raises when it cannot be reached or refuses; a local folder's failures are
# ordinary OSErrors and stay what they are.
_STORE_ERRORS = (BotoCoreError, ClientError, Boto3Error)


class StorageUnavailable(Exception):
    """The file storage could not be reached or refused the operation; try again later."""


def _is_not_found(error: Exception) -> bool:
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return False
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = response.get("Error", {}).get("Code")
    return status == 404 and code not in ("NoSuchBucket",)


@contextmanager
def storage_guard(operation: str, name: str = "") -> Iterator[None]:
    """Run a storage operation; a failure of the storage itself becomes StorageUnavailable
    (logged with the operation and the file's name), a missing object FileNotFoundError."""
    try:
        yield
    except _STORE_ERRORS as error:
        if _is_not_found(error):
            raise FileNotFoundError(name) from error
        logger.error("File storage unavailable: %s %s failed: %s", operation, name, error)
        raise StorageUnavailable(f"{operation} {name}: {error}") from error


def stored_file_open(file: FieldFile) -> File:
    """The stored file, open for reading: ``FileNotFoundError`` when the store has no such
    file, ``StorageUnavailable`` when the store cannot be reached."""
    with storage_guard("download", file.name or ""):
        return file.open("rb")
