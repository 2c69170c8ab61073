"""A piece rate's stated daily output (件/日), taken in with the posting so the monthly
statistics can convert the rate to a day's wage."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from markets.models import Region
from workflows.postings.validation import posting_validate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "postings"))
from posting_support import posting_data, qingxiu_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setting(nanning: Region, frozen_time: time_machine.Traveller) -> Iterator[None]:
    qingxiu_make()
    with translation.override("en"):
        yield


def test_a_piece_rate_keeps_its_stated_daily_output() -> None:
    cleaned = posting_validate(
        posting_data(pay_method="piece", pay_min="2", pay_max="2", piece_daily_output="150")
    )

    assert cleaned.piece_daily_output == 150
    assert cleaned.pay_daily is None  # converted by the statistics, not at intake


def test_an_output_is_optional_and_ignored_for_other_pay_methods() -> None:
    piece = posting_validate(posting_data(pay_method="piece", pay_min="2", pay_max="2"))
    daily = posting_validate(posting_data(piece_daily_output="150"))

    assert piece.piece_daily_output is None
    assert daily.piece_daily_output is None


@pytest.mark.parametrize("output", ["0", "100001", "many"])
def test_an_impossible_output_is_refused(output: str) -> None:
    with pytest.raises(ValidationError) as caught:
        posting_validate(
            posting_data(pay_method="piece", pay_min="2", pay_max="2", piece_daily_output=output)
        )

    assert list(caught.value.message_dict) == ["piece_daily_output"]
    assert caught.value.message_dict["piece_daily_output"][0].startswith("Daily output")
