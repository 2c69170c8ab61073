"""What every staff page reads before its own work, kept out of the database where it can be:
the user's rights are read as the case rules read them, once per process until a membership
changes (``cases.permissions``, kept in ``sla.memo``; tests/cases/test_rights_memo.py), so the
top bar (is this user an inspector? an administrator?) costs no query of its own; the session
is read through the cache, and from the database when the cache has lost it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_staff_page_reads_no_membership_once_the_rights_are_known(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(officer)
    assert client.get("/cases/").status_code == 200  # the rights read and kept
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    assert not [q["sql"] for q in queries if "markets_membership" in q["sql"]]


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
