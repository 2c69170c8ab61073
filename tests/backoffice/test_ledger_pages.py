"""The work-log ledger pages: the team lead reads, exports and signs off a day; inspectors
read; officers and other markets do not."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import time_machine
from conftest import SHANGHAI, case_make
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook
from test_case_support import market_make, staff_make

from accounts.models import User
from audit.ledger import FIGURE_LABELS
from audit.models import AuditEvent, LedgerSignOff
from markets.models import Market, Region, Role

pytestmark = pytest.mark.django_db

DAY = "2026-03-02"


@pytest.fixture
def a_day_of_work(officer: User) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        case_make(officer, subject="第一件")
        case_make(officer, subject="第二件")


def test_the_team_lead_reads_the_days_figures(
    a_day_of_work: None,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    response = verified_client(team_lead).get(f"/ledger/{nanning_market.pk}/?day={DAY}")

    assert response.status_code == 200
    assert totals_of(response)[_label("opened")] == 2
    assert [line.username for line in response.context["ledger"].officers] == ["officer"]
    assert response.context["can_sign_off"] is True
    assert "工作日志台账" in response.content.decode()


def test_a_month_sums_its_days(
    a_day_of_work: None,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    response = verified_client(team_lead).get(f"/ledger/{nanning_market.pk}/?month=2026-03")

    assert totals_of(response)[_label("opened")] == 2
    assert response.context["can_sign_off"] is False  # a month is signed off day by day


def test_exports_are_files_and_each_is_an_event(
    a_day_of_work: None,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(team_lead)

    as_csv = client.get(f"/ledger/{nanning_market.pk}/?day={DAY}&format=csv")
    as_xlsx = client.get(f"/ledger/{nanning_market.pk}/?day={DAY}&format=xlsx")

    assert as_csv["Content-Type"].startswith("text/csv")
    assert "attachment" in as_csv["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert any(row[:1] == [nanning_market.name] or nanning_market.name in row for row in rows)
    workbook = load_workbook(io.BytesIO(as_xlsx.content))
    assert len(workbook.sheetnames) == 2
    exported = AuditEvent.objects.filter(action="ledger.exported", actor=team_lead)
    assert sorted(exported.values_list("new_values__format", flat=True)) == ["csv", "xlsx"]


@pytest.mark.parametrize(
    ("language", "kind", "channel"),
    [("zh-hans", "政策咨询", "窗口"), ("en", "Policy consultation", "Counter")],
)
def test_exports_name_case_kinds_and_channels_never_their_codes(
    a_day_of_work: None,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
    language: str,
    kind: str,
    channel: str,
) -> None:
    client = verified_client(team_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    as_csv = client.get(f"/ledger/{nanning_market.pk}/?day={DAY}&format=csv")
    as_xlsx = client.get(f"/ledger/{nanning_market.pk}/?day={DAY}&format=xlsx")

    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    cells = [[str(c) for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    for table in (rows, cells):
        breakdown = [row[2] for row in table if len(row) == 4 and row[1] and row[3].isdigit()]
        assert kind in breakdown and channel in breakdown
        assert "policy_consultation" not in breakdown and "counter" not in breakdown
    assert AuditEvent.objects.filter(action="ledger.exported", actor=team_lead).count() == 2


def test_the_team_lead_signs_off_a_day_once(
    a_day_of_work: None,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(team_lead)
    url = f"/ledger/{nanning_market.pk}/sign-off/"

    first = client.post(url, {"day": DAY, "note": "已核对"}, follow=True)
    again = client.post(url, {"day": DAY}, follow=True)

    assert first.status_code == 200
    sign_off = LedgerSignOff.objects.get(market=nanning_market)
    assert (sign_off.signed_by, sign_off.note) == (team_lead, "已核对")
    assert AuditEvent.objects.filter(action="ledger.signed_off").count() == 1
    assert first.context["can_sign_off"] is False
    assert any("已" in str(m) for m in again.context["messages"])
    assert LedgerSignOff.objects.count() == 1


def test_an_inspector_reads_but_cannot_sign_off(
    a_day_of_work: None,
    inspector: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(inspector)

    page = client.get(f"/ledger/{nanning_market.pk}/?day={DAY}")
    post = client.post(f"/ledger/{nanning_market.pk}/sign-off/", {"day": DAY})

    assert page.status_code == 200
    assert page.context["can_sign_off"] is False
    assert post.status_code == 403
    assert not LedgerSignOff.objects.exists()


def test_an_officer_gets_403_and_another_markets_lead_404(
    officer: User,
    guangxi: Region,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    liuzhou = market_make("450200", "柳州市")
    liuzhou_lead = staff_make("liuzhou_lead", Role.TEAM_LEAD, market=liuzhou)

    assert verified_client(officer).get(f"/ledger/{nanning_market.pk}/").status_code == 403
    assert verified_client(liuzhou_lead).get(f"/ledger/{nanning_market.pk}/").status_code == 404
    assert verified_client(liuzhou_lead).get(f"/ledger/{liuzhou.pk}/").status_code == 200


def test_a_malformed_period_falls_back_to_today_with_a_message(
    team_lead: User, nanning_market: Market, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(team_lead).get(f"/ledger/{nanning_market.pk}/?month=2026-13")

    assert response.status_code == 200
    assert response.context["ledger"].is_day
    assert [str(m) for m in response.context["messages"]]


def totals_of(response: Any) -> dict[str, int]:
    return {
        str(label): count
        for _title, figures in response.context["sections"]
        for _name, label, count in figures
    }


def _label(name: str) -> str:
    return str(dict(FIGURE_LABELS)[name])


def test_each_figure_opens_to_the_events_behind_it(
    a_day_of_work: None,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(team_lead)
    ledger_page = client.get(f"/ledger/{nanning_market.pk}/?day={DAY}").content.decode()
    link = f"/ledger/{nanning_market.pk}/events/?day={DAY}&amp;figure=opened"
    assert link in ledger_page
    assert f"{link}&amp;officer={officer.pk}" in ledger_page
    assert "figure=postings_published" in ledger_page  # the main business is listed too

    response = client.get(link.replace("&amp;", "&"))
    mine = client.get(
        f"/ledger/{nanning_market.pk}/events/?day={DAY}&figure=opened&officer={officer.pk}"
    )
    other_day = client.get(f"/ledger/{nanning_market.pk}/events/?day=2026-03-03&figure=opened")

    assert response.status_code == 200
    assert [event.action for event in response.context["events"]] == ["case.opened"] * 2
    assert mine.context["events"].paginator.count == 2
    assert other_day.context["events"].paginator.count == 0
    nobody = client.get(f"/ledger/{nanning_market.pk}/events/?day={DAY}&officer={team_lead.pk}")
    assert nobody.status_code == 404  # the lead has no line in this day's ledger
    assert client.get(f"/ledger/{nanning_market.pk}/events/?figure=nonsense").status_code == 404
