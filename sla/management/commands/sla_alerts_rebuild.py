"""``manage.py sla_alerts_rebuild``: write every running clock's alerts (the reminders still to
come, which the sweep reads) again from the clocks and their reminders
(``sla.services.alerts_rebuild``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sla.services import alerts_rebuild


class Command(BaseCommand):
    help = "Rebuild the SLA alerts (the reminders still to come) from the deadlines."

    def handle(self, *args: Any, **options: Any) -> None:
        written = alerts_rebuild()
        self.stdout.write(f"Wrote {written} alerts.")
