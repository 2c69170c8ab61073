"""A chart and its table are one piece of data (exports.charts): the table's rows, the file's
cells and what ECharts draws come from the same values; no data is a gap and "—", never 0."""

from __future__ import annotations

import io

import pytest
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
