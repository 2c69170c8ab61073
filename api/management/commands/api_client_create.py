"""Register another system as an API client and print its client id and secret, once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.models import Scope
from api.services import api_client_create
from markets.models import Market, Region


class Command(BaseCommand):
    help = (
        "Register an API client (OAuth 2.0 client credentials): --name, --scopes, and the one "
        "--market (id) or --region (division code) it may see. Prints the client id and the "
        "secret; the secret is stored hashed and never shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"comma-separated, among: {', '.join(Scope.values)}",
        )
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--market", type=int, help="the market's id")
        where.add_argument("--region", help="the region's division code (450100: Nanning)")

    def handle(self, *args: Any, **options: Any) -> None:
        market = region = None
        if options["market"] is not None:
            market = Market.objects.filter(pk=options["market"]).first()
            if market is None:
                raise CommandError(f"No market with id {options['market']}.")
        else:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"No region with code {options['region']}.")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            created = api_client_create(
                name=options["name"], scopes=scopes, market=market, region=region, actor=None
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"client_id: {created.client.application.client_id}")
        self.stdout.write(f"client_secret: {created.secret}")
        self.stdout.write("Keep the secret now: it is stored hashed and cannot be shown again.")
