"""Create an administrator account: how a new installation gets its first administrators.

There are no superusers (三员分立); each administrator holds exactly one of the three roles.
The new account enrols its authenticator at its first sign-in.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from markets.models import ADMIN_ROLES
from markets.services import membership_grant


class Command(BaseCommand):
    help = "Create a staff account holding one administrator role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[str(r) for r in ADMIN_ROLES])
        parser.add_argument("--full-name", default="")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Take the password from the LGSC_ADMIN_PASSWORD environment variable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named {username!r} exists already.")
        password = self._password(options["no_input"])
        user = User(username=username, full_name=options["full_name"])
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            user.set_password(password)
            user.save()
            membership_grant(actor=None, user=user, role=options["role"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {username} ({options['role']}); it enrols its "
                "authenticator at its first sign-in."
            )
        )

    @staticmethod
    def _password(no_input: bool) -> str:
        if no_input:
            password = os.environ.get("LGSC_ADMIN_PASSWORD", "")
            if not password:
                raise CommandError("Set LGSC_ADMIN_PASSWORD, or run without --no-input.")
            return password
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
