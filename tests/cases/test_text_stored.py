"""``text_stored``: the one cleaner of free text (notes, reasons) the workflows' services share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cases.identity import text_stored


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_text_is_stored_stripped() -> None:
    assert text_stored("  带身份证原件 \n", field="note", max_length=20) == "带身份证原件"


def test_empty_optional_text_is_stored_empty() -> None:
    assert text_stored(None, field="note", max_length=20) == ""


def test_empty_required_text_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as error:
        text_stored("   ", field="reason", max_length=20, required_label="reason")
    assert error.value.message_dict == {"reason": ["Enter the reason."]}


def test_a_nul_character_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        text_stored("a\x00b", field="note", max_length=20)
    assert error.value.message_dict == {
        "note": ["The text contains a character that cannot be stored."]
    }


def test_text_longer_than_the_limit_is_refused() -> None:
    assert text_stored("x" * 5, field="note", max_length=5) == "xxxxx"
    with pytest.raises(ValidationError) as error:
        text_stored("x" * 6, field="note", max_length=5)
    assert error.value.message_dict == {"note": ["Enter at most 5 characters."]}
