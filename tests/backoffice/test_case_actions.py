"""Actions on the case page: each a POST to /cases/<pk>/<verb>/ calling one service. Success
redirects back (PRG); a refusal becomes a message and changes nothing; bad input re-renders the
case page with the errors and what was entered."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import case_make
from django.test import Client
from test_case_support import case_unclaimed, market_make, messages_of, page, snapshot, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, ChecklistItem, NoticeItem, SingleNoticeBreach, State, Transfer
from cases.services import case_request_materials, case_resolve, case_transfer
from markets.models import Market, Region, Role

Clients = Callable[[User], Client]


@pytest.fixture
def liuzhou_market(liuzhou: Region) -> Market:
    return market_make("450200", "柳州市")


@pytest.fixture
def other_officer(liuzhou_market: Market) -> User:
    return staff_make("liuzhou_officer", Role.OFFICER, market=liuzhou_market)


@pytest.fixture
def case(officer: User) -> Case:
    return case_make(officer)


def _items(case: Case, count: int) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(kind=case.kind, is_active=True)[:count])


def _actions(case: Case) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_claim_takes_an_unclaimed_case_and_redirects_back(
    verified_client: Clients, officer: User, team_lead: User
) -> None:
    case = case_unclaimed(team_lead)

    response = verified_client(officer).post(f"/cases/{case.pk}/claim/", follow=True)

    case.refresh_from_db()
    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert (case.state, case.owner) == (State.IN_PROGRESS, officer)
    assert _actions(case)[-1] == "case.claimed"
    assert [m for m in messages_of(response) if case.reference in m]


def test_an_illegal_transition_posted_directly_gives_a_message_and_changes_nothing(
    verified_client: Clients, officer: User, case: Case
) -> None:
    before = snapshot(case)

    response = verified_client(officer).post(f"/cases/{case.pk}/close/", follow=True)

    assert response.redirect_chain == [(f"/cases/{case.pk}/", 302)]
    assert snapshot(case) == before
    (message,) = messages_of(response)
    assert case.reference in message and "“办理中”" in message  # the state, in Chinese


def test_claiming_a_claimed_case_is_refused_with_a_message(
    verified_client: Clients, team_lead: User, case: Case
) -> None:
    before = snapshot(case)

    response = verified_client(team_lead).post(f"/cases/{case.pk}/claim/", follow=True)

    assert snapshot(case) == before
    assert len(messages_of(response)) == 1


def test_an_inspectors_post_is_refused_and_changes_nothing(
    verified_client: Clients, inspector: User, case: Case
) -> None:
    before = snapshot(case)
    client = verified_client(inspector)

    resolved = client.post(f"/cases/{case.pk}/resolve/", {"outcome": "已答复"}, follow=True)
    noted = client.post(f"/cases/{case.pk}/note/", {"text": ""}, follow=True)
    after = snapshot(case)
    shown = client.get(f"/cases/{case.pk}/")  # (itself an audit row: case.viewed)

    assert after == before
    # Refused outright (issue 12: inspectors read and change nothing), with the reason.
    assert (resolved.status_code, noted.status_code) == (403, 403)
    assert resolved.redirect_chain == [] and noted.redirect_chain == []
    assert "督查人员" in resolved.content.decode() and "督查人员" in noted.content.decode()
    assert shown.context["actions"] == []  # never an action form for an inspector


def test_resolve_without_outcome_re_renders_with_the_error_and_the_input_kept(
    verified_client: Clients, officer: User, case: Case
) -> None:
    before = snapshot(case)

    response = verified_client(officer).post(f"/cases/{case.pk}/resolve/", {"outcome": "   "})

    assert response.status_code == 200
    (action,) = [a for a in response.context["actions"] if a["verb"] == "resolve"]
    assert action["open"] and action["form"].errors["outcome"]
    assert "这个字段是必填项。" in page(response)
    assert snapshot(case) == before


def test_resolve_then_close(verified_client: Clients, officer: User, case: Case) -> None:
    client = verified_client(officer)

    client.post(f"/cases/{case.pk}/resolve/", {"outcome": "已告知补贴标准"})
    client.post(f"/cases/{case.pk}/close/")

    case.refresh_from_db()
    assert (case.state, case.outcome) == (State.CLOSED, "已告知补贴标准")
    assert _actions(case)[-2:] == ["case.resolved", "case.closed"]


def test_a_service_validation_error_lands_on_its_field_with_the_input_kept(
    verified_client: Clients, officer: User, other_officer: User, case: Case
) -> None:
    before = snapshot(case)

    response = verified_client(officer).post(
        f"/cases/{case.pk}/transfer/",
        {"to_market": case.market_id, "to_user": other_officer.pk, "reason": "他更熟悉"},
    )

    assert response.status_code == 200
    (action,) = [a for a in response.context["actions"] if a["verb"] == "transfer"]
    assert list(action["form"].errors) == ["to_user"]
    assert "他更熟悉</textarea>" in page(response)
    assert snapshot(case) == before


def test_transfer_to_another_market_officer_who_accepts(
    verified_client: Clients, officer: User, other_officer: User, case: Case
) -> None:
    verified_client(officer).post(
        f"/cases/{case.pk}/transfer/",
        {
            "to_market": other_officer.memberships.get().market_id,
            "to_user": other_officer.pk,
            "reason": "户籍在柳州",
        },
    )
    transfer = Transfer.objects.get(case=case)
    receiver = verified_client(other_officer)

    workbench = receiver.get("/cases/")
    accepted = receiver.post(f"/cases/transfers/{transfer.pk}/accept/")

    assert [t.pk for t in workbench.context["transfers"]] == [transfer.pk]
    case.refresh_from_db()
    assert accepted["Location"] == f"/cases/{case.pk}/"
    assert (case.state, case.owner, case.market_id) == (
        State.IN_PROGRESS,
        other_officer,
        transfer.to_market_id,
    )


def test_declining_a_transfer_needs_a_reason_and_sends_it_back(
    verified_client: Clients, officer: User, team_lead: User, case: Case
) -> None:
    transfer = case_transfer(
        actor=officer, case=case, to_market=case.market, to_user=team_lead, reason="请审核"
    )
    client = verified_client(team_lead)

    refused = client.post(f"/cases/transfers/{transfer.pk}/decline/", {"reason": ""})
    declined = client.post(f"/cases/transfers/{transfer.pk}/decline/", {"reason": "不属我办"})

    assert refused.status_code == declined.status_code == 302
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert (transfer.status, transfer.decline_reason) == (Transfer.Status.DECLINED, "不属我办")
    assert (case.state, case.owner) == (State.IN_PROGRESS, officer)


def test_a_transfer_for_someone_else_is_404(
    verified_client: Clients, officer: User, team_lead: User, other_officer: User, case: Case
) -> None:
    transfer = case_transfer(
        actor=officer, case=case, to_market=case.market, to_user=team_lead, reason="请审核"
    )

    response = verified_client(other_officer).post(f"/cases/transfers/{transfer.pk}/accept/")

    assert response.status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.PENDING


def test_request_then_receive_materials_item_by_item(
    verified_client: Clients, officer: User, case: Case
) -> None:
    client = verified_client(officer)
    items = _items(case, 2)

    client.post(f"/cases/{case.pk}/request-materials/", {"items": [i.pk for i in items]})
    first, second = NoticeItem.objects.filter(notice__case=case).order_by("pk")
    client.post(f"/cases/{case.pk}/receive-materials/", {"items": [first.pk]})
    case.refresh_from_db()
    state_after_one = case.state
    client.post(f"/cases/{case.pk}/receive-materials/", {"items": [second.pk]})

    case.refresh_from_db()
    assert state_after_one == State.AWAITING_MATERIALS
    assert case.state == State.IN_PROGRESS
    assert [i.name for i in NoticeItem.objects.filter(notice__case=case)] == [i.name for i in items]
    page_html = page(client.get(f"/cases/{case.pk}/"))
    assert page_html.count('class="tick"') == 2


def test_requesting_materials_with_nothing_ticked_keeps_the_form_open_with_the_error(
    verified_client: Clients, officer: User, case: Case
) -> None:
    response = verified_client(officer).post(f"/cases/{case.pk}/request-materials/", {})

    (action,) = [a for a in response.context["actions"] if a["verb"] == "request_materials"]
    assert action["form"].errors["items"]
    assert case.notices.count() == 0


def test_a_second_notice_is_refused(verified_client: Clients, officer: User, case: Case) -> None:
    case_request_materials(actor=officer, case=case, items=_items(case, 1))
    before = snapshot(case)

    response = verified_client(officer).post(
        f"/cases/{case.pk}/request-materials/", {"items": [_items(case, 2)[1].pk]}, follow=True
    )

    assert snapshot(case) == before
    assert case.notices.count() == 1
    assert messages_of(response)


def test_only_a_team_lead_adds_an_item_later_and_it_counts_as_a_breach(
    verified_client: Clients, officer: User, team_lead: User, case: Case
) -> None:
    case_request_materials(actor=officer, case=case, items=_items(case, 1))
    data = {
        "name": "无犯罪记录证明",
        "reason": "新政策要求",
        "format": "原件",
        "copies": "1",
        "issuing_body": "公安机关",
        "breach_reason": "清单未更新",
    }

    as_officer = verified_client(officer).post(f"/cases/{case.pk}/add-item/", data, follow=True)
    as_lead = verified_client(team_lead).post(f"/cases/{case.pk}/add-item/", data)

    assert messages_of(as_officer)
    assert as_lead.status_code == 302
    breach = SingleNoticeBreach.objects.get()
    assert (breach.officer, breach.approved_by, breach.item.name) == (
        officer,
        team_lead,
        "无犯罪记录证明",
    )


def test_team_lead_reopens_with_a_reason(
    verified_client: Clients, officer: User, team_lead: User, case: Case
) -> None:
    case_resolve(actor=officer, case=case, outcome="已答复")

    offered_to_officer = verified_client(officer).get(f"/cases/{case.pk}/")
    verified_client(team_lead).post(f"/cases/{case.pk}/reopen/", {"reason": "申请人补充诉求"})

    assert "reopen" not in {a["verb"] for a in offered_to_officer.context["actions"]}
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert _actions(case)[-1] == "case.reopened"


def test_withdraw_needs_a_reason(verified_client: Clients, officer: User, case: Case) -> None:
    client = verified_client(officer)

    empty = client.post(f"/cases/{case.pk}/withdraw/", {"reason": ""})
    done = client.post(f"/cases/{case.pk}/withdraw/", {"reason": "申请人撤回"})

    assert empty.status_code == 200
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN


def test_add_note_is_shown_escaped(verified_client: Clients, officer: User, case: Case) -> None:
    client = verified_client(officer)

    response = client.post(
        f"/cases/{case.pk}/note/", {"text": "<script>alert(1)</script>"}, follow=True
    )

    assert "<script>alert(1)</script>" not in page(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(response)
    assert case.notes.count() == 1


def test_reassign_from_the_market_list_goes_back_to_it(
    verified_client: Clients, officer: User, team_lead: User, nanning_market: Market, case: Case
) -> None:
    colleague = staff_make("colleague", Role.OFFICER, market=nanning_market)
    back = f"/cases/market/{nanning_market.pk}/?page=1"

    response = verified_client(team_lead).post(
        f"/cases/{case.pk}/reassign/", {"to_user": colleague.pk, "next": back}
    )

    assert response["Location"] == back
    case.refresh_from_db()
    assert case.owner == colleague
    assert _actions(case)[-1] == "case.reassigned"


def test_reassign_ignores_a_next_that_leaves_the_site(
    verified_client: Clients, team_lead: User, nanning_market: Market, case: Case
) -> None:
    colleague = staff_make("colleague", Role.OFFICER, market=nanning_market)

    response = verified_client(team_lead).post(
        f"/cases/{case.pk}/reassign/",
        {"to_user": colleague.pk, "next": "https://evil.example/"},
    )

    assert response["Location"] == f"/cases/{case.pk}/"


def test_an_officer_may_not_reassign(
    verified_client: Clients, officer: User, nanning_market: Market, case: Case
) -> None:
    colleague = staff_make("colleague", Role.OFFICER, market=nanning_market)
    before = snapshot(case)

    response = verified_client(officer).post(
        f"/cases/{case.pk}/reassign/", {"to_user": colleague.pk}, follow=True
    )

    assert snapshot(case) == before
    assert messages_of(response)


def test_actions_need_post(verified_client: Clients, officer: User, case: Case) -> None:
    assert verified_client(officer).get(f"/cases/{case.pk}/claim/").status_code == 405
