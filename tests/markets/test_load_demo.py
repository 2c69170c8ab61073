"""The demo organisation: complete enough to try every role, and loading it twice changes
nothing."""

from __future__ import annotations

import pytest
import time_machine
from conftest import totp_code
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from accounts.models import User
from markets import demo_data
from markets.models import Market, Membership, Region, Role, ServiceStation

TRACKED: list[type[Model]] = [Region, Market, ServiceStation, Membership, User]


def counts() -> dict[str, int]:
    tables: dict[str, int] = {}
    for model in TRACKED:
        tables[model.__name__] = model._default_manager.count()
        tables[f"{model.__name__} history"] = model.history.count()  # type: ignore[attr-defined]
    tables["TOTPDevice"] = TOTPDevice.objects.count()
    return tables


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing() -> None:
    call_command("load_demo")
    first = counts()

    call_command("load_demo")

    assert counts() == first
    assert all(first.values()), first


@pytest.mark.django_db
def test_the_demo_has_guangxi_with_its_fourteen_prefecture_cities() -> None:
    call_command("load_demo")

    guangxi = Region.objects.get(code="450000")
    cities = Region.objects.filter(parent=guangxi, level=Region.Level.CITY)
    assert cities.count() == 14
    assert all(city.code.startswith("45") for city in cities)


@pytest.mark.django_db
def test_the_demo_has_markets_in_two_cities_each_with_a_station() -> None:
    call_command("load_demo")

    markets = list(Market.objects.select_related("region"))
    assert len(markets) >= 3
    cities = {market.region.code[:4] for market in markets}
    assert len(cities) >= 2
    for market in markets:
        assert market.stations.exists(), market.name
        market.full_clean()


@pytest.mark.django_db
def test_the_demo_has_every_role() -> None:
    call_command("load_demo")

    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for membership in Membership.objects.all():
        membership.full_clean()


@pytest.mark.django_db
def test_every_demo_user_can_sign_in_with_the_published_credentials(
    frozen_time: time_machine.Traveller,
) -> None:
    call_command("load_demo")

    for row in demo_data.DEMO_USERS:
        client = Client()
        response = client.post(
            "/accounts/login/",
            {
                "username": row["username"],
                "password": demo_data.DEMO_PASSWORD,
                "otp_token": totp_code(str(row["totp_key_hex"])),
            },
        )
        assert response.status_code == 302, row["username"]
        assert response["Location"] == "/", row["username"]
        assert client.get("/").status_code == 200, row["username"]


@pytest.mark.django_db
def test_the_demo_loader_refuses_to_run_where_demo_data_is_not_allowed(
    settings: Settings,
) -> None:
    settings.LGSC_ALLOW_DEMO_DATA = False

    with pytest.raises(CommandError):
        call_command("load_demo")

    assert not User.objects.exists()
