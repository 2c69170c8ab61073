"""What every staff page reads before its own work, kept out of the database where it can be:
the user's rights are read as the case rules read them, once per process until a membership
changes (``cases.permissions``, kept in ``sla.memo``), so the top bar (is this user an
inspector? an administrator?) costs no query of its own and a role given or taken away counts
from the user's next request; the session is read through the cache, and from the database
when the cache has lost it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from backoffice.common.access import is_inspector, is_system_admin
from markets.models import Membership, Region, Role

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The same account as the next request reads it: nothing cached on the object."""
    return User.objects.get(pk=user.pk)


def test_a_staff_page_reads_no_membership_once_the_rights_are_known(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(officer)
    assert client.get("/cases/").status_code == 200  # the rights read and kept
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    assert not [q["sql"] for q in queries if "markets_membership" in q["sql"]]


@pytest.mark.parametrize(
    ("role", "check"),
    [(Role.INSPECTOR, is_inspector), (Role.SYSTEM_ADMIN, is_system_admin)],
    ids=["inspector", "system admin"],
)
def test_a_role_given_or_taken_away_counts_from_the_next_request(
    officer: User, nanning: Region, role: str, check: Callable[[User], bool]
) -> None:
    assert not check(fresh(officer))
    given = Membership.objects.create(
        user=officer, role=role, region=nanning if role == Role.INSPECTOR else None
    )
    assert check(fresh(officer))
    given.delete()
    assert not check(fresh(officer))


def test_a_page_reads_the_session_from_the_cache_and_from_the_database_when_the_cache_lost_it(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(officer)
    assert client.get("/cases/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    assert not [q["sql"] for q in queries if "django_session" in q["sql"]]
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200  # still signed in, both factors
    assert [q["sql"] for q in queries if "django_session" in q["sql"]]
