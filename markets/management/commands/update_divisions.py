"""Load a new edition of the national table of administrative division codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from markets.divisions import DivisionFileError, division_table_read, divisions_load
from markets.models import Division


class Command(BaseCommand):
    help = (
        "Make FILE the edition in force of the administrative division codes (行政区划代码): "
        "one 'code,name' line per division, as the Ministry of Civil Affairs publishes it. "
        "New codes are added, names updated; codes it no longer lists are kept as abolished "
        "(ID numbers still carry them)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="CSV or tab-separated: code, name")
        parser.add_argument(
            "--edition",
            default="",
            help="The edition's name or date, e.g. 2025 (or a line '# edition: 2025' in the file).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            table = division_table_read(path, edition=options["edition"])
        except (DivisionFileError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        provinces = sum(1 for code, _name in table.rows if code.endswith("0000"))
        if provinces < 30 and not options["dry_run"]:
            raise CommandError(
                f"{path} lists {provinces} provinces: a national table has 34. Refusing to "
                "mark the rest of the country as abolished."
            )
        with transaction.atomic():
            result = divisions_load(Division, table)
            summary = (
                f"Edition {table.edition}: {len(table.rows)} divisions; {result.added} added, "
                f"{result.renamed} renamed, {result.restored} back in force, "
                f"{result.withdrawn} no longer listed (kept as abolished)."
            )
            if options["dry_run"]:
                transaction.set_rollback(True)
                summary = "Dry run, nothing changed. " + summary
        self.stdout.write(self.style.SUCCESS(summary))
