"""Verify the event log's hash chains: ``manage.py verify_audit [--chain KEY]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.selectors import chain_list, chain_verify


class Command(BaseCommand):
    help = (
        "Walk every audit chain (or one) in order, recompute each hash and check the links. "
        "Exits non-zero and names the first broken row of each broken chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", help='one chain: "global" or "market:<id>"')

    def handle(self, *args: Any, chain: str | None = None, **options: Any) -> None:
        known = chain_list()
        if chain is not None and chain not in known:
            raise CommandError(f"No audit chain {chain!r}. Chains: {', '.join(known) or 'none'}")
        chains = [chain] if chain is not None else known
        broken = []
        for key in chains:
            result = chain_verify(chain=key)
            if result.broken is None:
                self.stdout.write(f"OK {key}: {result.events_checked} events")
                continue
            fault = result.broken
            row = f"event id {fault.event_id}" if fault.event_id is not None else "missing row"
            message = f"BROKEN {key}: {row}, sequence {fault.sequence}: {fault.reason}"
            self.stderr.write(message)
            broken.append(message)
        if broken:
            raise CommandError(f"{len(broken)} of {len(chains)} audit chains are broken")
        self.stdout.write(self.style.SUCCESS(f"OK: {len(chains)} chains verified"))
