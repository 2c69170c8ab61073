"""The administration site: reached only through the staff sign-in, by a verified holder of an
administrator role; rights come from the role and go with it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from conftest import PASSWORD, TOTP_KEYS, UserFactory, add_totp_device, device_key, totp_code
from django.test import Client

from accounts.models import User
from markets.models import Market, Membership, Role
from markets.services import membership_revoke


@pytest.mark.django_db
def test_an_administrator_signing_in_from_the_admin_lands_back_in_the_admin(
    frozen_time: time_machine.Traveller, system_admin: User
) -> None:
    client = Client()
    first = client.get("/admin/")
    second = client.get(first["Location"])
    assert second["Location"] == "/accounts/login/?next=/admin/"

    signed_in = client.post(
        second["Location"],
        {
            "username": "sysadmin",
            "password": PASSWORD,
            "otp_token": totp_code(device_key(system_admin)),
        },
    )

    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_admins_own_sign_in_url_sends_a_signed_in_administrator_to_the_index(
    system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(system_admin).get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_the_admins_own_sign_in_url_refuses_a_signed_in_officer(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    assert verified_client(officer).get("/admin/login/").status_code == 403


@pytest.mark.django_db
def test_the_admin_has_no_password_form_of_its_own(system_admin: User) -> None:
    client = Client()

    response = client.post("/admin/login/", {"username": "sysadmin", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_django_staff_flag_opens_nothing(
    verified_client: Callable[[User], Client],
) -> None:
    """Roles are memberships; Django's is_staff flag is not a way in."""
    user = UserFactory.create(username="flagged", is_staff=True)
    add_totp_device(user, TOTP_KEYS[Role.OFFICER])

    assert verified_client(user).get("/admin/").status_code == 403


@pytest.mark.django_db
def test_revoking_the_role_revokes_the_admin_site(
    security_admin: User, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    membership = Membership.objects.get(user=system_admin)
    membership_id = membership.pk
    assert verified_client(system_admin).get("/admin/").status_code == 200

    membership_revoke(actor=security_admin, membership=membership)

    assert verified_client(system_admin).get("/admin/").status_code == 403
    deleted = Membership.history.filter(id=membership_id).latest()
    assert deleted.history_type == "-"
    assert deleted.history_user == security_admin


@pytest.mark.django_db
def test_the_security_administrator_grants_a_role_in_the_admin_and_it_is_recorded(
    security_admin: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    recruit = UserFactory.create(username="recruit")

    response = verified_client(security_admin).post(
        "/admin/markets/membership/add/",
        {"user": recruit.pk, "role": Role.OFFICER, "market": nanning_market.pk, "region": ""},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=recruit)
    assert (membership.role, membership.market) == (Role.OFFICER, nanning_market)
    record = membership.history.get()
    assert record.history_type == "+"
    assert record.history_user == security_admin


@pytest.mark.django_db
def test_the_admin_refuses_a_second_administrator_role_with_the_reason(
    security_admin: User,
    system_admin: User,
    verified_client: Callable[[User], Client],
) -> None:
    response = verified_client(security_admin).post(
        "/admin/markets/membership/add/",
        {"user": system_admin.pk, "role": Role.AUDIT_ADMIN, "market": "", "region": ""},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert list(Membership.objects.filter(user=system_admin).values_list("role", flat=True)) == [
        Role.SYSTEM_ADMIN
    ]


@pytest.mark.django_db
def test_the_audit_administrator_cannot_change_anything(
    audit_admin: User, officer: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(audit_admin)
    membership = Membership.objects.get(user=officer)

    assert client.get(f"/admin/markets/membership/{membership.pk}/change/").status_code == 200
    assert client.post(f"/admin/markets/membership/{membership.pk}/delete/").status_code == 403
    # Disabling is not among their actions: the list is shown again and nothing happens.
    disable = {"action": "disable_accounts", "_selected_action": [officer.pk]}
    assert client.post("/admin/accounts/user/", disable).status_code == 200
    officer.refresh_from_db()
    assert officer.is_active is True
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_signing_out_of_the_admin_ends_every_session(
    system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    admin_tab = verified_client(system_admin)
    other_session = verified_client(system_admin)

    response = admin_tab.post("/admin/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert other_session.get("/admin/").status_code == 302
    assert "_auth_user_id" not in other_session.session
