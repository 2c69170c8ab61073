"""The industry classification GB/T 4754-2017 (国民经济行业分类) shipped as data: 20 sections
(门类 A–T) and 97 divisions (大类 01–97), each division under its section by the standard's
ranges; loaded by a data migration and found by the type-ahead's selector."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.industries import DIVISION, SECTION, STANDARD, industry_rows
from cases.models import Industry
from cases.selectors import INDUSTRY_SEARCH_LIMIT, industry_by_code, industry_search

# The standard's own ranges of 大类 per 门类 (written here apart from the data file).
SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
KNOWN_NAMES = {
    "A": "农、林、牧、渔业",
    "C": "制造业",
    "E": "建筑业",
    "H": "住宿和餐饮业",
    "O": "居民服务、修理和其他服务业",
    "01": "农业",
    "36": "汽车制造业",
    "47": "房屋建筑业",
    "54": "道路运输业",
    "59": "装卸搬运和仓储业",
    "60": "邮政业",
    "62": "餐饮业",
    "80": "居民服务业",
    "97": "国际组织",
}


def test_the_data_file_has_the_20_sections_and_97_divisions() -> None:
    rows = industry_rows()
    sections = [row for row in rows if row.level == SECTION]
    divisions = [row for row in rows if row.level == DIVISION]

    assert [row.code for row in sections] == list("ABCDEFGHIJKLMNOPQRST")
    assert [row.code for row in divisions] == [f"{n:02d}" for n in range(1, 98)]
    assert len(rows) == 117
    assert all(row.name for row in rows)


def test_every_division_belongs_to_its_section_by_the_standards_ranges() -> None:
    for row in industry_rows():
        if row.level != DIVISION:
            continue
        low, high = SECTION_RANGES[row.section]
        assert low <= int(row.code) <= high, row


def test_the_data_file_names_its_source_and_known_names_are_right() -> None:
    header = industry_rows.__globals__["DATA_FILE"].read_text(encoding="utf-8")
    assert STANDARD in header and "国民经济行业分类" in header and "修改单" in header
    names = {row.code: row.name for row in industry_rows()}
    for code, name in KNOWN_NAMES.items():
        assert names[code] == name


@pytest.mark.django_db
def test_the_data_migration_loaded_the_table_with_each_division_under_its_section() -> None:
    assert Industry.objects.filter(level=Industry.Level.SECTION, section=None).count() == 20
    divisions = Industry.objects.filter(level=Industry.Level.DIVISION).select_related("section")
    assert divisions.count() == 97
    for division in divisions:
        assert division.section is not None
        low, high = SECTION_RANGES[division.section.code]
        assert low <= int(division.code) <= high
    assert str(Industry.objects.get(code="62")) == "62 餐饮业"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("餐饮", ["62"]),
        ("6", ["60", "61", "62", "63", "64", "65", "66", "67", "68", "69"]),
        ("62", ["62"]),
        ("h", ["61", "62"]),
        ("运输", ["37", "53", "54", "55", "56", "57", "58"]),
    ],
)
def test_the_type_ahead_finds_divisions_by_code_prefix_section_or_name(
    text: str, codes: list[str]
) -> None:
    assert [industry.code for industry in industry_search(text=text)] == codes


@pytest.mark.django_db
def test_the_type_ahead_is_bounded_one_query_and_finds_nothing_for_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        found = industry_search(text="业")
    assert len(found) == INDUSTRY_SEARCH_LIMIT
    assert len(queries) == 1
    assert industry_search(text="  ") == []
    assert industry_search(text="没有这个行业") == []


@pytest.mark.django_db
def test_a_section_or_unknown_code_is_no_division() -> None:
    assert industry_by_code("H") is None
    assert industry_by_code("98") is None
    found = industry_by_code(" 62 ")
    assert found is not None and found.name == "餐饮业"
