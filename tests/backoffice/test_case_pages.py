"""The case pages as each role sees them: workbench, intake, case page, printed notice, the
team lead's market list and the event log. Officers of another market get 404 for a case
(its existence is not theirs to know) and 403 for a market's pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ID_NUMBERS, ServiceStationFactory, applicant_make, case_make
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from test_case_support import case_unclaimed, market_make, messages_of, page, staff_make

from accounts.models import User
from audit.actions import action_label
from audit.models import AuditEvent
from cases.attachments import case_attachment_add
from cases.models import Applicant, Case, ChecklistItem, State
from cases.services import (
    case_note_add,
    case_request_materials,
    case_transfer,
)
from markets.models import Market, Membership, Region, Role

Clients = Callable[[User], Client]
WHOLE_ID = ID_NUMBERS[0]
MASKED_ID = "450102********1238"


@pytest.fixture
def liuzhou_market(liuzhou: Region) -> Market:
    return market_make("450200", "柳州市")


@pytest.fixture
def other_officer(liuzhou_market: Market) -> User:
    """An officer of another market (柳州)."""
    return staff_make("liuzhou_officer", Role.OFFICER, market=liuzhou_market)


@pytest.fixture
def other_lead(liuzhou_market: Market) -> User:
    return staff_make("liuzhou_lead", Role.TEAM_LEAD, market=liuzhou_market)


@pytest.fixture
def case(officer: User) -> Case:
    return case_make(officer)


def zh(text: object) -> str:
    """``text`` (a message id or a lazy translation) as the Chinese page shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


# --- Workbench ---------------------------------------------------------------------------------


def test_workbench_lists_my_cases_the_unclaimed_and_transfers_with_masked_ids(
    verified_client: Clients, officer: User, team_lead: User, case: Case
) -> None:
    waiting = case_unclaimed(team_lead, subject="待认领的咨询")
    sent = case_make(team_lead, subject="转给我的咨询")
    case_transfer(
        actor=team_lead, case=sent, to_market=sent.market, to_user=officer, reason="请接手"
    )

    response = verified_client(officer).get("/cases/")

    html = page(response)
    assert response.status_code == 200
    assert [c.pk for c in response.context["mine"]] == [case.pk]
    assert [c.pk for c in response.context["unclaimed"]] == [waiting.pk]
    assert [t.case_id for t in response.context["transfers"]] == [sent.pk]
    assert case.reference in html and waiting.reference in html and sent.reference in html
    assert "韦小宝" in html
    assert MASKED_ID in html
    assert WHOLE_ID not in html
    assert f'action="/cases/transfers/{sent.transfers.get().pk}/accept/"' in html
    assert 'href="/cases/new/"' in html


def test_a_transfer_on_the_workbench_shows_its_reason_masked_and_both_decisions_post_with_a_token(
    verified_client: Clients, officer: User, team_lead: User
) -> None:
    sent = case_make(team_lead, subject="转给我的咨询")
    case_transfer(
        actor=team_lead,
        case=sent,
        to_market=sent.market,
        to_user=officer,
        reason=f"申请人{WHOLE_ID}熟悉你",
    )
    transfer = sent.transfers.get()
    client = verified_client(officer)
    client.handler.enforce_csrf_checks = True  # as a browser's post is checked

    html = page(client.get("/cases/"))

    assert f"申请人{MASKED_ID}熟悉你" in html
    assert WHOLE_ID not in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    declined = client.post(
        f"/cases/transfers/{transfer.pk}/decline/",
        {"reason": "我这周休假", "csrfmiddlewaretoken": token},
    )
    assert declined.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == transfer.Status.DECLINED


