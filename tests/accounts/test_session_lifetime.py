"""Sessions end after SESSION_IDLE_TIMEOUT without a request, and SESSION_ABSOLUTE_LIFETIME
after signing in however active the user is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine
from conftest import PASSWORD, device_key, is_signed_in, totp_code
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

IDLE_MESSAGE = "Your session expired after a period of inactivity. Please sign in again."
LIFETIME_MESSAGE = "Your session has reached its maximum length. Please sign in again."


def in_chinese(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def assert_sent_to_sign_in_because(client: Client, response: Response, message: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert not is_signed_in(client)
    sign_in_page = client.get(response["Location"])
    assert in_chinese(message) in sign_in_page.content.decode()


def test_the_settings_are_thirty_minutes_idle_and_ten_hours_in_all() -> None:
    assert timedelta(minutes=30) == settings.SESSION_IDLE_TIMEOUT
    assert timedelta(hours=10) == settings.SESSION_ABSOLUTE_LIFETIME


@pytest.mark.django_db
def test_a_session_idle_for_29_minutes_is_still_open(
    frozen_time: time_machine.Traveller,
    officer: User,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(officer)
    frozen_time.shift(timedelta(minutes=29))

    assert client.get("/").status_code == 200
    assert is_signed_in(client)


@pytest.mark.django_db
def test_a_session_idle_for_31_minutes_is_signed_out(
    frozen_time: time_machine.Traveller,
    officer: User,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(officer)
    frozen_time.shift(timedelta(minutes=31))

    response = client.get("/")

    assert_sent_to_sign_in_because(client, response, IDLE_MESSAGE)


@pytest.mark.django_db
def test_each_request_restarts_the_idle_clock(
    frozen_time: time_machine.Traveller,
    officer: User,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(officer)
    frozen_time.shift(timedelta(minutes=20))
    assert client.get("/").status_code == 200

    frozen_time.shift(timedelta(minutes=20))  # 40 minutes after signing in, 20 idle

    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_an_active_session_ends_after_its_absolute_lifetime(
    frozen_time: time_machine.Traveller,
    officer: User,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(officer)
    every = timedelta(minutes=20)
    active = timedelta(0)
    while active + every <= settings.SESSION_ABSOLUTE_LIFETIME:
        frozen_time.shift(every)
        active += every
        assert client.get("/").status_code == 200, f"signed out after {active}"

    frozen_time.shift(every)
    response = client.get("/")

    assert_sent_to_sign_in_because(client, response, LIFETIME_MESSAGE)


@pytest.mark.django_db
def test_a_real_sign_in_starts_both_clocks(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    client = Client()
    client.post(
        "/accounts/login/",
        {"username": "officer", "password": PASSWORD, "otp_token": totp_code(device_key(officer))},
    )
    assert client.get("/").status_code == 200

    frozen_time.shift(timedelta(minutes=31))
    response = client.get("/")

    assert_sent_to_sign_in_because(client, response, IDLE_MESSAGE)
