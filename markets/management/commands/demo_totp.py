"""Print the current TOTP code of a demo user (the demo keys are public; demo only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from markets import demo_data


class Command(BaseCommand):
    help = "Print the current verification code of a demo user."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LGSC_ALLOW_DEMO_DATA:
            raise CommandError("Demo data is disabled in these settings (LGSC_ALLOW_DEMO_DATA).")
        for row in demo_data.DEMO_USERS:
            if row["username"] == options["username"]:
                self.stdout.write(f"{totp(bytes.fromhex(row['totp_key_hex'])):06d}")
                return
        raise CommandError(f"No demo user named {options['username']!r}.")
