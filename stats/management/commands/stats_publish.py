"""``manage.py stats_publish YYYY-MM [--revision "reason"]``: what the first working day's task
does, by hand; with ``--revision`` a labelled correction of every scope."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stats.selectors import month_parse_or_error
from stats.services import StatsError, stats_publish


class Command(BaseCommand):
    help = "Publish a month's statistics (art. 15) for every market, city and the province."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument(
            "--revision",
            default="",
            help="Publish a correction: a new revision labelled with this reason.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = month_parse_or_error(options["month"])
            publication = stats_publish(
                year=month.year, month=month.month, revision_reason=options["revision"]
            )
        except StatsError as error:
            raise CommandError(str(error)) from error
        for snapshot in publication.published:
            self.stdout.write(
                f"published {snapshot.scope_key} {month} revision {snapshot.revision}"
            )
        for key in publication.skipped:
            self.stdout.write(f"already published {key} {month}")
