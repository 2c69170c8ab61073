"""SLA policies and the working-day calendar as administrators enter them (限时办结): bad input
is refused with a message that says what is wrong, and a changed policy applies to the cases
opened afterwards only, leaving a history row.

``full_clean()`` is what the administration site runs on every form it saves.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
import time_machine
from conftest import SHANGHAI, MarketFactory, case_make
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from accounts.models import User
from markets.models import Market
from sla.models import CalendarDay, CalendarYear, Deadline, Policy, Target, Unit

KIND = "policy_consultation"


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The messages are compared in English (the catalogue gives them in Chinese too)."""
    with translation.override("en"):
        yield


def _policy(**fields: object) -> Policy:
    values: dict[str, object] = {
        "kind": "job_referral",
        "target": Target.COMPLETION,
        "amount": 5,
        "unit": Unit.WORKING_DAYS,
        "pause_states": ["awaiting_materials"],
    }
    values.update(fields)
    return Policy(**values)


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def _completion_policy() -> Policy:
    return Policy.objects.get(kind=KIND, target=Target.COMPLETION, market=None, is_active=True)


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_defaults_of_a_policy_consultation_are_seeded() -> None:
    acceptance = Policy.objects.get(kind=KIND, target=Target.ACCEPTANCE, market=None)
    completion = _completion_policy()

    assert (acceptance.unit, acceptance.pause_states) == (Unit.SAME_DAY, ["awaiting_materials"])
    assert (completion.amount, completion.unit) == (5, Unit.WORKING_DAYS)
    assert completion.pause_states == ["awaiting_materials"]


@pytest.mark.django_db
def test_a_policy_allowing_no_time_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        _policy(amount=0).full_clean()

    assert "The time allowed must be at least 1." in _messages(error)["amount"]
    assert not Policy.objects.filter(kind="job_referral").exists()


@pytest.mark.django_db
def test_a_policy_allowing_negative_time_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        _policy(amount=-3).full_clean()

    assert "amount" in _messages(error)


@pytest.mark.django_db
def test_the_database_refuses_a_policy_allowing_no_time() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        _policy(amount=0).save()

    assert not Policy.objects.filter(kind="job_referral").exists()


@pytest.mark.django_db
def test_a_same_day_policy_needs_no_amount() -> None:
    policy = _policy(target=Target.ACCEPTANCE, unit=Unit.SAME_DAY, amount=0)

    policy.full_clean()
    policy.save()

    assert Policy.objects.filter(pk=policy.pk).exists()


@pytest.mark.django_db
def test_a_pause_state_that_does_not_exist_is_refused_by_name() -> None:
    with pytest.raises(ValidationError) as error:
        _policy(pause_states=["awaiting_materials", "on_holiday"]).full_clean()

    [message] = _messages(error)["pause_states"]
    assert "on_holiday" in message
    assert "awaiting_materials" in message  # among the states one may choose from


@pytest.mark.django_db
def test_pause_states_given_other_than_as_a_list_of_names_are_refused() -> None:
    with pytest.raises(ValidationError) as error:
        _policy(pause_states={"awaiting_materials": True}).full_clean()

    assert _messages(error)["pause_states"] == ["List the states by name."]


@pytest.mark.django_db
def test_a_second_default_policy_for_the_same_kind_and_target_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        _policy(kind=KIND, amount=3).full_clean()

    assert _messages(error)[NON_FIELD_ERRORS] == [
        "A policy for this kind and target exists already."
    ]


@pytest.mark.django_db
def test_a_retired_policy_does_not_count_against_the_one_in_force() -> None:
    _policy(kind=KIND, amount=3, is_active=False).full_clean()


@pytest.mark.django_db
def test_a_second_policy_of_one_market_for_the_same_kind_and_target_is_refused(
    nanning_market: Market,
) -> None:
    _policy(kind=KIND, market=nanning_market, amount=3).save()  # its own beside the default

    with pytest.raises(ValidationError) as error:
        _policy(kind=KIND, market=nanning_market, amount=4).full_clean()

    assert _messages(error)[NON_FIELD_ERRORS] == [
        "This market has a policy for this kind and target already."
    ]


