"""Lists the orphan cases: a case of a kind that has a record of its own (a complaint, a
posting review, a seeker registration, start-up help …) with no such record behind it. The
generic New case form opened them before it refused those kinds; they appear in no service's
list and have none of its clocks. Read-only: it changes nothing; a team lead decides what
becomes of each (withdraw it, or open it again through its own page).

Exit status 0 either way; ``--fail-if-any`` exits 1 when there is one (for a scheduled check).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backoffice.cases.own_intake import case_list_orphaned


class Command(BaseCommand):
    help = "List the cases of a kind with its own record that have no such record (read-only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fail-if-any", action="store_true", help="Exit with status 1 when there is one."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cases = list(case_list_orphaned())
        for case in cases:
            self.stdout.write(
                "\t".join(
                    [
                        case.reference,
                        case.kind,
                        case.state,
                        case.market.name,
                        case.opened_at.isoformat(),
                    ]
                )
            )
        self.stdout.write(f"{len(cases)} orphan case(s).")
        if cases and options["fail_if_any"]:
            raise CommandError(f"{len(cases)} orphan case(s).", returncode=1)