def test_the_lists_show_markup_in_subjects_names_and_reasons_escaped_never_as_tags(
    verified_client: Clients, officer: User, team_lead: User
) -> None:
    """The rows are built in Python (backoffice_tags): every value they show is escaped."""
    User.objects.filter(pk=officer.pk).update(full_name="<i>韦</i>")
    mine = case_make(officer, subject="<b>我的</b>")
    waiting = case_unclaimed(team_lead, subject="<b>待认领</b>")
    sent = case_make(team_lead, subject="<b>转来的</b>")
    case_transfer(
        actor=team_lead, case=sent, to_market=sent.market, to_user=officer, reason="<u>请接手</u>"
    )

    desk = page(verified_client(officer).get("/cases/"))
    listed = page(verified_client(team_lead).get(f"/cases/market/{mine.market_id}/"))

    for html, shown in (
        (desk, ["<b>我的</b>", "<b>待认领</b>", "<b>转来的</b>", "<u>请接手</u>"]),
        (listed, ["<b>我的</b>", "<b>待认领</b>", "<i>韦</i>"]),
    ):
        for markup in shown:
            assert markup not in html
            assert markup.replace("<", "&lt;").replace(">", "&gt;") in html
    # The colleague picker of each row names the officer escaped too, as an option.
    assert f'<option value="{officer.pk}" selected>&lt;i&gt;韦&lt;/i&gt;</option>' in listed
    assert f'href="/cases/{waiting.pk}/"' in desk and f'href="/cases/{mine.pk}/"' in listed


def test_workbench_of_an_inspector_is_empty(
    verified_client: Clients, inspector: User, case: Case
) -> None:
    response = verified_client(inspector).get("/cases/")

    assert response.status_code == 200
    assert not response.context["mine"].object_list
    assert not response.context["unclaimed"].object_list
    assert not response.context["transfers"].object_list
    assert 'href="/cases/new/"' not in page(response)


def test_workbench_pages_by_25(verified_client: Clients, officer: User) -> None:
    applicant = applicant_make(officer)
    for n in range(27):
        case_make(officer, subject=f"咨询{n}", applicant=applicant)

    client = verified_client(officer)
    first = client.get("/cases/")
    second = client.get("/cases/?mine=2")

    assert len(first.context["mine"].object_list) == 25
    assert len(second.context["mine"].object_list) == 2
    assert "?mine=2" in page(first)


# --- Intake ------------------------------------------------------------------------------------


def _intake(**changes: str) -> dict[str, str]:
    data = {
        "name": "韦小宝",
        "id_number": WHOLE_ID,
        "mobile": "138 0013 8000",
        "kind": "policy_consultation",
        "channel": "counter",
        "station": "",
        "priority": "normal",
        "subject": "灵活就业社保补贴政策咨询",
        "description": "申请人询问补贴标准。",
    }
    return data | changes


def test_intake_opens_the_case_and_goes_to_its_page(
    verified_client: Clients, officer: User
) -> None:
    response = verified_client(officer).post("/cases/new/", _intake(), follow=True)

    case = Case.objects.get()
    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert case.first_contact_officer == officer
    assert case.owner == officer
    assert case.state == State.IN_PROGRESS
    assert case.applicant.mobile == "13800138000"
    assert [m for m in messages_of(response) if case.reference in m]
    assert list(
        AuditEvent.objects.filter(action__startswith="case.").values_list("action", flat=True)
    ) == ["case.opened"]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("id_number", "45010219900307123", "身份证号码应为18位，当前输入为17位。"),
        ("id_number", "450102199003071239", "校验"),
        ("mobile", "12345", "手机号码应为11位数字，以13至19开头，如13800138000。"),
        ("subject", "", "这个字段是必填项。"),
    ],
)
def test_intake_with_bad_input_keeps_what_was_entered_and_says_why_in_chinese(
    verified_client: Clients, officer: User, field: str, value: str, error: str
) -> None:
    data = _intake(**{field: value})

    response = verified_client(officer).post("/cases/new/", data)

    html = page(response)
    assert response.status_code == 200
    assert error in str(response.context["form"].errors[field])
    assert error in html
    assert 'value="韦小宝"' in html
    if field != "mobile":
        assert 'value="138 0013 8000"' in html
    if value:
        assert f'value="{value}"' in html
    assert not Case.objects.exists()
    assert not Applicant.objects.exists()


