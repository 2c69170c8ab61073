"""Issue 14: intake at 200 cases/s with the full trail. An intake now takes fewer SQL statements
(no savepoints, no re-reads of rows it has just written, rights and calendars remembered per
process), and leaves exactly the trail it left before: the same audit event, history rows,
clocks with their due-time changes, and text message. The expected trail below was taken from
the code before the change; the statement counts are pinned at the new figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import time_machine
from case_support import audit_mark, fresh
from django.db import connection, transaction

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import chain_verify
from cases.models import Applicant, Case
from cases.services import applicant_person_register, case_open
from markets.models import Market
from notifications.models import OutboxMessage
from sla.models import Deadline, DeadlineChange

pytestmark = pytest.mark.django_db

SUBJECT = "灵活就业社保补贴政策咨询"
DESCRIPTION = "来窗口咨询补贴申领条件和所需材料。"
ID_NUMBER = "450102199003071238"
MOBILE = "13800138000"
AT = "2026-03-02T01:00:01+00:00"  # FROZEN_AT (conftest), a Monday at 09:00:01 in Nanning


def _intake(
    officer: User, market: Market, *, claimed: bool = True, id_number: str = ID_NUMBER
) -> Case:
    """As ``bench/run.py`` takes a person in at the counter: register, open, one transaction."""
    with transaction.atomic():
        applicant = applicant_person_register(
            actor=officer, name="韦小宝", id_number=id_number, mobile=MOBILE
        )
        return case_open(
            actor=officer,
            market=market,
            kind="policy_consultation",
            channel="counter" if claimed else "online",
            applicant=applicant,
            subject=SUBJECT,
            description=DESCRIPTION,
            claimed=claimed,
        )


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _intake_trail(case: Case, since: int) -> dict[str, Any]:
    """Everything an intake writes besides the case and applicant rows, ids named."""
    officer_id = case.first_contact_officer_id

    def who(user_id: int | None) -> str | None:
        return None if user_id is None else "<officer>" if user_id == officer_id else str(user_id)

    def case_named(text: str) -> str:
        return text.replace(str(case.pk), "<case>")

    events = [
        {
            "action": event.action,
            "actor": who(event.actor_id),
            "actor_label": event.actor_label,
            "target": f"{event.target_type}:{case_named(event.target_id)}",
            "target_label": event.target_label,
            "market": event.market.name if event.market else None,
            "old_values": event.old_values,
            "new_values": event.new_values,
            "success": event.success,
            "occurred_at": _when(event.occurred_at),
        }
        for event in AuditEvent.objects.filter(pk__gt=since).order_by("pk")
    ]
    applicant_history = [
        {
            "type": row.history_type,
            "user": who(row.history_user_id),
            "date": _when(row.history_date),
            "reason": row.history_change_reason,
            "name": row.name,
            "kind": row.kind,
            "id_number_masked": row.id_number_masked,
            "gender": row.gender,
            "birth_date": row.birth_date.isoformat(),
            "mobile_masked": row.mobile_masked,
        }
        for row in Applicant.history.filter(id=case.applicant_id).order_by("history_id")
    ]
    case_history = [
        {
            "type": row.history_type,
            "user": who(row.history_user_id),
            "date": _when(row.history_date),
            "reason": row.history_change_reason,
            "reference": row.reference,
            "kind": row.kind,
            "state": row.state,
            "channel": row.channel,
            "subject": row.subject,
            "description": row.description,
            "priority": row.priority,
            "owner": who(row.owner_id),
            "first_contact_officer": who(row.first_contact_officer_id),
            "opened_at": _when(row.opened_at),
        }
        for row in Case.history.filter(id=case.pk).order_by("history_id")
    ]
    deadlines = [
        {
            "target": deadline.target,
            "kind": deadline.kind,
            "policy": (deadline.policy.target, deadline.policy.amount, deadline.policy.unit),
            "started_at": _when(deadline.started_at),
            "due_at": _when(deadline.due_at),
            "warn_at": _when(deadline.warn_at),
            "escalate_at": _when(deadline.escalate_at),
            "estimated": deadline.estimated,
            "paused_at": _when(deadline.paused_at),
            "paused_total": str(deadline.paused_total),
            "stopped_at": _when(deadline.stopped_at),
            "met": deadline.met,
            "alerts": [
                (alert.level, _when(alert.at)) for alert in deadline.alerts.order_by("at", "pk")
            ],
            "changes": [
                (_when(c.at), _when(c.old_due_at), _when(c.new_due_at), c.reason, c.actor_id)
                for c in DeadlineChange.objects.filter(deadline=deadline).order_by("pk")
            ],
        }
        for deadline in Deadline.objects.filter(subject_type="cases.case", subject_id=case.pk)
        .select_related("policy")
        .order_by("pk")
    ]
    messages = [
        {
            "channel": message.channel,
            "to": case_named(message.to),
            "key": case_named(message.idempotency_key),
            "body": message.body,
            "status": message.status,
            "queued_until": _when(message.queued_until),
        }
        for message in OutboxMessage.objects.filter(to=f"case-contact:{case.pk}").order_by("pk")
    ]
    return {
        "events": events,
        "applicant_history": applicant_history,
        "case_history": case_history,
        "deadlines": deadlines,
        "messages": messages,
    }


# The trail as the code before the change wrote it (FROZEN_AT; the completion clock: 5 working
# days, the acceptance clock: the same day).
SMS = (
    "【南宁市零工市场】您的“政策咨询”申请已受理，受理编号 450100-2026-000001，"
    "将在5 个工作日内办结，承诺办结日期 2026-03-09。"
    "可在市场自助终端凭受理编号和本手机号后四位查询进度。"
    "咨询电话：0771-5501234。"
)


def _expected(*, claimed: bool) -> dict[str, Any]:
    state, channel = ("in_progress", "counter") if claimed else ("new", "online")
    acceptance_stopped = {"stopped_at": AT, "met": True, "alerts": []}
    acceptance_running = {
        "stopped_at": None,
        "met": None,
        "alerts": [
            ("warning", "2026-03-02T08:00:00.250000+00:00"),
            ("breach", "2026-03-02T09:30:00+00:00"),
            ("escalation", "2026-03-04T09:30:00+00:00"),
        ],
    }
    return {
        "events": [
            {
                "action": "case.opened",
                "actor": "<officer>",
                "actor_label": "officer",
                "target": "cases.case:<case>",
                "target_label": f"450100-2026-000001 {SUBJECT}",
                "market": "南宁市零工市场",
                "old_values": {},
                "new_values": {
                    "reference": "450100-2026-000001",
                    "state": state,
                    "kind": "policy_consultation",
                    "channel": channel,
                },
                "success": True,
                "occurred_at": AT,
            }
        ],
        "applicant_history": [
            {
                "type": "+",
                "user": "<officer>",
                "date": AT,
                "reason": None,
                "name": "韦小宝",
                "kind": "person",
                "id_number_masked": "450102********1238",
                "gender": "male",
                "birth_date": "1990-03-07",
                "mobile_masked": "138****8000",
            }
        ],
        "case_history": [
            {
                "type": "+",
                "user": "<officer>",
                "date": AT,
                "reason": None,
                "reference": "450100-2026-000001",
                "kind": "policy_consultation",
                "state": state,
                "channel": channel,
                "subject": SUBJECT,
                "description": DESCRIPTION,
                "priority": "normal",
                "owner": "<officer>" if claimed else None,
                "first_contact_officer": "<officer>",
                "opened_at": AT,
            }
        ],
        "deadlines": [
            {
                "target": "acceptance",
                "kind": "policy_consultation",
                "policy": ("acceptance", 1, "same_day"),
                "started_at": AT,
                "due_at": "2026-03-02T09:30:00+00:00",
                "warn_at": "2026-03-02T08:00:00.250000+00:00",
                "escalate_at": "2026-03-04T09:30:00+00:00",
                "estimated": False,
                "paused_at": None,
                "paused_total": "0:00:00",
                **(acceptance_stopped if claimed else acceptance_running),
                "changes": [(AT, None, "2026-03-02T09:30:00+00:00", "started", None)],
            },
            {
                "target": "completion",
                "kind": "policy_consultation",
                "policy": ("completion", 5, "working_days"),
                "started_at": AT,
                "due_at": "2026-03-09T09:30:00+00:00",
                "warn_at": "2026-03-06T03:52:30.250000+00:00",
                "escalate_at": "2026-03-11T09:30:00+00:00",
                "estimated": False,
                "paused_at": None,
                "paused_total": "0:00:00",
                "stopped_at": None,
                "met": None,
                "alerts": [
                    ("warning", "2026-03-06T03:52:30.250000+00:00"),
                    ("breach", "2026-03-09T09:30:00+00:00"),
                    ("escalation", "2026-03-11T09:30:00+00:00"),
                ],
                "changes": [(AT, None, "2026-03-09T09:30:00+00:00", "started", None)],
            },
        ],
        "messages": [
            {
                "channel": "sms",
                "to": "case-contact:<case>",
                "key": "case-received:<case>",
                "body": SMS,
                "status": "pending",
                "queued_until": "2026-03-02T01:01:01+00:00",
            }
        ],
    }


@pytest.mark.parametrize("claimed", [True, False], ids=["at the counter", "online, unclaimed"])
def test_an_intake_leaves_the_same_trail_as_before(
    officer: User,
    nanning_market: Market,
    frozen_time: time_machine.Traveller,
    claimed: bool,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    mark = audit_mark()

    with django_capture_on_commit_callbacks() as callbacks:
        case = _intake(officer, nanning_market, claimed=claimed)

    assert _intake_trail(case, mark) == _expected(claimed=claimed)
    assert len(callbacks) == 1  # the text message handed to a worker
    assert chain_verify(chain=f"market:{nanning_market.pk}").broken is None


# The statements of one intake with a new applicant, after the first (the counter's sequence row
# and the chain's head exist), the dashboard counters' upserts included (the clock's, the
# case's two), the acceptance clock written stopped (no UPDATE after it), the completion clock's
# three alerts in one INSERT (the sweep's queue, ``sla.models.Alert``): SQLite keeps its search
# tables in step (two more each).
STATEMENTS = {"sqlite": 20, "postgresql": 18}


def test_an_intake_takes_a_fixed_number_of_statements(
    officer: User, nanning_market: Market, django_assert_num_queries: Callable[..., Any]
) -> None:
    _intake(officer, nanning_market)  # the first: sequence row, chain head, memories
    user = fresh(officer)  # as the next request sees the officer

    with django_assert_num_queries(STATEMENTS[connection.vendor]):
        _intake(user, nanning_market, id_number="450103198512120028")
