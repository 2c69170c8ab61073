"""A chart and its table are one piece of data (exports.charts): the table's rows, the file's
cells and what ECharts draws come from the same values; no data is a gap and "—", never 0."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from exports.charts import LINE, Chart, Series, chart_file


def weekly() -> Chart:
    return Chart(
        name="rate",
        title="On time",
        category_heading="Week",
        categories=["11-02", "11-09", "=1+1"],
        series=[Series("Rate (%)", [200 / 3, None, 50.0]), Series("Finished", [3, 0, 2])],
        type=LINE,
        percent=True,
        drawn=1,
    )


def test_the_table_the_file_and_the_drawing_hold_the_same_figures() -> None:
    chart = weekly()

    assert chart.headings() == ["Week", "Rate (%)", "Finished"]
    assert chart.rows() == [["11-02", "66.7", 3], ["11-09", "", 0], ["=1+1", "50.0", 2]]
    assert chart.display_rows()[1] == ["11-09", "—", 0]
    spec = chart.spec()
    assert spec["series"][0]["data"] == [66.7, None, 50.0]  # a gap, not 0
    assert (spec["drawn"], spec["percent"], spec["empty"]) == (1, True, "")
    csv, content_type = chart_file(chart, "csv")
    assert content_type == "text/csv; charset=utf-8"
    assert csv.decode("utf-8-sig").splitlines() == [
        "Week,Rate (%),Finished",
        "11-02,66.7,3",
        "11-09,,0",
        "'=1+1,50.0,2",  # a category typed by someone never runs as a formula
    ]
    xlsx, _type = chart_file(chart, "xlsx")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()][3] == ["'=1+1", "50.0", 2]


def test_the_pages_table_shows_the_rows_as_the_template_did_every_text_escaped() -> None:
    chart = Chart(
        name="load",
        title="Open cases",
        category_heading="Officer",
        categories=["<b>李\"四'</b> & co", "王五"],
        series=[Series("Rate (%)", [12.25, None]), Series("Open", [1234, 0])],
    )

    assert chart.table_body() == (
        '<tr><th scope="row">&lt;b&gt;李&quot;四&#x27;&lt;/b&gt; &amp; co</th>'
        '<td class="number">12.2</td><td class="number">1234</td></tr>\n'
        '<tr><th scope="row">王五</th><td class="number">—</td><td class="number">0</td></tr>'
    )
    # The same escaping as the template's own for the one text a user types here.
    assert escape(chart.categories[0]) in chart.table_body()


def test_a_table_with_no_rows_says_so_across_every_column() -> None:
    chart = Chart(
        name="none", title="t", category_heading="c", categories=[], series=[Series("s", [])]
    )

    with translation.override("en"):
        assert chart.table_body() == '<tr><td colspan="2" class="hint">No data</td></tr>'


def test_a_chart_with_nothing_to_draw_says_so() -> None:
    chart = Chart(
        name="empty", title="t", category_heading="c", categories=["a"], series=[Series("s", [0])]
    )

    assert chart.is_empty and chart.spec()["empty"]


def test_a_series_without_one_value_per_category_or_an_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError):
        Chart(
            name="x",
            title="t",
            category_heading="c",
            categories=["a", "b"],
            series=[Series("s", [1])],
        )
    with pytest.raises(ValueError):
        Chart(name="x", title="t", category_heading="c", categories=[], series=[], type="radar")
    with pytest.raises(ValueError):
        chart_file(weekly(), "pdf")
