"""``manage.py media_to_bucket [--from FOLDER]``: move a single host's stored files into the
bucket (docs/deploy/storage.md): copy every file under MEDIA_ROOT (or FOLDER) into the default
storage under the same name, then check that every file a row refers to is there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.storage import StorageUnavailable, local_files_copy, stored_names_missing

SHOWN = 20  # names listed at the most for each kind of problem


class Command(BaseCommand):
    help = (
        "Copy the stored files of a local folder (MEDIA_ROOT) into the bucket the settings "
        "name, under the same names, and check that every file a row refers to is there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="source",
            type=Path,
            default=None,
            help="the folder to copy (default MEDIA_ROOT)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = (options["source"] or Path(settings.MEDIA_ROOT)).resolve()
        if isinstance(default_storage, FileSystemStorage):
            raise CommandError(
                "The stored files are kept in a local folder, not a bucket: set LGSC_S3_BUCKET "
                "(docs/deploy/storage.md) and run this again."
            )
        if not source.is_dir():
            raise CommandError(f"No folder {source}.")
        try:
            done = local_files_copy(source, default_storage)
            missing = stored_names_missing(default_storage)
        except StorageUnavailable as error:
            raise CommandError(f"The bucket cannot be reached: {error}") from error
        self.stdout.write(
            f"{len(done.copied)} files copied, {len(done.present)} already in the bucket "
            f"(from {source})."
        )
        problems = []
        if done.differing:
            problems.append(
                f"{len(done.differing)} names are in the bucket with other content and were "
                "left as they are: " + ", ".join(done.differing[:SHOWN])
            )
        if missing:
            problems.append(
                f"{len(missing)} files the rows refer to are not in the bucket: "
                + ", ".join(f"{label} {name}" for label, name in missing[:SHOWN])
            )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Every file the rows refer to is in the bucket.")
