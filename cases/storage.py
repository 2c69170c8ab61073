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
import posixpath
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db.models import FileField
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


# --- Files without a row (the hourly sweeps) ---------------------------------------------------


def stored_names_under(storage: Storage, top: str) -> set[str]:
    """Every file name under the folder ``top``, however deep, as the rows record names.
    A bucket is listed flat, a thousand keys a request (not one request per folder); a local
    folder is walked; another store through ``listdir``. Empty when there is nothing under
    ``top``; StorageUnavailable when the store cannot be reached."""
    with storage_guard("list", f"{top}/"):
        if isinstance(storage, FileSystemStorage):
            root = Path(storage.path(top))
            if not root.is_dir():
                return set()
            return {
                f"{top}/{p.relative_to(root).as_posix()}" for p in root.rglob("*") if p.is_file()
            }
        bucket_name = getattr(storage, "bucket_name", None)
        if bucket_name:  # django-storages' S3Storage: keys under its location (prefix), if any
            location = str(getattr(storage, "location", "") or "").strip("/")
            prefix = posixpath.join(location, top) + "/" if location else f"{top}/"
            client = storage.connection.meta.client  # type: ignore[attr-defined]
            pages = client.get_paginator("list_objects_v2").paginate(
                Bucket=bucket_name, Prefix=prefix
            )
            return {
                posixpath.relpath(entry["Key"], location) if location else entry["Key"]
                for page in pages
                for entry in page.get("Contents", ())
                if not entry["Key"].endswith("/")
            }
        return _names_listed(storage, top)


def _names_listed(storage: Storage, folder: str) -> set[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return set()
    names = {f"{folder}/{file}" for file in files}
    for directory in directories:
        names |= _names_listed(storage, f"{folder}/{directory}")
    return names


def orphan_cutoff(*, now: datetime, grace: timedelta | None = None) -> datetime:
    """The time before which a stored file no row refers to is an orphan: ``grace`` (by
    default settings.CASE_ATTACHMENT_ORPHAN_GRACE) before ``now``; a younger file may belong
    to an upload whose transaction has not ended yet."""
    return now - (grace if grace is not None else settings.CASE_ATTACHMENT_ORPHAN_GRACE)


def stored_orphans_remove(storage: Storage, names: Iterable[str], *, cutoff: datetime) -> list[str]:
    """Delete the stored files ``names`` (which no row refers to) last changed before
    ``cutoff``: a younger one may belong to an upload whose transaction has not ended yet.
    Each removal is logged; the names removed are returned."""
    removed: list[str] = []
    for name in sorted(names):
        with storage_guard("inspect", name):
            try:
                if storage.get_modified_time(name) >= cutoff:
                    continue
                size = storage.size(name)
            except FileNotFoundError:  # removed meanwhile
                continue
            storage.delete(name)
        logger.info("Removed orphan file %s (%d bytes): no row refers to it.", name, size)
        removed.append(name)
    return removed


# --- Moving a host's files into the bucket ------------------------------------------------------


@dataclass
class FilesCopied:
    """What ``local_files_copy`` did: files copied, found there already (same size), and
    those whose name the store holds with other content (left as they are, never
    overwritten)."""

    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)


def local_files_copy(source: Path, storage: Storage) -> FilesCopied:
    """Every file under the folder ``source`` into ``storage`` under the same name (its path
    relative to ``source``, as the rows record it), through the storage's own settings
    (a bucket's encryption and prefix). Run again, it copies only what is missing."""
    done = FilesCopied()
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        with storage_guard("copy", name):
            if storage.exists(name):
                same = storage.size(name) == path.stat().st_size
                (done.present if same else done.differing).append(name)
                continue
            with path.open("rb") as content:
                saved = storage.save(name, File(content, name=path.name))
        if saved != name:  # taken meanwhile: the store renamed it, which the rows would miss
            with storage_guard("copy", saved):
                storage.delete(saved)
            done.differing.append(name)
            continue
        done.copied.append(name)
    return done


def stored_names_referenced() -> Iterator[tuple[str, str]]:
    """(model label, file name) of every stored file a row refers to, over every model with a
    file field: what must be in the store for nothing to be lost (historical records keep a
    name as text, not as a file field, and are not among them)."""
    for model in apps.get_models():
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, FileField)]
        for field_name in fields:
            names = (
                model._default_manager.exclude(**{field_name: ""})
                .values_list(field_name, flat=True)
                .iterator()
            )
            for name in names:
                yield model._meta.label, name


def stored_names_missing(storage: Storage) -> list[tuple[str, str]]:
    """The (model label, file name) of ``stored_names_referenced`` that ``storage`` lacks:
    one listing of each top folder the names are in (``cases``, ``inspections``,
    ``exports``), not a request per file."""
    listed: dict[str, set[str]] = {}
    missing = []
    for label, name in stored_names_referenced():
        top, in_folder, _rest = name.partition("/")
        if not in_folder:  # a name outside any folder: asked for alone
            with storage_guard("check", name):
                if not storage.exists(name):
                    missing.append((label, name))
            continue
        if top not in listed:
            listed[top] = stored_names_under(storage, top)
        if name not in listed[top]:
            missing.append((label, name))
    return missing