def test_intake_shows_markup_in_the_subject_escaped_never_as_a_tag(
    verified_client: Clients, officer: User
) -> None:
    script = "<script>alert(1)</script>"
    client = verified_client(officer)

    refused = client.post("/cases/new/", _intake(subject=script, id_number="4501021990"))
    opened = client.post("/cases/new/", _intake(subject=script), follow=True)

    for response in (refused, opened):
        assert script not in page(response)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(response)
    assert Case.objects.get().subject == script


def test_intake_registers_no_applicant_when_the_case_cannot_be_opened(
    officer: User, nanning_market: Market
) -> None:
    from django.core.exceptions import ValidationError

    from cases.intake import case_intake

    with pytest.raises(ValidationError) as error:
        case_intake(
            actor=officer,
            market=nanning_market,
            name="韦小宝",
            id_number=WHOLE_ID,
            mobile="",
            kind="no_such_kind",
            channel="counter",
            subject="咨询",
        )

    assert "kind" in error.value.message_dict
    assert not Applicant.objects.exists()


def test_intake_offers_only_registered_kinds(verified_client: Clients, officer: User) -> None:
    response = verified_client(officer).post("/cases/new/", _intake(kind="made_up"))

    assert "kind" in response.context["form"].errors
    assert not Case.objects.exists()


# --- The case page -----------------------------------------------------------------------------


def test_case_page_shows_details_masked_and_the_owners_actions(
    verified_client: Clients, officer: User, case: Case
) -> None:
    response = verified_client(officer).get(f"/cases/{case.pk}/")

    html = page(response)
    assert response.status_code == 200
    assert case.reference in html
    assert MASKED_ID in html and "138****8000" in html
    assert WHOLE_ID not in html and "13800138000" not in html
    verbs = {action["verb"] for action in response.context["actions"]}
    assert verbs == {"transfer", "request_materials", "resolve", "withdraw", "note"}
    assert f'action="/cases/{case.pk}/reveal-id/"' in html
    assert zh(action_label("case.opened")) in html  # the timeline, in words


def test_team_lead_also_gets_the_team_lead_actions(
    verified_client: Clients, team_lead: User, case: Case
) -> None:
    response = verified_client(team_lead).get(f"/cases/{case.pk}/")

    verbs = {action["verb"] for action in response.context["actions"]}
    assert "reassign" in verbs
    assert "claim" not in verbs


def test_inspector_reads_the_case_without_any_action_form(
    verified_client: Clients, inspector: User, case: Case
) -> None:
    response = verified_client(inspector).get(f"/cases/{case.pk}/")

    html = page(response)
    assert response.status_code == 200
    assert response.context["actions"] == []
    assert 'method="post" action="/cases/' not in html
    assert WHOLE_ID not in html


def test_another_markets_officer_gets_404_for_a_case(
    verified_client: Clients, other_officer: User, case: Case
) -> None:
    client = verified_client(other_officer)

    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/notice/").status_code == 404
    assert client.post(f"/cases/{case.pk}/resolve/", {"outcome": "x"}).status_code == 404
    assert client.post(f"/cases/{case.pk}/reveal-id/").status_code == 404


def test_unclaimed_case_offers_claim_only_to_the_markets_staff(
    verified_client: Clients, officer: User, team_lead: User, inspector: User
) -> None:
    case = case_unclaimed(team_lead)

    as_officer = verified_client(officer).get(f"/cases/{case.pk}/")
    as_inspector = verified_client(inspector).get(f"/cases/{case.pk}/")

    assert [a["verb"] for a in as_officer.context["actions"]][:1] == ["claim"]
    assert as_inspector.context["actions"] == []


