"""Run the provincial platform's simulator alone: manage.py provincial_simulator --port 8765."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from provincial.simulator import PlatformSimulator


class Command(BaseCommand):
    help = "Run the simulator of the provincial platform (docs/provincial-sync.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        simulator = PlatformSimulator(host, port)
        self.stdout.write(f"Provincial platform simulator on {simulator.url} (Ctrl-C stops it)")
        try:
            simulator.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            simulator.server.server_close()
