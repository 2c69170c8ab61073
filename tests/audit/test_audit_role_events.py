"""Granting, changing and revoking staff roles leave events with the acting administrator."""

from __future__ import annotations

import pytest
from audit_support import market_make, region_make, rows, user_make
from django.core.exceptions import ValidationError

from accounts.models import User
from audit.selectors import chain_verify
from markets.models import Market, Membership, Role
from markets.services import membership_grant, membership_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def market() -> Market:
    return market_make()


@pytest.fixture
def security_admin() -> User:
    return user_make("secadmin", role=Role.SECURITY_ADMIN)


def test_granting_a_market_role_records_roles_granted_on_the_market_chain(
    market: Market, security_admin: User
) -> None:
    staff = user_make("wangwu")

    membership = membership_grant(
        actor=security_admin, user=staff, role=Role.OFFICER, market=market
    )

    [event] = rows("roles.granted")[1:]  # the first is the fixture's own administrator role
    assert event.actor == security_admin
    assert event.actor_label == "secadmin"
    assert (event.target_type, event.target_id) == ("markets.membership", str(membership.pk))
    assert (event.market, event.chain) == (market, f"market:{market.pk}")
    assert event.new_values == {
        "user_id": staff.pk,
        "user": "wangwu",
        "role": "officer",
        "market_id": market.pk,
        "region": None,
    }
    assert event.old_values == {}
    assert chain_verify(chain=event.chain).ok


def test_a_system_wide_role_goes_to_the_global_chain(security_admin: User) -> None:
    auditor = user_make("auditor")

    membership_grant(actor=security_admin, user=auditor, role=Role.AUDIT_ADMIN)

    event = rows("roles.granted")[-1]
    assert (event.chain, event.market) == ("global", None)
    assert event.new_values["role"] == "audit_admin"
    assert event.actor == security_admin


def test_an_inspector_role_records_its_region(security_admin: User) -> None:
    staff = user_make("inspector")

    membership_grant(
        actor=security_admin, user=staff, role=Role.INSPECTOR, region=region_make("450000")
    )

    assert rows("roles.granted")[-1].new_values["region"] == "450000"


def test_revoking_a_role_records_roles_revoked_with_what_was_held(
    market: Market, security_admin: User
) -> None:
    staff = user_make("zhaoliu")
    membership = membership_grant(
        actor=security_admin, user=staff, role=Role.TEAM_LEAD, market=market
    )
    membership_pk = membership.pk

    membership_revoke(actor=security_admin, membership=membership)

    [event] = rows("roles.revoked")
    assert event.actor == security_admin
    assert event.target_id == str(membership_pk)
    assert event.old_values["role"] == "team_lead"
    assert event.new_values == {}
    assert event.chain == f"market:{market.pk}"
    assert chain_verify(chain=event.chain).ok


def test_changing_a_role_in_place_records_old_and_new(market: Market, security_admin: User) -> None:
    staff = user_make("sunqi")
    membership = membership_grant(
        actor=security_admin, user=staff, role=Role.OFFICER, market=market
    )

    membership.role = Role.TEAM_LEAD
    membership._history_user = security_admin  # type: ignore[attr-defined]  # as the admin does
    membership.save()

    [event] = rows("roles.changed")
    assert event.old_values["role"] == "officer"
    assert event.new_values["role"] == "team_lead"
    assert event.actor == security_admin


def test_a_refused_grant_leaves_no_event(market: Market, security_admin: User) -> None:
    before = len(rows())

    with pytest.raises(ValidationError):
        membership_grant(
            actor=security_admin, user=security_admin, role=Role.OFFICER, market=market
        )

    assert len(rows()) == before
    assert not Membership.objects.filter(user=security_admin, market=market).exists()
