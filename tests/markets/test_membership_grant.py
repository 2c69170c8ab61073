"""Granting roles: scope rules, and the separation of the three administrator roles (三员分立),
which the database enforces as well."""

from __future__ import annotations

import pytest
from conftest import MarketFactory, UserFactory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from markets.models import ADMIN_ROLES, Market, Membership, Region, Role
from markets.services import membership_grant

ADMIN_ROLE_PAIRS = [(held, asked) for held in sorted(ADMIN_ROLES) for asked in sorted(ADMIN_ROLES)]


@pytest.mark.django_db
def test_granting_a_market_role_records_who_granted_it(
    security_admin: User, nanning_market: Market
) -> None:
    user = UserFactory.create()

    membership = membership_grant(
        actor=security_admin, user=user, role=Role.OFFICER, market=nanning_market
    )

    assert Membership.objects.get(user=user) == membership
    record = membership.history.get()
    assert record.history_type == "+"
    assert record.history_user == security_admin
    assert (record.role, record.market_id) == (Role.OFFICER, nanning_market.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(("held", "asked"), ADMIN_ROLE_PAIRS)
def test_an_administrator_account_cannot_take_a_second_administrator_role(
    security_admin: User, held: Role, asked: Role
) -> None:
    user = UserFactory.create()
    membership_grant(actor=security_admin, user=user, role=held)

    with pytest.raises(ValidationError) as refused:
        membership_grant(actor=security_admin, user=user, role=asked)

    assert "role" in refused.value.message_dict
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [held]
    assert Membership.history.filter(user=user).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("admin_role", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("market_role", [Role.OFFICER, Role.TEAM_LEAD])
def test_an_administrator_role_and_a_market_role_exclude_each_other(
    security_admin: User, nanning_market: Market, admin_role: Role, market_role: Role
) -> None:
    staff = UserFactory.create()
    membership_grant(actor=security_admin, user=staff, role=market_role, market=nanning_market)
    administrator = UserFactory.create()
    membership_grant(actor=security_admin, user=administrator, role=admin_role)

    with pytest.raises(ValidationError):
        membership_grant(actor=security_admin, user=staff, role=admin_role)
    with pytest.raises(ValidationError):
        membership_grant(
            actor=security_admin, user=administrator, role=market_role, market=nanning_market
        )

    assert Membership.objects.get(user=staff).role == market_role
    assert Membership.objects.get(user=administrator).role == admin_role


@pytest.mark.django_db
@pytest.mark.parametrize("admin_role", sorted(ADMIN_ROLES))
def test_an_administrator_role_and_an_inspection_exclude_each_other(
    security_admin: User, guangxi: Region, admin_role: Role
) -> None:
    inspector = UserFactory.create()
    membership_grant(actor=security_admin, user=inspector, role=Role.INSPECTOR, region=guangxi)

    with pytest.raises(ValidationError):
        membership_grant(actor=security_admin, user=inspector, role=admin_role)


@pytest.mark.django_db
@pytest.mark.parametrize(("held", "asked"), ADMIN_ROLE_PAIRS)
def test_the_database_refuses_a_second_administrator_role(held: Role, asked: Role) -> None:
    user = UserFactory.create()
    Membership.objects.create(user=user, role=held)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=asked)

    assert Membership.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_role_whose_scope_does_not_fit(
    nanning_market: Market, guangxi: Region
) -> None:
    user = UserFactory.create()
    cases: list[tuple[Role, dict[str, Market | Region]]] = [
        (Role.OFFICER, {}),
        (Role.TEAM_LEAD, {"region": guangxi}),
        (Role.INSPECTOR, {"market": nanning_market}),
        (Role.SYSTEM_ADMIN, {"market": nanning_market}),
    ]
    for role, scope in cases:
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=user, role=role, **scope)

    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_one_staff_member_may_work_in_several_markets_and_inspect_several_regions(
    security_admin: User, nanning_market: Market, guangxi: Region, liuzhou: Region
) -> None:
    liuzhou_market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    user = UserFactory.create()

    membership_grant(actor=security_admin, user=user, role=Role.OFFICER, market=nanning_market)
    membership_grant(actor=security_admin, user=user, role=Role.TEAM_LEAD, market=liuzhou_market)
    membership_grant(actor=security_admin, user=user, role=Role.INSPECTOR, region=guangxi)

    assert Membership.objects.filter(user=user).count() == 3


@pytest.mark.django_db
def test_a_second_role_in_the_same_market_is_refused(
    security_admin: User, nanning_market: Market
) -> None:
    user = UserFactory.create()
    membership_grant(actor=security_admin, user=user, role=Role.OFFICER, market=nanning_market)

    with pytest.raises(ValidationError):
        membership_grant(
            actor=security_admin, user=user, role=Role.TEAM_LEAD, market=nanning_market
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        (Role.OFFICER, {}, "market"),
        (Role.TEAM_LEAD, {}, "market"),
        (Role.OFFICER, {"region": "guangxi"}, "region"),
        (Role.INSPECTOR, {}, "region"),
        (Role.INSPECTOR, {"market": "nanning_market"}, "market"),
        (Role.SYSTEM_ADMIN, {"market": "nanning_market"}, "role"),
        (Role.AUDIT_ADMIN, {"region": "guangxi"}, "role"),
    ],
)
def test_a_role_without_its_proper_scope_is_refused(
    request: pytest.FixtureRequest,
    security_admin: User,
    role: Role,
    scope: dict[str, str],
    field: str,
) -> None:
    user = UserFactory.create()
    objects = {name: request.getfixturevalue(fixture) for name, fixture in scope.items()}

    with pytest.raises(ValidationError) as refused:
        membership_grant(actor=security_admin, user=user, role=role, **objects)

    assert field in refused.value.message_dict
    assert not Membership.objects.filter(user=user).exists()