def test_reveal_shows_the_whole_id_number_once_and_records_it(
    verified_client: Clients, officer: User, case: Case
) -> None:
    client = verified_client(officer)

    revealed = client.post(f"/cases/{case.pk}/reveal-id/")
    again = client.get(f"/cases/{case.pk}/")

    assert revealed.status_code == 200
    assert WHOLE_ID in page(revealed)
    assert "no-store" in revealed["Cache-Control"]
    assert WHOLE_ID not in page(again)
    event = AuditEvent.objects.get(action="personal_data.revealed")
    assert event.actor == officer
    assert event.new_values == {"reference": case.reference, "field": "id_number"}
    assert zh(action_label("personal_data.revealed")) in page(again)  # on the timeline


def test_reveal_is_refused_to_an_inspector(
    verified_client: Clients, inspector: User, case: Case
) -> None:
    response = verified_client(inspector).post(f"/cases/{case.pk}/reveal-id/", follow=True)

    assert WHOLE_ID not in page(response)
    # Inspectors read and change nothing: every action of case work refuses them (issue 12).
    assert response.status_code == 403
    assert response.redirect_chain == []
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()


def test_an_officer_of_the_market_who_does_not_own_the_case_may_not_reveal(
    verified_client: Clients, team_lead: User, nanning_market: Market
) -> None:
    owner = staff_make("owner2", Role.OFFICER, market=nanning_market)
    colleague = staff_make("colleague", Role.OFFICER, market=nanning_market)
    case = case_make(owner)

    shown = verified_client(colleague).get(f"/cases/{case.pk}/")
    refused = verified_client(colleague).post(f"/cases/{case.pk}/reveal-id/")

    assert f'action="/cases/{case.pk}/reveal-id/"' not in page(shown)
    assert refused.status_code == 302
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()


def test_notes_are_escaped_and_id_numbers_in_them_masked(
    verified_client: Clients, officer: User, case: Case
) -> None:
    case_note_add(
        actor=officer,
        case=case,
        text=f"<b>申请人</b>报了另一个号码 {ID_NUMBERS[1]}，"
        "以及全角４５０１０２１９７００１０１００３７",
    )

    html = page(verified_client(officer).get(f"/cases/{case.pk}/"))

    assert "&lt;b&gt;申请人&lt;/b&gt;" in html
    assert ID_NUMBERS[1] not in html
    assert "450103********0028" in html
    assert "４５０１０２１９７００１０１００３７" not in html


def test_case_page_shows_the_notice_with_its_receipt_ticks(
    verified_client: Clients, officer: User, case: Case
) -> None:
    items = list(ChecklistItem.objects.filter(kind=case.kind)[:2])
    notice = case_request_materials(actor=officer, case=case, items=items)

    response = verified_client(officer).get(f"/cases/{case.pk}/")

    html = page(response)
    assert [i.name for i in response.context["notice_items"]] == [i.name for i in items]
    assert all(item.name in html for item in items)
    assert f'href="/cases/{case.pk}/notice/"' in html
    verbs = {action["verb"] for action in response.context["actions"]}
    assert "receive_materials" in verbs
    assert "request_materials" not in verbs
    assert notice.items.count() == 2


def test_the_case_page_offers_a_transfer_waiting_for_its_reader_and_reads_none_when_none_waits(
    verified_client: Clients, officer: User, team_lead: User
) -> None:
    sent = case_make(team_lead, subject="转给我的咨询")
    client = verified_client(officer)
    waiting = "This case is waiting for you to accept it"
    client.get(f"/cases/{sent.pk}/")  # what each process keeps, read once

    with CaptureQueriesContext(connection) as nothing_pending:
        assert zh(waiting) not in page(client.get(f"/cases/{sent.pk}/"))
    case_transfer(
        actor=team_lead, case=sent, to_market=sent.market, to_user=officer, reason="请接办"
    )
    with CaptureQueriesContext(connection) as one_pending:
        html = page(client.get(f"/cases/{sent.pk}/"))

    transfer = sent.transfers.get()
    assert zh(waiting) in html
    assert f'action="/cases/transfers/{transfer.pk}/accept/"' in html
    # Who may decide a transfer is read only when one waits.
    statements = len(one_pending.captured_queries) - len(nothing_pending.captured_queries)
    assert statements == 1


