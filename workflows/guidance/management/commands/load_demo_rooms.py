"""Demo rooms for the embedded default: each active market gets the four rooms of standard
art. 6 (guidance, training, start-up, recruitment talks). Idempotent: a room a market has
already (by name) is left as it is."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from markets.models import Market
from workflows.guidance.models import Room, RoomKind

# (name, kind, seats)
DEMO_ROOMS = [
    ("职业指导室", RoomKind.GUIDANCE, 4),
    ("培训室", RoomKind.TRAINING, 30),
    ("创业服务室", RoomKind.STARTUP, 6),
    ("招聘洽谈室", RoomKind.RECRUITMENT, 12),
]


class Command(BaseCommand):
    help = "Add the demo rooms (guidance, training, start-up, recruitment talks) to each market."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        made = 0
        for market in Market.objects.filter(is_active=True).order_by("pk"):
            for name, kind, capacity in DEMO_ROOMS:
                _room, created = Room.objects.get_or_create(
                    market=market, name=name, defaults={"kind": kind, "capacity": capacity}
                )
                made += created
        self.stdout.write(f"Demo rooms: {made} added.")