@pytest.mark.django_db
def test_the_same_day_entered_twice_for_every_market_is_refused() -> None:
    CalendarDay.objects.create(day=date(2027, 1, 1), is_working_day=False, reason="元旦")

    with pytest.raises(ValidationError) as error:
        CalendarDay(day=date(2027, 1, 1), is_working_day=True, reason="again").full_clean()

    assert _messages(error)[NON_FIELD_ERRORS] == ["This day is entered already for every market."]


@pytest.mark.django_db
def test_the_same_day_entered_twice_for_one_market_is_refused(nanning_market: Market) -> None:
    CalendarDay.objects.create(
        day=date(2026, 3, 4), market=nanning_market, is_working_day=False, reason="停电"
    )
    # Another market, and every market, may have that day.
    other = MarketFactory.create(region=nanning_market.region)
    CalendarDay(day=date(2026, 3, 4), market=other, is_working_day=False, reason="x").full_clean()
    CalendarDay(day=date(2026, 3, 4), is_working_day=False, reason="x").full_clean()

    with pytest.raises(ValidationError) as error:
        CalendarDay(
            day=date(2026, 3, 4), market=nanning_market, is_working_day=True, reason="again"
        ).full_clean()

    assert _messages(error)[NON_FIELD_ERRORS] == ["This day is entered already for this market."]


@pytest.mark.django_db
def test_a_calendar_year_entered_twice_is_refused() -> None:
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕×号")

    with pytest.raises(ValidationError) as error:
        CalendarYear(year=2027, source="again").full_clean()

    assert _messages(error)["year"] == ["This year's schedule has been entered already."]


# --- A changed policy ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_changed_policy_applies_to_new_cases_only_and_leaves_a_history_row(
    officer: User,
    system_admin: User,
    verified_client: Callable[[User], Client],
) -> None:
    policy = _completion_policy()
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        old_case = case_make(officer)
    old_due = Deadline.objects.get(subject_id=old_case.pk, target=Target.COMPLETION).due_at
    assert old_due == datetime(2026, 3, 9, 17, 30, tzinfo=SHANGHAI)  # 5 working days

    response = verified_client(system_admin).post(
        f"/admin/sla/policy/{policy.pk}/change/",
        {
            "kind": KIND,
            "market": "",
            "target": Target.COMPLETION,
            "amount": 3,
            "unit": Unit.WORKING_DAYS,
            "pause_states": json.dumps(["awaiting_materials"]),
            "warn_percent": 75,
            "escalate_after_days": 2,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        new_case = case_make(officer, subject="稳岗返还政策咨询")
    old_deadline = Deadline.objects.get(subject_id=old_case.pk, target=Target.COMPLETION)
    new_deadline = Deadline.objects.get(subject_id=new_case.pk, target=Target.COMPLETION)
    assert old_deadline.due_at == old_due
    assert new_deadline.due_at == datetime(2026, 3, 5, 17, 30, tzinfo=SHANGHAI)  # 3 working days

    # The seeded default has no history of its own: the change is the one row.
    [change] = policy.history.all()
    assert (change.history_type, change.history_user, change.amount) == ("~", system_admin, 3)


@pytest.mark.django_db
def test_an_administrator_cannot_save_a_policy_with_an_unknown_pause_state(
    system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    policy = _completion_policy()

    response = verified_client(system_admin).post(
        f"/admin/sla/policy/{policy.pk}/change/",
        {
            "kind": KIND,
            "market": "",
            "target": Target.COMPLETION,
            "amount": 5,
            "unit": Unit.WORKING_DAYS,
            "pause_states": json.dumps(["on_holiday"]),
            "warn_percent": 75,
            "escalate_after_days": 2,
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "on_holiday" in str(response.context["adminform"].form.errors["pause_states"])
    policy.refresh_from_db()
    assert policy.pause_states == ["awaiting_materials"]
