"""The staff sign-in form: password and verification code in one step, one error for every
failure, Chinese by default."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from conftest import PASSWORD, UserFactory, device_key, is_signed_in, totp_code, wrong_totp_code
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import SignInForm
from accounts.models import User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = "/accounts/login/"
CJK = re.compile(r"[\u4e00-\u9fff]")


def sign_in(client: Client, username: str, password: str = PASSWORD, code: str = "") -> Response:
    return client.post(LOGIN, {"username": username, "password": password, "otp_token": code})


def form_errors(response: Response) -> list[str]:
    return [str(error) for error in response.context["form"].non_field_errors()]


def expected_failure_message() -> str:
    with translation.override("zh-hans"):
        return str(SignInForm.error_messages["invalid"])


@pytest.mark.django_db
def test_password_and_current_code_sign_in_and_open_the_home_page(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    client = Client()

    response = sign_in(client, "officer", code=totp_code(device_key(officer)))

    assert response.status_code == 302
    assert response["Location"] == "/"
    device = TOTPDevice.objects.get(user=officer)
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/").status_code == 200
    assert AccessLog.objects.filter(username="officer").count() == 1


@pytest.mark.django_db
def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    key = device_key(officer)
    client = Client()
    response = client.post(
        LOGIN + "?next=/accounts/password/",
        {"username": "officer", "password": PASSWORD, "otp_token": totp_code(key)},
    )
    assert response["Location"] == "/accounts/password/"

    client.post("/accounts/logout/")
    frozen_time.shift(30)  # the next code: the previous one has been used
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": "officer", "password": PASSWORD, "otp_token": totp_code(key)},
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_every_kind_of_failure_gives_the_same_message_and_no_session(
    frozen_time: time_machine.Traveller, officer: User, team_lead: User, inspector: User
) -> None:
    disabled = UserFactory.create(username="disabled", is_active=False)
    failures: dict[str, tuple[Client, Response]] = {}

    def attempt(case: str, username: str, password: str, code: str) -> None:
        client = Client()
        failures[case] = (client, sign_in(client, username, password, code))

    attempt("wrong password", "officer", "Wrong-Horse-42!", totp_code(device_key(officer)))
    attempt("wrong code", "teamlead", PASSWORD, wrong_totp_code(device_key(team_lead)))
    attempt("disabled account", disabled.username, PASSWORD, "")
    attempt("unknown user", "nobody", PASSWORD, "123456")
    # A replayed code: the right code, used once already in this time step.
    replayed = totp_code(device_key(inspector))
    first = Client()
    assert sign_in(first, "inspector", PASSWORD, replayed).status_code == 302
    first.post("/accounts/logout/")
    attempt("replayed code", "inspector", PASSWORD, replayed)

    messages = {case: form_errors(response) for case, (_client, response) in failures.items()}
    assert set(messages) == {
        "wrong password",
        "wrong code",
        "disabled account",
        "unknown user",
        "replayed code",
    }
    assert all(found == [expected_failure_message()] for found in messages.values()), messages
    for case, (client, response) in failures.items():
        assert response.status_code == 200, case
        assert expected_failure_message() in response.content.decode(), case
        assert not is_signed_in(client), case
        assert DEVICE_ID_SESSION_KEY not in client.session, case


@pytest.mark.django_db
def test_a_code_is_needed_once_an_authenticator_is_enrolled(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    client = Client()

    response = sign_in(client, "officer", PASSWORD, "")

    assert response.status_code == 200
    assert form_errors(response) == [expected_failure_message()]
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_a_wrong_code_counts_as_a_failed_sign_in(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    sign_in(Client(), "officer", PASSWORD, wrong_totp_code(device_key(officer)))

    assert AccessAttempt.objects.get(username="officer").failures_since_start == 1


@pytest.mark.django_db
def test_the_verification_code_is_not_kept_in_the_sign_in_records(
    frozen_time: time_machine.Traveller, officer: User
) -> None:
    code = wrong_totp_code(device_key(officer))

    sign_in(Client(), "officer", "Wrong-Horse-42!", code)

    attempt = AccessAttempt.objects.get(username="officer")
    assert "otp_token" in attempt.post_data
    assert code not in attempt.post_data
    assert "Wrong-Horse-42!" not in attempt.post_data


@pytest.mark.django_db
def test_the_sign_in_page_is_in_chinese_by_default() -> None:
    response = Client().post(LOGIN, {"username": "nobody", "password": "x", "otp_token": ""})

    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    (message,) = form_errors(response)
    assert CJK.search(message), message
    assert message in html


@pytest.mark.django_db
def test_the_sign_in_page_stays_chinese_on_a_browser_set_to_english() -> None:
    response = Client().get(LOGIN, headers={"accept-language": "en"})

    assert '<html lang="zh-hans"' in response.content.decode()


@pytest.mark.django_db
def test_the_language_switch_turns_the_pages_english() -> None:
    client = Client()

    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    page = client.post(LOGIN, {"username": "nobody", "password": "x", "otp_token": ""})

    html = page.content.decode()
    assert '<html lang="en"' in html
    (message,) = form_errors(page)
    with translation.override("en"):
        assert message == str(SignInForm.error_messages["invalid"])
    assert not CJK.search(message)
