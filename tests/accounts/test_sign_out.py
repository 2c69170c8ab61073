"""Signing out ends every session of the user; disabling an account ends them too and keeps
the account out."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from conftest import PASSWORD, device_key, is_signed_in, totp_code
from django.test import Client
from django.utils import translation

from accounts import services
from accounts.forms import SignInForm
from accounts.models import User


@pytest.mark.django_db
def test_signing_out_ends_every_session_of_the_user_and_no_one_elses(
    officer: User, team_lead: User, verified_client: Callable[[User], Client]
) -> None:
    office_pc = verified_client(officer)
    phone = verified_client(officer)
    colleague = verified_client(team_lead)

    response = office_pc.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(office_pc)
    elsewhere = phone.get("/")
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == "/accounts/login/?next=/"
    assert not is_signed_in(phone)
    assert colleague.get("/").status_code == 200


@pytest.mark.django_db
def test_signing_out_needs_a_post(officer: User, verified_client: Callable[[User], Client]) -> None:
    client = verified_client(officer)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_signing_out_of_a_password_only_session_is_possible(
    newcomer: User, password_only_client: Callable[[User], Client]
) -> None:
    client = password_only_client(newcomer)

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_disabling_a_user_ends_their_sessions_and_records_who_did_it(
    officer: User, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(officer)
    assert client.get("/").status_code == 200

    services.user_disable(actor=system_admin, user=officer)

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert not response.wsgi_request.user.is_authenticated
    officer.refresh_from_db()
    assert officer.is_active is False
    latest = officer.history.latest()
    assert latest.is_active is False
    assert latest.history_user == system_admin
    assert latest.prev_record is not None
    assert latest.prev_record.is_active is True


@pytest.mark.django_db
def test_disabling_a_disabled_user_changes_nothing(officer: User, system_admin: User) -> None:
    services.user_disable(actor=system_admin, user=officer)
    rows = officer.history.count()

    services.user_disable(actor=system_admin, user=officer)

    assert officer.history.count() == rows


@pytest.mark.django_db
def test_a_disabled_user_cannot_sign_in(
    frozen_time: time_machine.Traveller, officer: User, system_admin: User
) -> None:
    services.user_disable(actor=system_admin, user=officer)
    client = Client()

    response = client.post(
        "/accounts/login/",
        {"username": "officer", "password": PASSWORD, "otp_token": totp_code(device_key(officer))},
    )

    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = str(SignInForm.error_messages["invalid"])
    assert [str(e) for e in response.context["form"].non_field_errors()] == [expected]
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_disabling_in_the_admin_ends_the_sessions(
    officer: User, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    officers_client = verified_client(officer)
    admin = verified_client(system_admin)

    response = admin.post(
        "/admin/accounts/user/",
        {"action": "disable_accounts", "_selected_action": [officer.pk]},
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_active is False
    response = officers_client.get("/")
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated
    assert officer.history.latest().history_user == system_admin


@pytest.mark.django_db
def test_enabling_the_account_again_does_not_reopen_its_old_sessions(
    officer: User, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(officer)
    services.user_disable(actor=system_admin, user=officer)
    officer.refresh_from_db()

    officer.is_active = True
    officer.save()

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert not is_signed_in(client)
    assert verified_client(officer).get("/").status_code == 200
