"""No superusers (三员分立): administrators are created with exactly one administrator role."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from accounts.models import User
from markets.models import Membership, Role

STRONG = "Adm1n-Passw0rd-2026"


@pytest.mark.django_db
def test_a_superuser_account_is_refused_by_the_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_superuser("root", password=STRONG)
    assert not User.objects.filter(username="root").exists()


@pytest.mark.django_db
def test_create_admin_makes_an_account_with_one_administrator_role(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LGSC_ADMIN_PASSWORD", STRONG)

    call_command("create_admin", "alice", role="security_admin", no_input=True)

    alice = User.objects.get(username="alice")
    assert alice.check_password(STRONG)
    assert not alice.is_superuser
    assert list(Membership.objects.filter(user=alice).values_list("role", flat=True)) == [
        Role.SECURITY_ADMIN
    ]
    assert alice.has_perm("markets.add_membership")
    assert not alice.has_perm("markets.add_market")


@pytest.mark.django_db
def test_create_admin_refuses_a_weak_password_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LGSC_ADMIN_PASSWORD", "short")

    with pytest.raises(CommandError, match="12"):
        call_command("create_admin", "bob", role="system_admin", no_input=True)

    assert not User.objects.filter(username="bob").exists()


@pytest.mark.django_db
def test_create_admin_refuses_an_existing_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LGSC_ADMIN_PASSWORD", STRONG)
    call_command("create_admin", "carol", role="audit_admin", no_input=True)

    with pytest.raises(CommandError, match="exists"):
        call_command("create_admin", "carol", role="system_admin", no_input=True)

    assert Membership.objects.filter(user__username="carol").count() == 1
