"""A policy consultation through every verb of the shared state graph, with the fields and the
exact audit rows each step leaves, and the event log still verifying at the end."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from case_support import audit_mark, case_row, checklist_make, trail
from conftest import applicant_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from cases.kinds import POLICY_CONSULTATION
from cases.models import Case, NoticeItem, SingleNotice, SingleNoticeBreach, State
from cases.services import (
    CaseActionError,
    case_close,
    case_open,
    case_receive_materials,
    case_reopen,
    case_request_materials,
    case_resolve,
    case_withdraw,
    notice_item_add_later,
)
from markets.models import Market

pytestmark = pytest.mark.django_db

STEP = timedelta(hours=1)


def reloaded(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def last_history_user(case: Case) -> int | None:
    record = case.history.order_by("-history_id").first()
    assert record is not None
    history_user_id: int | None = record.history_user_id
    return history_user_id


def test_a_policy_consultation_runs_through_every_verb_and_leaves_its_trail(
    officer: User,
    team_lead: User,
    nanning_market: Market,
    frozen_time: time_machine.Traveller,
) -> None:
    applicant = applicant_make(officer)
    checklist = checklist_make(names=("身份证", "社保缴费证明", "劳动合同"))

    # Open: the officer who takes the request in owns it and is its first-contact officer.
    mark = audit_mark()
    case = case_open(
        actor=officer,
        market=nanning_market,
        kind="policy_consultation",
        channel="counter",
        applicant=applicant,
        subject="  灵活就业社保补贴政策咨询 ",
        description=" 咨询补贴标准 ",
    )
    case = reloaded(case)
    assert case.state == State.IN_PROGRESS
    assert case.reference == f"450100-{timezone.localdate().year}-000001"
    assert (case.owner, case.first_contact_officer) == (officer, officer)
    assert (case.subject, case.description) == ("灵活就业社保补贴政策咨询", "咨询补贴标准")
    assert case.opened_at == timezone.now()
    assert (case.resolved_at, case.closed_at) == (None, None)
    assert trail(mark) == [
        case_row(
            "case.opened",
            actor=officer,
            case=case,
            state=State.IN_PROGRESS,
            keys=("kind", "channel"),
        )
    ]
    assert last_history_user(case) == officer.pk

    # Request materials: one single notice listing every ticked item, copied from the checklist.
    frozen_time.shift(STEP)
    mark = audit_mark()
    ticked = checklist[:2]
    notice = case_request_materials(actor=officer, case=case, items=ticked)
    case = reloaded(case)
    assert case.state == State.AWAITING_MATERIALS
    assert case.owner == officer
    assert notice.case == case
    assert notice.issued_by == officer
    assert notice.issued_at == timezone.now()
    assert notice.time_limit_days == 5
    assert notice.legal_basis == str(POLICY_CONSULTATION.notice_legal_basis)
    assert case.reference in notice.where_to_submit
    assert nanning_market.service_phone in notice.how_to_complain
    for item in ticked:
        assert item.name in notice.sms_text
    assert checklist[2].name not in notice.sms_text
    items = list(notice.items.order_by("pk"))
    assert [
        (i.name, i.reason, i.format, i.copies, i.issuing_body, i.added_later, i.received_at)
        for i in items
    ] == [(c.name, c.reason, c.format, c.copies, c.issuing_body, False, None) for c in ticked]
    assert trail(mark) == [
        case_row(
            "case.materials_requested",
            actor=officer,
            case=case,
            state=State.AWAITING_MATERIALS,
            keys=("notice_id", "item_count"),
        )
    ]

    # Receive some: still waiting for the rest.
    frozen_time.shift(STEP)
    mark = audit_mark()
    case = case_receive_materials(actor=officer, case=case, items=[items[0]])
    case = reloaded(case)
    assert case.state == State.AWAITING_MATERIALS
    received = NoticeItem.objects.get(pk=items[0].pk)
    assert (received.received_at, received.received_by) == (timezone.now(), officer)
    assert NoticeItem.objects.get(pk=items[1].pk).received_at is None
    assert trail(mark) == [
        case_row(
            "case.materials_received",
            actor=officer,
            case=case,
            state=State.AWAITING_MATERIALS,
            keys=("item_count",),
        )
    ]

    # Receive the rest: back in progress.
    frozen_time.shift(STEP)
    mark = audit_mark()
    case = case_receive_materials(actor=officer, case=case, items=items)
    case = reloaded(case)
    assert case.state == State.IN_PROGRESS
    assert not NoticeItem.objects.filter(notice=notice, received_at__isnull=True).exists()
    assert trail(mark) == [
        case_row(
            "case.materials_received",
            actor=officer,
            case=case,
            state=State.IN_PROGRESS,
            keys=("item_count",),
        )
    ]

    # A team lead demands an item the notice did not list: a breach against the officer who
    # issued the notice, and the case waits for materials again.
    frozen_time.shift(STEP)
    mark = audit_mark()
    breach = notice_item_add_later(
        actor=team_lead,
        case=case,
        name="居住证",
        reason="核实居住地",
        format="复印件",
        breach_reason="窗口漏告知",
    )
    case = reloaded(case)
    assert case.state == State.AWAITING_MATERIALS
    assert case.owner == officer
    assert (breach.officer, breach.approved_by, breach.market) == (
        officer,
        team_lead,
        nanning_market,
    )
    assert (breach.notice, breach.reason, breach.recorded_at) == (
        notice,
        "窗口漏告知",
        timezone.now(),
    )
    assert (breach.item.name, breach.item.added_later, breach.item.notice) == (
        "居住证",
        True,
        notice,
    )
    assert SingleNotice.objects.filter(case=case).count() == 1
    assert trail(mark) == [
        case_row(
            "notice.breach_recorded",
            actor=team_lead,
            case=case,
            state=State.AWAITING_MATERIALS,
            keys=("officer_id", "item", "reason"),
        )
    ]
    assert last_history_user(case) == team_lead.pk

    # Receive the added item.
    frozen_time.shift(STEP)
    mark = audit_mark()
    case = case_receive_materials(actor=officer, case=case, items=[breach.item])
    assert reloaded(case).state == State.IN_PROGRESS
    assert [r.action for r in trail(mark)] == ["case.materials_received"]

    # Resolve: an outcome is required.
    frozen_time.shift(STEP)
    mark = audit_mark()
    with pytest.raises(ValidationError) as refused:
        case_resolve(actor=officer, case=case, outcome="   ")
    assert "outcome" in refused.value.message_dict
    assert reloaded(case).state == State.IN_PROGRESS
    assert trail(mark) == []
    case = case_resolve(actor=officer, case=case, outcome=" 已告知补贴标准和申领流程 ")
    case = reloaded(case)
    assert case.state == State.RESOLVED
    assert case.outcome == "已告知补贴标准和申领流程"
    assert (case.resolved_at, case.closed_at) == (timezone.now(), None)
    resolved_at = case.resolved_at
    assert trail(mark) == [
        case_row("case.resolved", actor=officer, case=case, state=State.RESOLVED, keys=("outcome",))
    ]

    # Close.
    frozen_time.shift(STEP)
    mark = audit_mark()
    case = case_close(actor=officer, case=case)
    case = reloaded(case)
    assert case.state == State.CLOSED
    assert (case.resolved_at, case.closed_at) == (resolved_at, timezone.now())
    assert trail(mark) == [
        case_row(
            "case.closed",
            actor=officer,
            case=case,
            state=State.CLOSED,
            keys=("kind", "channel"),
        )
    ]

    # Reopen: the team lead's decision only.
    frozen_time.shift(STEP)
    mark = audit_mark()
    with pytest.raises(PermissionDenied):
        case_reopen(actor=officer, case=case, reason="申请人有补充")
    assert reloaded(case).state == State.CLOSED
    assert trail(mark) == []
    case = case_reopen(actor=team_lead, case=case, reason="申请人有补充")
    case = reloaded(case)
    assert case.state == State.IN_PROGRESS
    assert case.owner == officer
    assert (case.resolved_at, case.closed_at) == (None, None)
    assert trail(mark) == [
        case_row(
            "case.reopened",
            actor=team_lead,
            case=case,
            state=State.IN_PROGRESS,
            keys=("reason",),
        )
    ]

    # Resolve and close again.
    frozen_time.shift(STEP)
    mark = audit_mark()
    case_resolve(actor=officer, case=case, outcome="补充答复已送达")
    frozen_time.shift(STEP)
    case_close(actor=officer, case=case)
    case = reloaded(case)
    assert case.state == State.CLOSED
    assert case.outcome == "补充答复已送达"
    assert case.resolved_at == timezone.now() - STEP
    assert case.closed_at == timezone.now()
    assert trail(mark) == [
        case_row(
            "case.resolved", actor=officer, case=case, state=State.RESOLVED, keys=("outcome",)
        ),
        case_row(
            "case.closed",
            actor=officer,
            case=case,
            state=State.CLOSED,
            keys=("kind", "channel"),
        ),
    ]

    # Whoever acted, the first-contact officer never changed; one breach, one notice.
    assert case.first_contact_officer == officer
    assert {r.first_contact_officer_id for r in case.history.all()} == {officer.pk}
    assert SingleNoticeBreach.objects.filter(notice__case=case).count() == 1
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "chains verified" in out.getvalue()


def test_a_withdrawn_case_is_finished_and_cannot_be_resolved_or_reopened(
    officer: User, team_lead: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    case = case_open(
        actor=officer,
        market=nanning_market,
        kind="policy_consultation",
        channel="phone",
        applicant=applicant_make(officer),
        subject="就业见习补贴咨询",
    )
    case_request_materials(actor=officer, case=case, items=checklist_make())
    frozen_time.shift(STEP)

    mark = audit_mark()
    with pytest.raises(ValidationError) as refused:
        case_withdraw(actor=officer, case=case, reason=" ")
    assert "reason" in refused.value.message_dict
    assert reloaded(case).state == State.AWAITING_MATERIALS
    assert trail(mark) == []

    case = case_withdraw(actor=officer, case=case, reason="申请人撤回申请")
    case = reloaded(case)
    assert case.state == State.WITHDRAWN
    assert case.closed_at == timezone.now()
    assert case.resolved_at is None
    assert (case.owner, case.first_contact_officer) == (officer, officer)
    assert trail(mark) == [
        case_row(
            "case.withdrawn",
            actor=officer,
            case=case,
            state=State.WITHDRAWN,
            keys=("reason",),
        )
    ]

    mark = audit_mark()
    with pytest.raises(CaseActionError):
        case_resolve(actor=officer, case=case, outcome="已答复")
    with pytest.raises(CaseActionError):
        case_reopen(actor=team_lead, case=case, reason="重新受理")
    with pytest.raises(CaseActionError):
        case_withdraw(actor=officer, case=case, reason="再次撤回")
    assert reloaded(case).state == State.WITHDRAWN
    assert trail(mark) == []
    call_command("verify_audit", stdout=StringIO())
