"""The statistics page's tables built in Python (``statistics_tags``): the same cells the
template language gave, values escaped, "unknown" and "no data" in the reader's language, and
a link to the records behind every figure above 0."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from backoffice.templatetags.statistics_tags import cell_rows, market_rows, scope_options

RECORDS = "/statistics/records/"
QUERY = "scope=market:1&month=2026-03"


@dataclass
class _Area:
    key: str
    name: str


def test_the_scopes_are_options_with_the_current_one_selected_and_names_escaped() -> None:
    areas = [(_Area("market:1", "南宁<市>"), "市场"), (_Area("province:450000", "广西"), "全区")]

    html = scope_options(areas, areas[1][0])

    assert html == (
        '<option value="market:1">市场: 南宁&lt;市&gt;</option>'
        '<option value="province:450000" selected>全区: 广西</option>'
    )


def test_cells_link_each_figure_to_its_records_and_say_unknown_and_no_data() -> None:
    rows = [
        {"code": "4-03", "name": "餐饮 & 住宿", "openings": 12, "seekers": 0, "demand_ratio": None},
        {"code": "unknown", "name": "", "openings": 0, "seekers": 3, "demand_ratio": 0.0},
    ]
    with translation.override("en"):
        html = cell_rows(
            rows, records=RECORDS, query=QUERY, cell="occupation_middle", with_seekers=True
        )

    first, second = html.split("\n")
    assert first == (
        "<tr><td>4-03</td><td>餐饮 &amp; 住宿</td>"
        '<td class="num"><a href="/statistics/records/?scope=market:1&amp;month=2026-03'
        '&amp;kind=postings&amp;cell=occupation_middle&amp;code=4-03">12</a></td>'
        '<td class="num">0</td><td class="num">No data</td></tr>'
    )
    assert second.startswith('<tr><td>Unknown</td><td></td><td class="num">0</td>')
    assert "kind=seekers&amp;cell=occupation_middle&amp;code=unknown" in second
    assert second.endswith('<td class="num">0.0</td></tr>')


def test_cells_of_an_industry_have_no_seekers_and_an_empty_table_says_no_data() -> None:
    rows = [{"code": "62", "name": "餐饮业", "openings": 5}]
    with translation.override("zh-hans"):
        html = cell_rows(
            rows, records=RECORDS, query=QUERY, cell="industry_division", with_seekers=False
        )
        empty = cell_rows([], records=RECORDS, query=QUERY, cell="x", with_seekers=False)

    assert html.count("<td") == 3
    assert "code=62" in html
    assert empty == '<tr><td colspan="5">暂无数据</td></tr>'


def test_markets_rows_escape_names_and_say_no_data() -> None:
    rows = [{"name": "<b>柳州</b>", "openings": 4, "seekers": 0, "demand_ratio": None}]
    with translation.override("en"):
        html = market_rows(rows)

    assert html == (
        '<tr><td>&lt;b&gt;柳州&lt;/b&gt;</td><td class="num">4</td>'
        '<td class="num">0</td><td class="num">No data</td></tr>'
    )