def test_the_case_page_reads_its_notice_and_attachments_only_when_it_has_any(
    verified_client: Clients, officer: User, case: Case, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    client = verified_client(officer)
    client.get(f"/cases/{case.pk}/")  # what each process keeps, read once

    def tables_read() -> set[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        return {
            table
            for query in captured.captured_queries
            for table in ("cases_singlenotice", "cases_caseattachment")
            if query["sql"].startswith(f'SELECT "{table}".')  # (not the case's EXISTS)
        }

    assert tables_read() == set()
    items = list(ChecklistItem.objects.filter(kind=case.kind)[:1])
    case_request_materials(actor=officer, case=case, items=items)
    assert tables_read() == {"cases_singlenotice"}
    case_attachment_add(
        actor=officer, case=case, upload=SimpleUploadedFile("申请表.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    assert tables_read() == {"cases_singlenotice", "cases_caseattachment"}
    html = page(client.get(f"/cases/{case.pk}/"))
    assert "申请表.pdf" in html and items[0].name in html


# --- The printed single notice -----------------------------------------------------------------


def test_print_page_has_the_market_applicant_every_item_and_the_terms(
    verified_client: Clients, officer: User, inspector: User, case: Case
) -> None:
    items = list(ChecklistItem.objects.filter(kind=case.kind))
    notice = case_request_materials(actor=officer, case=case, items=items)

    for user in (officer, inspector):
        response = verified_client(user).get(f"/cases/{case.pk}/notice/")

        html = page(response)
        assert response.status_code == 200
        assert case.market.name in html and case.market.service_phone in html
        assert case.reference in html and "韦小宝" in html
        for item in items:
            assert item.name in html and item.reason in html and item.format in html
            assert item.issuing_body in html
        assert notice.legal_basis in html
        assert notice.where_to_submit in html and notice.how_to_complain in html
        assert str(notice.time_limit_days) in html
        assert WHOLE_ID not in html


def test_print_page_is_404_before_a_notice_is_issued(
    verified_client: Clients, officer: User, case: Case
) -> None:
    assert verified_client(officer).get(f"/cases/{case.pk}/notice/").status_code == 404


# --- The team lead's market list ---------------------------------------------------------------


def test_team_lead_lists_the_markets_cases_filtered_with_a_reassign_form(
    verified_client: Clients, team_lead: User, officer: User, nanning_market: Market
) -> None:
    open_case = case_make(officer, subject="进行中")
    waiting = case_unclaimed(officer, subject="待认领")
    url = f"/cases/market/{nanning_market.pk}/"
    client = verified_client(team_lead)

    everything = client.get(url)
    new_only = client.get(url, {"state": State.NEW})
    by_owner = client.get(url, {"owner": officer.pk})

    assert {c.pk for c in everything.context["cases"]} == {open_case.pk, waiting.pk}
    assert [c.pk for c in new_only.context["cases"]] == [waiting.pk]
    assert [c.pk for c in by_owner.context["cases"]] == [open_case.pk]
    html = page(everything)
    assert f'action="/cases/{open_case.pk}/reassign/"' in html
    assert WHOLE_ID not in html


@pytest.mark.parametrize(
    ("principal", "status"),
    # Its officers are refused; the inspectors over it read it (tests/backoffice/
    # test_case_lists.py: without a control that changes anything); to a team lead of another
    # market it does not exist, as every supervision page of a market not theirs.
    [("officer", 403), ("inspector", 200), ("other_lead", 404)],
)
def test_market_list_is_its_team_leads_and_its_inspectors(
    verified_client: Clients,
    request: pytest.FixtureRequest,
    nanning_market: Market,
    principal: str,
    status: int,
) -> None:
    user = request.getfixturevalue(principal)

    response = verified_client(user).get(f"/cases/market/{nanning_market.pk}/")

    assert response.status_code == status


# --- The event log -----------------------------------------------------------------------------


def test_event_search_shows_the_markets_events_newest_first_and_filters(
    verified_client: Clients,
    inspector: User,
    team_lead: User,
    officer: User,
    other_officer: User,
    case: Case,
) -> None:
    case_note_add(actor=officer, case=case, text="说明")
    elsewhere = case_make(other_officer)
    client = verified_client(inspector)

    everything = client.get("/audit/events/")
    notes = client.get("/audit/events/", {"action": "case.note_added"})
    by_actor = client.get("/audit/events/", {"actor": "liuzhou_officer"})
    as_lead = verified_client(team_lead).get("/audit/events/")

    ids = [event.pk for event in everything.context["events"]]
    assert ids == sorted(ids, reverse=True)
    assert {e.action for e in notes.context["events"]} == {"case.note_added"}
    assert {e.target_id for e in by_actor.context["events"]} == {str(elsewhere.pk)}
    # The team lead reads their own market only; the inspector all of Guangxi.
    assert {e.market_id for e in as_lead.context["events"]} == {case.market_id}
    assert {e.market_id for e in everything.context["events"]} == {
        case.market_id,
        elsewhere.market_id,
    }
    assert zh(action_label("case.note_added")) in page(notes)


def test_event_search_of_an_inspector_stays_in_their_region(
    verified_client: Clients, nanning: Region, other_officer: User, case: Case
) -> None:
    local = staff_make("nanning_inspector", Role.INSPECTOR, region=nanning)
    case_make(other_officer)  # 柳州: not theirs

    response = verified_client(local).get("/audit/events/")

    assert {e.market_id for e in response.context["events"]} == {case.market_id}


def test_event_search_by_date_range(verified_client: Clients, inspector: User, case: Case) -> None:
    client = verified_client(inspector)
    today = str(timezone.localdate(case.opened_at))

    before = client.get("/audit/events/", {"date_to": "2000-01-01"})
    around = client.get("/audit/events/", {"date_from": today, "date_to": today})

    assert before.context["count"] == 0
    assert around.context["count"] == AuditEvent.objects.count() - (
        AuditEvent.objects.filter(market__isnull=True).count()
    )
    assert "case.opened" in {e.action for e in around.context["events"]}


def test_chain_page_verifies_each_chain_the_reader_may_see(
    verified_client: Clients, inspector: User, team_lead: User, other_officer: User, case: Case
) -> None:
    case_make(other_officer)

    as_inspector = verified_client(inspector).get("/audit/chains/")
    as_lead = verified_client(team_lead).get("/audit/chains/")

    assert {s.result.chain for s in as_inspector.context["chains"]} == {
        f"market:{case.market_id}",
        f"market:{other_officer.memberships.get().market_id}",
    }
    assert all(s.result.ok for s in as_inspector.context["chains"])
    assert [s.result.chain for s in as_lead.context["chains"]] == [f"market:{case.market_id}"]
    assert zh("Verified") in page(as_lead)


def test_officers_do_not_read_the_event_log(verified_client: Clients, officer: User) -> None:
    client = verified_client(officer)

    assert client.get("/audit/events/").status_code == 403
    assert client.get("/audit/chains/").status_code == 403


def test_an_officer_of_two_markets_chooses_the_market_and_a_station_of_it(
    verified_client: Clients, officer: User, nanning_market: Market, liuzhou_market: Market
) -> None:
    Membership.objects.create(user=officer, role=Role.OFFICER, market=liuzhou_market)
    station = ServiceStationFactory.create(market=liuzhou_market)
    client = verified_client(officer)

    wrong = client.post(
        "/cases/new/", _intake(market=str(nanning_market.pk), station=str(station.pk))
    )
    right = client.post(
        "/cases/new/", _intake(market=str(liuzhou_market.pk), station=str(station.pk))
    )

    assert list(wrong.context["form"].errors) == ["station"]  # the service's refusal, on its field
    assert right.status_code == 302
    assert Case.objects.get().market == liuzhou_market
    assert Applicant.objects.count() == 1
