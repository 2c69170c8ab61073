"""Issue 10, item 1: what the search box recognises in what was typed (pure, no database)."""

from __future__ import annotations

import pytest

from search.query import QUERY_MAX_LENGTH, QueryKind, fts5_phrase, query_parse

ID_NUMBER = "450102199003071238"


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u202e", "\t\n"])
def test_empty_and_invisible_queries_search_nothing(typed: str) -> None:
    query = query_parse(typed)
    assert query.kind == QueryKind.EMPTY
    assert not query.searches


@pytest.mark.parametrize("typed", ["张", "a", "%", "_", "😀", "1", "12", "4-"])
def test_one_character_or_two_digits_are_too_short(typed: str) -> None:
    query = query_parse(typed)
    assert query.kind == QueryKind.TOO_SHORT
    assert not query.searches


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        (ID_NUMBER, QueryKind.ID_NUMBER, ID_NUMBER),
        ("４５０１０２１９９００３０７１２３８", QueryKind.ID_NUMBER, ID_NUMBER),  # full-width
        ("45010219900307123x", QueryKind.ID_NUMBER, "45010219900307123X"),
        (" 450102 19900307 1238 ", QueryKind.ID_NUMBER, ID_NUMBER),
        ("13800138000", QueryKind.MOBILE, "13800138000"),
        ("+86 138-0013-8000", QueryKind.MOBILE, "13800138000"),
        ("91450100MA5K3D8Q0N", QueryKind.CREDIT_CODE, "91450100MA5K3D8Q0N"),
        ("91450100ma5k3d8q0n", QueryKind.CREDIT_CODE, "91450100MA5K3D8Q0N"),
        ("450102-2026-000123", QueryKind.REFERENCE, "450102-2026-000123"),
        ("000123", QueryKind.REFERENCE_PART, "000123"),
        ("123", QueryKind.REFERENCE_PART, "123"),
        ("2026-000123", QueryKind.REFERENCE_PART, "2026-000123"),
        ("张伟", QueryKind.TEXT, "张伟"),
        ("邕江餐饮", QueryKind.TEXT, "邕江餐饮"),
        ("%%", QueryKind.TEXT, "%%"),
        ("__", QueryKind.TEXT, "__"),
        ("😀😀", QueryKind.TEXT, "😀😀"),
        ("'; DROP TABLE cases_case; --", QueryKind.TEXT, "'; DROP TABLE cases_case; --"),
    ],
)
def test_each_kind_of_query_is_recognised(typed: str, kind: QueryKind, value: str) -> None:
    query = query_parse(typed)
    assert (query.kind, query.value) == (kind, value)


def test_only_id_number_and_mobile_searches_are_audited() -> None:
    audited = {kind for kind in QueryKind if query_parse(_example(kind)).audited}
    assert audited == {QueryKind.ID_NUMBER, QueryKind.MOBILE}


def _example(kind: QueryKind) -> str:
    return {
        QueryKind.EMPTY: "",
        QueryKind.TOO_SHORT: "张",
        QueryKind.ID_NUMBER: ID_NUMBER,
        QueryKind.MOBILE: "13800138000",
        QueryKind.CREDIT_CODE: "91450100MA5K3D8Q0N",
        QueryKind.REFERENCE: "450102-2026-000123",
        QueryKind.REFERENCE_PART: "0123",
        QueryKind.TEXT: "张伟",
    }[kind]


def test_a_2000_character_query_is_cut_to_the_maximum_and_says_so() -> None:
    query = query_parse("张" * 2000)
    assert query.kind == QueryKind.TEXT
    assert query.truncated
    assert len(query.value) == QUERY_MAX_LENGTH


def test_an_fts5_phrase_quotes_everything_so_nothing_is_query_syntax() -> None:
    assert fts5_phrase('a "b" OR c*') == '"a ""b"" OR c*"'
