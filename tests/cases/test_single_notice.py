"""The single notice (一次性告知书): every missing item at once, frozen, sent by SMS; an item
demanded later needs a team lead and counts as a breach against the officer who issued it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from case_support import (
    audit_mark,
    case_state,
    checklist_make,
    market_make,
    staff_make,
    trail,
)
from conftest import applicant_make, case_make
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from cases.models import Case, ChecklistItem, NoticeItem, SingleNotice, SingleNoticeBreach, State
from cases.selectors import single_notice_breach_counts
from cases.services import (
    CaseActionError,
    applicant_person_register,
    case_receive_materials,
    case_request_materials,
    notice_item_add_later,
)
from markets.models import Market, Region, Role
from notifications import tasks
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

CaptureCallbacks = Callable[..., Any]


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The outbox messages whose delivery was queued (no broker, no worker)."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.outbox_deliver_task, "delay", ids.append)
    return ids


def add_later(actor: User, case: Case, name: str = "居住证") -> SingleNoticeBreach:
    return notice_item_add_later(
        actor=actor,
        case=case,
        name=name,
        reason="核实居住地",
        format="复印件",
        breach_reason="窗口漏告知",
    )


def nothing_issued(case: Case, before: tuple[str, int | None, int, int]) -> None:
    assert case_state(case) == before
    assert not SingleNotice.objects.filter(case=case).exists()


def test_a_notice_without_items_is_refused(officer: User) -> None:
    case = case_make(officer)
    before = case_state(case)

    with pytest.raises(ValidationError) as refused:
        case_request_materials(actor=officer, case=case, items=[])

    assert "items" in refused.value.message_dict
    nothing_issued(case, before)


def test_items_of_another_kind_or_no_longer_in_use_are_refused(officer: User) -> None:
    case = case_make(officer)
    ours = checklist_make()
    theirs = checklist_make(kind="skills_subsidy", names=("职业资格证书",))
    retired = checklist_make(names=("暂住证",))
    ChecklistItem.objects.filter(pk=retired[0].pk).update(is_active=False)
    retired[0].refresh_from_db()
    before = case_state(case)

    for items in ([*ours, *theirs], retired):
        with pytest.raises(ValidationError) as refused:
            case_request_materials(actor=officer, case=case, items=items)
        assert "items" in refused.value.message_dict
    nothing_issued(case, before)


def test_a_second_notice_for_the_same_case_is_refused(officer: User) -> None:
    case = case_make(officer)
    items = checklist_make()
    notice = case_request_materials(actor=officer, case=case, items=items[:1])
    case_receive_materials(actor=officer, case=case, items=list(notice.items.all()))
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS
    before = case_state(case)

    with pytest.raises(CaseActionError) as refused:
        case_request_materials(actor=officer, case=case, items=items[1:])

    assert str(refused.value)
    assert case_state(case) == before
    assert list(SingleNotice.objects.filter(case=case)) == [notice]
    assert NoticeItem.objects.filter(notice__case=case).count() == 1


def test_the_notice_is_sent_once_by_sms_to_an_applicant_with_a_mobile(
    officer: User,
    team_lead: User,
    queued: list[int],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    case = case_make(officer)  # the applicant was registered with 13800138000
    items = checklist_make()

    with django_capture_on_commit_callbacks(execute=True):
        notice = case_request_materials(actor=officer, case=case, items=items)

    # The intake's own text message (cases.services.applicant_sms) is left out.
    notice_sms = OutboxMessage.objects.filter(idempotency_key__startswith="single-notice")
    message = notice_sms.get()
    assert (message.channel, message.to, message.body) == ("sms", "13800138000", notice.sms_text)
    assert message.idempotency_key == f"single-notice:{notice.pk}"
    assert case.reference in message.body
    assert all(item.name in message.body for item in items)
    assert queued == [message.pk]

    # Receiving items sends nothing; an item demanded later is told to the applicant once.
    with django_capture_on_commit_callbacks(execute=True):
        case_receive_materials(actor=officer, case=case, items=list(notice.items.all()))
    assert notice_sms.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        breach = add_later(team_lead, case)
    later = notice_sms.exclude(pk=message.pk).get()
    assert later.idempotency_key == f"single-notice-item:{breach.item.pk}"
    assert breach.item.name in later.body
    assert queued == [message.pk, later.pk]


def test_no_sms_for_an_applicant_without_a_mobile(
    officer: User,
    queued: list[int],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    applicant = applicant_person_register(
        actor=officer, name="陆小凤", id_number="450103198512120028"
    )
    assert applicant.mobile == ""
    case = case_make(officer, applicant=applicant)
    items = checklist_make()  # (a new checklist item has its own work on commit)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_request_materials(actor=officer, case=case, items=items)

    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert queued == []


def test_the_notice_keeps_its_items_when_the_checklist_is_edited(officer: User) -> None:
    case = case_make(officer)
    items = checklist_make()
    notice = case_request_materials(actor=officer, case=case, items=items)
    listed = list(notice.items.values_list("name", "reason", "format", "copies"))

    items[0].name = "居民身份证（新版）"
    items[0].reason = "改了"
    items[0].copies = 9
    items[0].save()
    ChecklistItem.objects.filter(pk=items[1].pk).update(is_active=False, format="扫描件")
    ChecklistItem.objects.filter(pk=items[1].pk).delete()

    notice = SingleNotice.objects.get(pk=notice.pk)
    assert list(notice.items.values_list("name", "reason", "format", "copies")) == listed
    assert listed == [
        ("身份证", "核实身份证", "原件", 1),
        ("社保缴费证明", "核实社保缴费证明", "原件", 2),
    ]


def test_an_officer_cannot_add_an_item_later(officer: User, team_lead: User) -> None:
    case = case_make(officer)
    notice = case_request_materials(actor=officer, case=case, items=checklist_make())
    before = case_state(case)

    with pytest.raises(PermissionDenied):
        add_later(officer, case)

    assert case_state(case) == before
    assert not SingleNoticeBreach.objects.exists()
    assert notice.items.count() == 2


def test_an_item_added_while_waiting_keeps_the_case_waiting(officer: User, team_lead: User) -> None:
    case = case_make(officer)
    notice = case_request_materials(actor=officer, case=case, items=checklist_make())
    mark = audit_mark()

    breach = add_later(team_lead, case)

    assert Case.objects.get(pk=case.pk).state == State.AWAITING_MATERIALS
    assert (breach.officer, breach.approved_by, breach.notice) == (officer, team_lead, notice)
    assert [(r.action, r.actor, r.state) for r in trail(mark)] == [
        ("notice.breach_recorded", team_lead.pk, State.AWAITING_MATERIALS)
    ]
    # The added item must be handed in too before the case goes on.
    case_receive_materials(actor=officer, case=case, items=list(notice.items.all()[:2]))
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_MATERIALS
    case_receive_materials(actor=officer, case=case, items=[breach.item])
    assert Case.objects.get(pk=case.pk).state == State.IN_PROGRESS


def test_no_item_can_be_added_later_without_a_notice(officer: User, team_lead: User) -> None:
    case = case_make(officer)
    before = case_state(case)

    with pytest.raises(CaseActionError):
        add_later(team_lead, case)

    assert case_state(case) == before
    assert not NoticeItem.objects.exists()


def test_breaches_are_counted_per_issuing_officer_and_market(
    officer: User, team_lead: User, nanning_market: Market, guangxi: Region
) -> None:
    colleague = staff_make("colleague", Role.OFFICER, nanning_market)
    liuzhou_market = market_make("450200", "柳州市")
    liuzhou_officer = staff_make("liuzhou_officer", Role.OFFICER, liuzhou_market)
    liuzhou_lead = staff_make("liuzhou_lead", Role.TEAM_LEAD, liuzhou_market)
    applicant = applicant_make(officer)
    items = checklist_make()

    def notice_issued_by(actor: User) -> Case:
        case: Case = case_make(actor, applicant=applicant)
        case_request_materials(actor=actor, case=case, items=items)
        return case

    first, second, third = (notice_issued_by(o) for o in (officer, officer, colleague))
    elsewhere = notice_issued_by(liuzhou_officer)
    add_later(team_lead, first, "居住证")
    add_later(team_lead, first, "户口簿")
    add_later(team_lead, second, "居住证")
    add_later(team_lead, third, "居住证")
    add_later(liuzhou_lead, elsewhere, "居住证")

    assert single_notice_breach_counts(market_id=nanning_market.pk) == {
        officer.pk: 3,
        colleague.pk: 1,
    }
    assert single_notice_breach_counts(market_id=liuzhou_market.pk) == {liuzhou_officer.pk: 1}
    # The team lead who approved them is not the one counted.
    assert team_lead.pk not in single_notice_breach_counts(market_id=nanning_market.pk)
