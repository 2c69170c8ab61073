"""django-axes locks an account after AXES_FAILURE_LIMIT failed sign-ins, for AXES_COOLOFF_TIME,
and records every attempt."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from conftest import PASSWORD, device_key, is_signed_in, totp_code, wrong_totp_code
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str, code: str) -> Response:
    return client.post(LOGIN, {"username": username, "password": password, "otp_token": code})


def lock_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    with translation.override("zh-hans"):
        return translation.gettext(
            "Too many failed sign-in attempts: this account is locked for %(minutes)d minutes. "
            "Ask your security administrator if you need it sooner."
        ) % {"minutes": minutes}


def fail_until_locked(username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), username, "Wrong-Horse-42!", "")


@pytest.mark.django_db
def test_the_right_password_and_code_are_refused_once_the_account_is_locked(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        sign_in(Client(), "officer", "Wrong-Horse-42!", "").status_code for _ in range(limit)
    ]
    assert statuses == [200] * (limit - 1) + [403]  # the failure that reaches the limit locks
    client = Client()

    response = sign_in(client, "officer", PASSWORD, totp_code(device_key(officer)))

    assert response.status_code == 403
    assert lock_out_message() in response.content.decode()
    assert not is_signed_in(client)
    assert AccessAttempt.objects.get(username="officer").failures_since_start == limit + 1
    failures = AccessFailureLog.objects.filter(username="officer").order_by("attempt_time", "pk")
    assert [failure.locked_out for failure in failures] == [False] * (limit - 1) + [True, True]
    assert not AccessLog.objects.filter(username="officer").exists()


@pytest.mark.django_db
def test_the_attempts_before_the_limit_are_ordinary_failures(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(Client(), "officer", "Wrong-Horse-42!", "")
        assert response.status_code == 200

    assert AccessAttempt.objects.get(username="officer").failures_since_start == (
        settings.AXES_FAILURE_LIMIT - 1
    )
    assert AccessFailureLog.objects.filter(username="officer", locked_out=False).count() == (
        settings.AXES_FAILURE_LIMIT - 1
    )
    response = sign_in(Client(), "officer", PASSWORD, totp_code(device_key(officer)))
    assert response.status_code == 302
    assert AccessLog.objects.filter(username="officer").count() == 1
    # A successful sign-in clears the count (AXES_RESET_ON_SUCCESS).
    assert not AccessAttempt.objects.filter(username="officer").exists()


@pytest.mark.django_db
def test_wrong_codes_lock_the_account_too(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    key = device_key(officer)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "officer", PASSWORD, wrong_totp_code(key))
        frozen_time.shift(timedelta(minutes=1))  # past django-otp's own throttle, same cool-off

    response = sign_in(Client(), "officer", PASSWORD, totp_code(key))

    assert response.status_code == 403
    assert AccessAttempt.objects.get(username="officer").failures_since_start >= (
        settings.AXES_FAILURE_LIMIT
    )


@pytest.mark.django_db
def test_the_lock_is_per_account(
    frozen_time: time_machine.Traveller, officer: User, team_lead: User
) -> None:
    fail_until_locked("officer")

    response = sign_in(Client(), "teamlead", PASSWORD, totp_code(device_key(team_lead)))

    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_in_works_again_after_the_cool_off(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    fail_until_locked("officer")
    frozen_time.shift(settings.AXES_COOLOFF_TIME - timedelta(seconds=30))
    still_locked = sign_in(Client(), "officer", PASSWORD, totp_code(device_key(officer)))
    assert still_locked.status_code == 403

    # The refused attempt above restarted the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_
    # LOCKOUT), so wait a full cool-off from it.
    frozen_time.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    client = Client()
    response = sign_in(client, "officer", PASSWORD, totp_code(device_key(officer)))

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AccessLog.objects.filter(username="officer").count() == 1
