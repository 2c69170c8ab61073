"""The choices of a case page's action forms (the markets and staff a case can be transferred
to, who of them is away, the staff a lead can reassign to, the checklist a single notice is
ticked from), and a market list's staff (its owner filter, its reassign boxes) are kept in each
process's memory (``sla.memo``) and not read on every request (issue 14: four of the case page's
statements, one of the market list's); they are read afresh at once when a user, a
membership, a market, a region, an absence or a checklist item changes, and what is posted is
still checked against the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from absence_support import away, colleague
from conftest import case_make
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from test_case_support import market_make, page

from accounts.models import User
from backoffice.cases.forms import ReassignForm, RequestMaterialsForm, TransferForm
from cases.models import Case, ChecklistItem, Transfer
from cases.staff_selectors import CHECKLISTS, HANDOVER
from markets.models import Market, Membership, Role
from sla import memo

pytestmark = pytest.mark.django_db

KEPT_TABLES = ('FROM "markets_market"', 'FROM "markets_absence"', 'FROM "cases_checklistitem"')


@pytest.fixture
def lead(nanning_market: Market, frozen_time: time_machine.Traveller) -> User:
    return colleague("lead", nanning_market, Role.TEAM_LEAD)


@pytest.fixture
def zhang(nanning_market: Market) -> User:
    return colleague("张三", nanning_market)


@pytest.fixture
def li(nanning_market: Market) -> User:
    return colleague("李四", nanning_market)


@pytest.fixture
def sender(nanning_market: Market, lead: User) -> User:
    return colleague("sender", nanning_market)


@pytest.fixture
def case(sender: User) -> Case:
    case: Case = case_make(sender)
    for position, name in enumerate(("身份证", "社保缴费证明")):
        ChecklistItem.objects.create(kind=case.kind, name=name, position=position)
    return case


def _statements(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_case_page_reads_its_forms_choices_once_per_process(
    case: Case, sender: User, zhang: User, li: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(sender)
    html = page(client.get(f"/cases/{case.pk}/"))
    again = _statements(client, f"/cases/{case.pk}/")
    memo.changed(HANDOVER)
    memo.changed(CHECKLISTS)
    afresh = _statements(client, f"/cases/{case.pk}/")

    assert [sql for sql in again if any(table in sql for table in KEPT_TABLES)] == []
    assert [sql for sql in again if sql.startswith('SELECT DISTINCT "accounts_user"')] == []
    assert len(afresh) == len(again) + 4
    assert sum(table in sql for sql in afresh for table in KEPT_TABLES) == 3
    # What is offered is all there all the same.
    assert 'name="to_market"' in html and 'name="to_user"' in html and 'name="items"' in html
    for name in ("张三 (张三)", "李四 (李四)", "南宁市零工市场", "身份证", "社保缴费证明"):
        assert name in html


def test_what_changed_is_offered_on_the_next_request(
    case: Case,
    sender: User,
    lead: User,
    zhang: User,
    li: User,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(sender)
    before = page(client.get(f"/cases/{case.pk}/"))
    assert "测试市零工市场" not in before and "王五" not in before and "测试用材料" not in before

    liuzhou = market_make("459900", "测试市")
    wang = colleague("王五", liuzhou)
    ChecklistItem.objects.create(kind=case.kind, name="测试用材料", position=9)
    away(lead, zhang, li)
    after = page(client.get(f"/cases/{case.pk}/"))

    assert "测试市零工市场" in after and "王五 (王五)" in after and "测试用材料" in after
    assert "离岗至2026-03-06（南宁市零工市场）：转给李四" in after

    wang.is_active = False
    wang.save()
    liuzhou.is_active = False
    liuzhou.save()
    assert "王五" not in page(client.get(f"/cases/{case.pk}/"))
    assert "测试市零工市场" not in page(client.get(f"/cases/{case.pk}/"))


def test_a_sign_in_keeps_the_choices_and_a_change_of_name_does_not(zhang: User) -> None:
    kept = memo.version(HANDOVER)
    zhang.save(update_fields=["last_login"])  # what every sign-in saves
    assert memo.version(HANDOVER) == kept

    zhang.full_name = "张三丰"
    zhang.save(update_fields=["full_name"])
    assert memo.version(HANDOVER) != kept


def _drawn_from_the_queryset(form: Any, name: str) -> str:
    """The field as its queryset (the one that checks what is posted) draws it."""
    field = form.fields[name]
    del field._choices
    field.queryset = field.queryset  # the widget's choices are the queryset's rows again
    return str(form[name])


@pytest.mark.parametrize(
    ("form_class", "fields"),
    [(TransferForm, ["to_market"]), (RequestMaterialsForm, ["items"]), (ReassignForm, ["to_user"])],
)
def test_the_kept_choices_are_drawn_as_the_fields_queryset_draws_them(
    case: Case, sender: User, zhang: User, li: User, form_class: Any, fields: list[str]
) -> None:
    ChecklistItem.objects.create(kind=case.kind, name="不用了", position=5, is_active=False)
    ChecklistItem.objects.create(kind="other_kind", name="别的", position=0)
    market_make("459900", "测试市")
    Membership.objects.create(user=zhang, role=Role.OFFICER, market=market_make("450300", "桂林市"))

    for name in fields:
        # Posted (with nothing chosen): the queryset that checks the choice is built too.
        kept = str(form_class({}, case=case, user=sender, auto_id="id_%s")[name])
        queried = _drawn_from_the_queryset(
            form_class({}, case=case, user=sender, auto_id="id_%s"), name
        )
        assert kept == queried
        assert kept.count("<option") + kept.count('type="checkbox"') > 2


def test_a_choice_gone_stale_is_still_refused_when_posted(
    case: Case,
    sender: User,
    zhang: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    client = verified_client(sender)
    assert "张三 (张三)" in page(client.get(f"/cases/{case.pk}/"))
    # Changed behind the signals' back: the choice is still offered from memory ...
    User.objects.filter(pk=zhang.pk).update(is_active=False)
    assert "张三 (张三)" in page(client.get(f"/cases/{case.pk}/"))

    response = client.post(
        f"/cases/{case.pk}/transfer/",
        {"to_market": nanning_market.pk, "to_user": zhang.pk, "reason": "请接办"},
    )

    # ... and refused when chosen, on the page that keeps what was entered.
    assert response.status_code == 200
    assert "请接办" in page(response)
    assert not Transfer.objects.exists()


def test_the_market_list_offers_its_staff_from_memory(
    lead: User, zhang: User, nanning_market: Market, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(lead)
    url = f"/cases/market/{nanning_market.pk}/"
    assert "张三 (张三)" in page(client.get(url))  # the owner filter, and reassign's choices
    again = _statements(client, url)

    wang = colleague("王五", nanning_market)
    after = page(client.get(url))

    assert [sql for sql in again if sql.startswith('SELECT DISTINCT "accounts_user"')] == []
    assert f'<option value="{wang.pk}">王五 (王五)</option>' in after
