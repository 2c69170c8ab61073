"""The second factor: enrolment at first sign-in, backup codes, and no way around it."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
import time_machine
from conftest import PASSWORD, device_key, is_signed_in, totp_code, wrong_totp_code
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = "/accounts/login/"
SETUP = "/accounts/second-factor/setup/"
STAFF_PAGES = ["/", "/accounts/password/", "/admin/", "/admin/markets/market/"]


def sign_in(client: Client, username: str, code: str = "") -> Response:
    return client.post(LOGIN, {"username": username, "password": PASSWORD, "otp_token": code})


def backup_codes_shown(response: Response) -> list[str]:
    return re.findall(r"<li><code>([^<]+)</code></li>", response.content.decode())


# --- A password alone is not enough --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_a_password_only_session_of_an_enrolled_user_is_signed_out(
    officer: User, password_only_client: Callable[[User], Client], url: str
) -> None:
    client = password_only_client(officer)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_a_password_only_session_of_an_enrolled_user_cannot_enrol_another_authenticator(
    officer: User, password_only_client: Callable[[User], Client]
) -> None:
    client = password_only_client(officer)

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    assert client.get("/")["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_a_password_only_session_cannot_issue_backup_codes(
    newcomer: User, password_only_client: Callable[[User], Client]
) -> None:
    response = password_only_client(newcomer).post("/accounts/second-factor/backup-codes/")

    assert response.status_code == 302
    assert response["Location"] == SETUP
    assert not StaticToken.objects.filter(device__user=newcomer).exists()


@pytest.mark.django_db
def test_a_device_mark_of_another_user_does_not_count(
    officer: User, team_lead: User, password_only_client: Callable[[User], Client]
) -> None:
    client = password_only_client(officer)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=team_lead).persistent_id
    session.save()

    response = client.get("/")

    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)


# --- First sign-in: enrolment --------------------------------------------------------------------


@pytest.mark.django_db
def test_first_sign_in_enrols_an_authenticator_and_shows_backup_codes(
    frozen_time: time_machine.Traveller, newcomer: User
) -> None:
    client = Client()

    response = sign_in(client, "newcomer")
    assert response.status_code == 302
    assert response["Location"] == SETUP
    assert client.get("/")["Location"] == SETUP

    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    html = page.content.decode()
    assert "<svg" in html
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret in html
    assert client.get(SETUP).status_code == 200
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1  # the same device, not a new one

    wrong = client.post(SETUP, {"token": wrong_totp_code(device.key)})
    assert wrong.status_code == 200
    with translation.override("zh-hans"):
        expected_error = translation.gettext(
            "The code does not match. Check the time on your phone and enter the current code."
        )
    assert wrong.context["form"].errors["token"] == [expected_error]
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is False
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/")["Location"] == SETUP

    frozen_time.shift(2)  # past django-otp's throttle after the wrong code
    confirmed = client.post(SETUP, {"token": totp_code(device.key)})

    assert confirmed.status_code == 200
    codes = backup_codes_shown(confirmed)
    assert len(codes) == settings.BACKUP_CODE_COUNT
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=newcomer).values_list("token", flat=True)
    )
    assert TOTPDevice.objects.get(user=newcomer).confirmed is True
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_backup_code_signs_in_once(frozen_time: time_machine.Traveller, officer: User) -> None:
    (code,) = services.backup_codes_issue(user=officer)[:1]

    first = Client()
    response = sign_in(first, "officer", code)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert first.get("/").status_code == 200
    first.post("/accounts/logout/")

    frozen_time.shift(60)  # not a throttle: the code itself is gone
    again = Client()
    response = sign_in(again, "officer", code)

    assert response.status_code == 200
    assert not is_signed_in(again)
    assert not StaticToken.objects.filter(token=code).exists()
    assert StaticToken.objects.filter(device__user=officer).count() == (
        settings.BACKUP_CODE_COUNT - 1
    )


@pytest.mark.django_db
def test_renewing_backup_codes_replaces_the_old_ones(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    old = services.backup_codes_issue(user=officer)

    response = verified_client(officer).post("/accounts/second-factor/backup-codes/")

    new = backup_codes_shown(response)
    assert len(new) == settings.BACKUP_CODE_COUNT
    assert sorted(new) == sorted(
        StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    )
    assert not set(old) & set(new)


@pytest.mark.django_db
def test_a_verified_user_is_sent_home_from_enrolment(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(officer).get(SETUP)

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_after_a_second_factor_reset_the_user_enrols_again(
    frozen_time: time_machine.Traveller,
    officer: User,
    security_admin: User,
    verified_client: Callable[[User], Client],
) -> None:
    old_session = verified_client(officer)

    services.user_reset_second_factor(actor=security_admin, user=officer)

    assert old_session.get("/")["Location"] == "/accounts/login/?next=/"
    client = Client()
    assert sign_in(client, "officer")["Location"] == SETUP
    assert client.get(SETUP).status_code == 200


@pytest.mark.django_db
def test_the_old_authenticator_no_longer_works_after_a_reset(
    frozen_time: time_machine.Traveller, officer: User, security_admin: User
) -> None:
    key = device_key(officer)
    services.user_reset_second_factor(actor=security_admin, user=officer)
    client = Client()

    response = sign_in(client, "officer", totp_code(key))

    # With no authenticator the code is not asked for: the password leads to enrolment only.
    assert response["Location"] == SETUP
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/")["Location"] == SETUP


@pytest.mark.django_db
def test_a_backup_code_does_not_count_as_a_failure_of_the_authenticator(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    (code,) = services.backup_codes_issue(user=officer)[:1]
    first = Client()
    assert sign_in(first, "officer", code).status_code == 302
    first.post("/accounts/logout/")

    # At once, with no time for a throttle to pass, the authenticator still works.
    second = Client()
    response = sign_in(second, "officer", totp_code(device_key(officer)))

    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=officer).throttling_failure_count == 0
