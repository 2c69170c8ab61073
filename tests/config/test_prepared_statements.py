"""On PostgreSQL the back office binds parameters on the server, and a statement a connection
has run DATABASE_PREPARE_THRESHOLD times is prepared there: parsed and, where PostgreSQL finds
its generic plan as cheap, planned once per connection rather than per request
(config.settings.base.database_tuned). The whole suite runs so on PostgreSQL."""

from __future__ import annotations

import pytest
from conftest import MarketFactory
from django.conf import settings
from django.db import connection

from markets.models import Market

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
