"""Issue 9, item 3: the whole intake of start-up help is a service (``startup_take_in``), below
the page: it finds or registers the person and opens the case in one transaction. Called here
without any view or request."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ID_NUMBERS, applicant_make
from django.core.exceptions import PermissionDenied
from startup_support import PLAN

from accounts.models import User
from audit.models import AuditEvent
from cases.intake import NAME_CONFLICT, IntakeRefused
from cases.models import Applicant, Case
from markets.models import Market
from workflows.startup.models import StartupService
from workflows.startup.services import startup_take_in

pytestmark = pytest.mark.django_db


def _take_in(officer: User, market: Market, **changes: Any) -> Case:
    values: dict[str, Any] = {
        "actor": officer,
        "market": market,
        "name": "韦小宝",
        "id_number": ID_NUMBERS[0],
        "mobile": "13800138000",
        "channel": "counter",
        "plan_summary": PLAN,
    }
    values.update(changes)
    return startup_take_in(**values)


def test_the_person_is_registered_and_the_case_opened_with_its_four_items(
    officer: User, nanning_market: Market
) -> None:
    case = _take_in(officer, nanning_market)

    assert case.applicant == Applicant.objects.get()
    assert case.kind == "startup_help"
    assert case.contact_mobile == "13800138000"
    assert StartupService.objects.filter(case=case).count() == 4
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["case.opened", "startup.opened"]


def test_a_known_person_is_used_unchanged_the_mobile_given_is_the_cases(
    officer: User, nanning_market: Market
) -> None:
    known = applicant_make(officer)

    case = _take_in(officer, nanning_market, mobile="13977110022")

    known.refresh_from_db()
    assert case.applicant == known
    assert (known.mobile, case.contact_mobile) == ("13800138000", "13977110022")


def test_a_name_conflict_and_a_missing_plan_are_reported_at_once(
    officer: User, nanning_market: Market
) -> None:
    applicant_make(officer)

    with pytest.raises(IntakeRefused) as refused:
        _take_in(officer, nanning_market, name="韦大宝", plan_summary="  ")

    assert refused.value.registered_names == {"name": "韦小宝"}
    assert [item.code for item in refused.value.error_dict["name"]] == [NAME_CONFLICT]
    assert "plan_summary" in refused.value.message_dict
    assert not Case.objects.exists()

    case = _take_in(officer, nanning_market, name="韦大宝", use_registered_name=True)
    assert case.applicant.name == "韦小宝"


def test_a_refused_case_leaves_no_applicant_behind(inspector: User, nanning_market: Market) -> None:
    # The person is registered first; then opening the case is refused: all undone.
    with pytest.raises(PermissionDenied):
        _take_in(inspector, nanning_market)

    assert not Applicant.objects.exists()
    assert not Case.objects.exists()
