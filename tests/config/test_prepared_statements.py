"""On PostgreSQL the back office binds parameters on the server, and a statement a connection
has run DATABASE_PREPARE_THRESHOLD times is prepared there: parsed and, where PostgreSQL finds
its generic plan as cheap, planned once per connection rather than per request
(config.settings.base.database_tuned). The whole suite runs so on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import MarketFactory
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.models import User
from markets.models import Market

Clients = Callable[[User], Client]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_on_markets() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "markets_market"%'],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_statement_run_more_than_the_threshold_is_prepared_with_its_parameters_apart(
    nanning_market: Market,
) -> None:
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    assert settings.DATABASES["default"]["OPTIONS"]["server_side_binding"] is True
    assert threshold == 5

    for _ in range(threshold):
        assert Market.objects.filter(pk=nanning_market.pk).first() == nanning_market
    assert _prepared_on_markets() == []  # run five times: not yet

    # The sixth run, with another value: the same statement, prepared now.
    assert Market.objects.filter(pk=nanning_market.pk + 1000).first() is None

    (statement,) = _prepared_on_markets()
    assert '"markets_market"."id" = $1' in statement  # the value is a parameter, not text


@pytest.mark.django_db
def test_a_prepared_statement_answers_for_each_value_it_is_given(nanning_market: Market) -> None:
    other = MarketFactory.create(region=nanning_market.region, name="Second market")
    names = [
        Market.objects.filter(pk=pk).values_list("name", flat=True).get()
        for pk in [nanning_market.pk, other.pk] * 6
    ]

    assert names == [nanning_market.name, "Second market"] * 6
    assert any("$1" in statement for statement in _prepared_on_markets())


@pytest.mark.django_db(transaction=True)  # each request its own transaction, as served
def test_a_list_pages_statements_are_planned_for_their_values_even_when_prepared(
    verified_client: Clients, team_lead: User, nanning_market: Market
) -> None:
    """A generic plan, made for any state and any due time, walked a market's overdue cases
    in progress half as fast again at a million cases: a list is planned for what it is
    given each time (``plan_cache_mode`` in ``LIST_PLAN_SETTINGS``)."""
    client = verified_client(team_lead)
    url = f"/cases/market/{nanning_market.pk}/?state=in_progress&due=overdue"
    with connection.cursor() as cursor:
        # Every other statement of this connection planned generically, at once.
        cursor.execute("SET plan_cache_mode = force_generic_plan")
    try:
        for _ in range(8):
            assert client.get(url).status_code == 200
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET plan_cache_mode")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ['%FROM "cases_case"%'],
        )
        plans = cursor.fetchall()
        cursor.execute(
            "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "accounts_user"%'],
        )
        others = [generic for (generic,) in cursor.fetchall()]
    assert plans  # the list's statements were prepared
    assert all(generic == 0 and custom > 0 for generic, custom in plans)
    assert max(others) > 0  # the signed-in user, read before the list's transaction
