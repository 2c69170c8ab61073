"""Staff named on the dashboards (the SLA dashboard's officers, the workload chart's owners) are
named from each process's memory of the market's staff (``staff_names``, ``sla.memo``), and
only anyone else (someone who left, an account of another market) is read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from absence_support import colleague
from case_support import market_make

from accounts.models import User
from cases.staff_selectors import staff_names
from markets.models import Market

pytestmark = pytest.mark.django_db


def test_the_markets_staff_are_named_from_memory_and_anyone_else_is_read(
    officer: User, nanning_market: Market, django_assert_num_queries: Callable[..., Any]
) -> None:
    zhang = colleague("张三", nanning_market)
    zhang.full_name = "张三丰"
    zhang.save()
    left = colleague("王五", nanning_market)
    left.is_active = False
    left.save()
    elsewhere = colleague("赵六", market_make("450200", "柳州市"))
    staff_names(market_ids=[nanning_market.pk], user_ids=[officer.pk])  # kept from now on

    with django_assert_num_queries(0):
        assert staff_names(market_ids=[nanning_market.pk], user_ids=[officer.pk, zhang.pk]) == {
            officer.pk: str(officer),
            zhang.pk: "张三丰",
        }
    with django_assert_num_queries(1):
        assert staff_names(
            market_ids=[nanning_market.pk], user_ids=[zhang.pk, left.pk, elsewhere.pk]
        ) == {zhang.pk: "张三丰", left.pk: "王五", elsewhere.pk: "赵六"}
    assert staff_names(market_ids=[nanning_market.pk], user_ids=[]) == {}


def test_a_new_name_is_seen_at_once(officer: User, nanning_market: Market) -> None:
    assert staff_names(market_ids=[nanning_market.pk], user_ids=[officer.pk]) == {
        officer.pk: str(officer)
    }

    officer.full_name = "新名字"
    officer.save(update_fields=["full_name"])

    assert staff_names(market_ids=[nanning_market.pk], user_ids=[officer.pk]) == {
        officer.pk: "新名字"
    }
