"""The notice board shows each service's published time limit and required materials
(服务时限和材料清单公示, issue 10 item 6), read from the very SLA policies and checklist items
the cases use: change a policy or the checklist and the board changes with it, and what the
board says a service takes is the policy a new case of it runs on."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from conftest import case_make
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from noticeboard_support import liuzhou_market

from accounts.models import User
from cases.kinds import KINDS
from cases.models import ChecklistItem
from cases.services import CASE_SUBJECT
from markets.models import Market
from noticeboard.selectors import service_list_for_board
from sla.calendar import SHANGHAI
from sla.models import Deadline, Policy, Target
from sla.selectors import policy_for

pytestmark = pytest.mark.django_db

KIND = "policy_consultation"


def _board(client: Client, market: Market, language: str = "zh-hans") -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/portal/{market.pk}/board/")
    assert response.status_code == 200
    return response.content.decode()


def _service(html: str, kind: str) -> str:
    """The board's article of one service."""
    found = re.search(
        rf'<article class="board-service" id="service-{kind}">(.*?)</article>', html, re.S
    )
    assert found, f"{kind} is not on the board"
    return found.group(1)


def _completion_policy() -> Policy:
    return Policy.objects.get(
        kind=KIND, target=Target.COMPLETION, market=None, channel="", is_active=True
    )


def test_every_service_with_a_time_limit_is_on_the_board_as_its_cases_run(
    client: Client, nanning_market: Market
) -> None:
    services = service_list_for_board(market=nanning_market)
    html = _board(client, nanning_market)

    assert "各项服务的办理时限和材料清单" in html
    on_board = {service.kind for service in services}
    with_limits = set(
        Policy.objects.filter(is_active=True, kind__in=list(KINDS)).values_list("kind", flat=True)
    )
    assert with_limits <= on_board
    for service in services:
        article = _service(html, service.kind)
        assert service.completion is not None, service.kind
        # What the board says is what a case taken in through any channel runs on ...
        expected = policy_for(kind=service.kind, market=nanning_market, target=Target.COMPLETION)
        assert service.completion.policy == expected
        assert expected is not None and expected.time_limit_text in article
        # ... and a channel with a limit of its own is named with it.
        for _label, policy in service.completion.by_channel:
            assert policy == policy_for(
                kind=service.kind,
                market=nanning_market,
                target=Target.COMPLETION,
                channel=policy.channel,
            )
            assert policy.time_limit_text in article
        for item in ChecklistItem.objects.filter(kind=service.kind, is_active=True):
            assert item.name in article


def test_the_counters_own_limit_of_a_posting_review_is_named(
    client: Client, nanning_market: Market
) -> None:
    article = _service(_board(client, nanning_market), "posting_review")

    assert "1 个工作日" in article
    assert "窗口：1 个工作小时" in article  # the seeded counter-channel limit


def test_a_changed_policy_changes_the_board_and_the_next_cases_clock(
    client: Client, officer: User, nanning_market: Market
) -> None:
    assert "5 个工作日" in _service(_board(client, nanning_market), KIND)

    policy = _completion_policy()
    policy.amount = 8
    policy.save()

    article = _service(_board(client, nanning_market), KIND)
    assert "8 个工作日" in article and "5 个工作日" not in article
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = case_make(officer)
    deadline = Deadline.objects.get(
        subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.COMPLETION
    )
    assert deadline.policy == policy
    assert deadline.due_at == datetime(2026, 3, 12, 17, 30, tzinfo=SHANGHAI)  # 8 working days


def test_a_markets_own_policy_is_on_its_board_only(client: Client, nanning_market: Market) -> None:
    liuzhou = liuzhou_market()
    Policy.objects.create(
        kind=KIND,
        market=nanning_market,
        target=Target.COMPLETION,
        amount=3,
        unit="working_days",
        pause_states=["awaiting_materials"],
    )

    assert "3 个工作日" in _service(_board(client, nanning_market), KIND)
    article = _service(_board(client, liuzhou), KIND)
    assert "5 个工作日" in article and "3 个工作日" not in article


def test_the_materials_follow_the_checklist(client: Client, nanning_market: Market) -> None:
    first = ChecklistItem.objects.filter(kind=KIND, is_active=True).first()
    assert first is not None
    first.is_active = False
    first.save()
    ChecklistItem.objects.create(
        kind=KIND, name="社会保障卡", reason="核实参保状态", format="原件", position=99
    )

    article = _service(_board(client, nanning_market), KIND)

    assert first.name not in article
    assert "社会保障卡" in article and "核实参保状态" in article


def test_the_board_in_english(client: Client, nanning_market: Market) -> None:
    html = _board(client, nanning_market, "en")

    assert "Time limits and materials of each service" in html
    article = _service(html, KIND)
    assert "Policy consultation" in article
    assert "5 working days" in article
    assert "the same working day" in article  # its acceptance


def test_the_boards_queries_do_not_grow_with_policies_and_materials(
    client: Client, nanning_market: Market
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _board(client, nanning_market)
        return len(captured)

    before = queries()
    for n in range(10):
        ChecklistItem.objects.create(
            kind="complaint", name=f"证据材料{n}", reason="核实", format="复印件", position=50 + n
        )
    for channel in ("phone", "online", "kiosk"):
        Policy.objects.create(
            kind=KIND, target=Target.COMPLETION, channel=channel, amount=4, unit="working_days"
        )

    assert queries() == before
