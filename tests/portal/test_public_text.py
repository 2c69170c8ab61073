"""The public pages' filter for employers' free text (standard art. 8; PIPL): phone numbers
are hidden however they are written, the rest of the text is left alone."""

from __future__ import annotations

import pytest
from django.test import Client
from portal_support import html, organisation_employer, posting_make

from markets.models import Market
from portal.text import HIDDEN, phone_numbers_hidden


@pytest.mark.parametrize(
    "written",
    [
        "13812345678",
        "一三八一二三四五六七八",  # Chinese numerals
        "一三八〇〇一三八〇〇〇",  # with 〇 for zero
        "幺三八零零幺三八零零零",  # read aloud: 幺 for one, 零 for zero
        "壹叁捌壹贰叁肆伍陆柒捌",  # financial numerals
        "138一二三四5678",  # mixed
        "1\u200b3\u200b8\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7\u200b8",  # ZWSP
        "138\u200d1234\u2060 5678",  # joiner, word joiner and a space
        "0771-5501234",
        "１３８ １２３４ ５６７８",  # full-width
    ],
)
def test_a_phone_number_however_written_is_hidden(written: str) -> None:
    hidden = phone_numbers_hidden(f"有意者请联系{written}，周末休息")

    assert hidden == f"有意者请联系{HIDDEN}，周末休息"


@pytest.mark.parametrize(
    "text",
    [
        "每天工作八小时，日结一百五十元",
        "2026年3月2日开工，需3至5人",
        "二〇二六年三月开工",
        "要求：一年以上经验，三班倒",
    ],
)
def test_dates_amounts_and_counts_are_not_taken_for_phone_numbers(text: str) -> None:
    assert phone_numbers_hidden(text) == text


@pytest.mark.django_db
def test_the_kiosk_hides_a_phone_number_in_chinese_numerals_or_with_zero_width_spaces(
    client: Client, nanning_market: Market
) -> None:
    zwsp_mobile = "\u200b".join("13987654321")
    description = f"有意者请联系一三八一二三四五六七八或{zwsp_mobile}"
    posting = posting_make(
        market=nanning_market, employer=organisation_employer(), description=description
    )

    text = html(client.get(f"/portal/{nanning_market.pk}/kiosk/postings/{posting.pk}/"))

    assert "一三八一二三四五六七八" not in text
    assert "\u200b" not in text
    assert f"有意者请联系{HIDDEN}或{HIDDEN}" in text


@pytest.mark.django_db
def test_a_phone_number_in_the_address_is_hidden_on_the_kiosk_and_the_big_screen(
    client: Client, nanning_market: Market
) -> None:
    posting = posting_make(
        market=nanning_market,
        employer=organisation_employer(),
        address="民族大道 88 号，电话一三八一二三四五六七八",
    )
    base = f"/portal/{nanning_market.pk}"

    pages = [
        html(client.get(f"{base}/kiosk/postings/{posting.pk}/")),
        html(client.get(f"{base}/kiosk/")),
        html(client.get(f"{base}/screen/")),
    ]

    for text in pages:
        assert "民族大道 88 号" in text
        assert "一三八一二三四五六七八" not in text
