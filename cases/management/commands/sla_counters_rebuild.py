"""``manage.py sla_counters_rebuild [--market ID ...]``: count the dashboard counters again
from the clocks (``cases.sla_counters``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.sla_counters import sla_counters_rebuild
from markets.models import Market


class Command(BaseCommand):
    help = "Rebuild the SLA dashboard counters from the deadlines (all markets, or those given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--market", type=int, action="append", dest="markets", help="market id (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        markets: list[int] | None = options["markets"]
        if markets:
            unknown = sorted(
                set(markets)
                - set(Market.objects.filter(pk__in=markets).values_list("pk", flat=True))
            )
            if unknown:
                raise CommandError(f"No market with id {', '.join(map(str, unknown))}.")
        counted = sla_counters_rebuild(market_ids=markets)
        self.stdout.write(f"Counted {counted} completion clocks.")
