"""The public notice board lists the market's training programmes and providers (standard
art. 21) from the training app's own selectors: no guessing at its models' fields."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from training_support import (
    TODAY,
    other_market_officer_make,
    programme_make,
    provider_make,
    regions_make,
)

from markets.models import Market
from workflows.training.models import Provider
from workflows.training.selectors import programme_list_for_board, provider_list_for_board

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    regions_make()
    with translation.override("en"):
        yield


def test_the_board_lists_published_programmes_that_have_not_ended_and_active_providers(
    nanning_market: Market,
) -> None:
    provider = provider_make(nanning_market)
    gone = Provider.objects.create(name="已停办的培训学校", credit_code="", address="", phone="")
    gone.markets.add(nanning_market)
    gone.is_active = False
    gone.save()
    _elsewhere, liuzhou = other_market_officer_make()
    listed = programme_make(provider, nanning_market, title="餐厅服务员晚间班")
    last_day = programme_make(provider, nanning_market, title="今天结课", ends_on=TODAY)
    programme_make(provider, nanning_market, title="草稿班", is_published=False)
    programme_make(
        provider,
        nanning_market,
        title="已结课",
        starts_on=TODAY - timedelta(days=30),
        ends_on=TODAY - timedelta(days=1),
    )
    programme_make(provider, liuzhou, title="柳州的班")

    assert programme_list_for_board(market=nanning_market, today=TODAY) == [listed, last_day]
    assert provider_list_for_board(market=nanning_market) == [provider]
    assert provider_list_for_board(market=liuzhou) == []

    page = Client().get(f"/portal/{nanning_market.pk}/board/").content.decode()
    training = page[page.index('id="training"') : page.index('id="start-up"')]
    assert "餐厅服务员晚间班" in training
    assert "今天结课" in training
    assert "南宁市烹饪职业培训学校" in training
    for hidden in ("草稿班", "已结课", "柳州的班", "已停办的培训学校"):
        assert hidden not in training
