"""Sign-in, refusal, lock-out and sign-out, through the real form, each leave one event."""

from __future__ import annotations

import json

import pytest
from audit_support import PASSWORD, rows, user_make
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import override_settings

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import chain_verify

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
WRONG_PASSWORD = "Wrong-Horse-17!"


def sign_in(client: Client, username: str, password: str) -> int:
    response = client.post(LOGIN, {"username": username, "password": password, "otp_token": ""})
    return response.status_code


def everything_in(event: AuditEvent) -> str:
    return json.dumps(model_to_dict(event), default=str, ensure_ascii=False)


@pytest.fixture
def newcomer() -> User:
    """Staff without an authenticator yet: the password alone signs them in (to enrol)."""
    return user_make("newcomer")


def test_signing_in_through_the_form_records_signed_in(newcomer: User) -> None:
    assert sign_in(Client(), "newcomer", PASSWORD) == 302

    [event] = rows("auth.signed_in")
    assert event.actor == newcomer
    assert event.actor_label == "newcomer"
    assert (event.target_type, event.target_id) == ("accounts.user", str(newcomer.pk))
    assert event.ip_address == "127.0.0.1"
    assert event.success is True
    assert (event.chain, event.market) == ("global", None)
    assert chain_verify(chain="global").ok


def test_a_wrong_password_records_a_failure_and_never_the_password(newcomer: User) -> None:
    assert sign_in(Client(), "newcomer", WRONG_PASSWORD) == 200

    [event] = rows("auth.sign_in_failed")
    assert event.actor is None
    assert event.target_label == "newcomer"
    assert event.success is False
    assert event.ip_address == "127.0.0.1"
    assert WRONG_PASSWORD not in everything_in(event)
    assert PASSWORD not in everything_in(event)
    assert not rows("auth.signed_in")


def test_an_unknown_user_name_is_recorded_as_typed() -> None:
    sign_in(Client(), "nobody", WRONG_PASSWORD)

    [event] = rows("auth.sign_in_failed")
    assert (event.target_label, event.target_id) == ("nobody", "")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_record_the_lock_out(newcomer: User) -> None:
    client = Client()
    for _attempt in range(3):
        sign_in(client, "newcomer", WRONG_PASSWORD)

    [event] = rows("auth.locked_out")
    assert event.target_label == "newcomer"
    assert event.success is False
    assert event.ip_address == "127.0.0.1"
    assert len(rows("auth.sign_in_failed")) == 3

    # Even the right password is refused now, and that is recorded too.
    assert sign_in(client, "newcomer", PASSWORD) == 403
    assert len(rows("auth.locked_out")) == 2
    assert not rows("auth.signed_in")


def test_signing_out_records_signed_out(newcomer: User) -> None:
    client = Client()
    sign_in(client, "newcomer", PASSWORD)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    [event] = rows("auth.signed_out")
    assert event.actor == newcomer
    assert event.ip_address == "127.0.0.1"
    assert [e.action for e in rows()] == ["auth.signed_in", "auth.signed_out"]
