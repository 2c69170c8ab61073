"""Load the demo organisation and staff. Idempotent: running it again changes nothing."""

from __future__ import annotations

import base64
from datetime import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from markets import demo_data
from markets.models import Market, Membership, Region, ServiceStation
from markets.services import membership_grant


class Command(BaseCommand):
    help = "Load the demo regions, markets, stations and staff (embedded default only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--show-credentials", action="store_true", help="Print the demo sign-ins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LGSC_ALLOW_DEMO_DATA:
            raise CommandError("Demo data is disabled in these settings (LGSC_ALLOW_DEMO_DATA).")
        with transaction.atomic():
            self._regions()
            markets = self._markets()
            self._users(markets)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        if options["show_credentials"]:
            self._print_credentials()

    def _regions(self) -> None:
        rows = [demo_data.PROVINCE, *demo_data.CITIES, *demo_data.COUNTIES]
        for code, name in rows:  # parents come before children in these lists
            if not Region.objects.filter(code=code).exists():
                region = Region(code=code, name=name)
                region.full_clean()
                region.save()

    def _markets(self) -> dict[str, Market]:
        markets = {}
        for row in demo_data.MARKETS:
            market, _created = Market.objects.get_or_create(
                name=row["name"],
                defaults={
                    "region": Region.objects.get(code=row["region"]),
                    "service_phone": row["service_phone"],
                    "address": row["address"],
                    "premises_area_m2": Decimal(str(row["premises_area_m2"])),
                    "opens_at": time(8, 30),
                    "lunch_starts_at": time(12, 0),
                    "lunch_ends_at": time(14, 30),
                    "closes_at": time(17, 30),
                },
            )
            for name, address in row["stations"]:
                ServiceStation.objects.get_or_create(
                    market=market, name=name, defaults={"address": address}
                )
            markets[market.name] = market
        return markets

    def _users(self, markets: dict[str, Market]) -> None:
        for row in demo_data.DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=row["username"], defaults={"full_name": row["full_name"]}
            )
            if created:
                user.set_password(demo_data.DEMO_PASSWORD)
                user.save()
            TOTPDevice.objects.get_or_create(
                user=user,
                name="demo authenticator",
                defaults={"key": row["totp_key_hex"], "confirmed": True},
            )
            market = markets.get(row.get("market", ""))
            region = Region.objects.filter(code=row.get("region", "")).first()
            if not Membership.objects.filter(
                user=user, role=row["role"], market=market, region=region
            ).exists():
                membership_grant(
                    actor=None, user=user, role=row["role"], market=market, region=region
                )

    def _print_credentials(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {demo_data.DEMO_PASSWORD})")
        self.stdout.write("Add the TOTP secret to any authenticator app (Google/Microsoft")
        self.stdout.write("Authenticator, FreeOTP, 腾讯身份验证器), or compute a code with:")
        self.stdout.write("  .venv/bin/python manage.py demo_totp <username>")
        for row in demo_data.DEMO_USERS:
            secret = base64.b32encode(bytes.fromhex(row["totp_key_hex"])).decode()
            self.stdout.write(f"  {row['username']:<11} {row['role']:<15} TOTP secret {secret}")
