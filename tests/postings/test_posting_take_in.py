"""Issue 9, item 3: the whole intake of a posting is a service (``posting_take_in``), below the
counter page: it finds or registers the employer (an organisation by credit code, a person by
ID number) and takes the posting in, or publishes it in the same sitting, all in one
transaction. Called here without any view or request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from conftest import ID_NUMBERS
from django.core.exceptions import ValidationError
from posting_support import (
    CREDIT_CODE,
    actions_since,
    audit_mark,
    employer_make,
    posting_data,
    qingxiu_make,
)

from accounts.models import User
from cases.intake import NAME_CONFLICT, ApplicantGiven, IntakeRefused
from cases.models import Applicant, Case, State
from markets.models import Market
from workflows.postings.models import Posting, Status
from workflows.postings.services import posting_take_in

pytestmark = pytest.mark.django_db

EMPLOYER = ApplicantGiven(
    name="南宁市邕江餐饮有限公司", credit_code=CREDIT_CODE, mobile="13907710001"
)


@pytest.fixture(autouse=True)
def _world(frozen_time: time_machine.Traveller, nanning_market: Market) -> Iterator[None]:
    qingxiu_make()
    yield


def _take_in(officer: User, market: Market, **changes: Any) -> Posting:
    values: dict[str, Any] = {
        "actor": officer,
        "market": market,
        "employer": EMPLOYER,
        "data": posting_data(),
        "publish": True,
    }
    values.update(changes)
    return posting_take_in(**values)


def test_a_new_employer_is_registered_and_the_posting_published_in_one_sitting(
    officer: User, nanning_market: Market
) -> None:
    mark = audit_mark()

    posting = _take_in(officer, nanning_market)

    employer = Applicant.objects.get()
    assert (employer.kind, employer.name, employer.credit_code) == (
        Applicant.Kind.ORGANISATION,
        EMPLOYER.name,
        CREDIT_CODE,
    )
    assert posting.employer == employer
    assert posting.status == Status.PUBLISHED
    case = Case.objects.get(pk=posting.case_id)
    assert (case.state, case.contact_mobile) == (State.CLOSED, "13907710001")
    actions = [action for action, _target in actions_since(mark)]
    assert actions[0] == "case.opened"
    assert "posting.taken_in" in actions
    assert "posting.published" in actions


def test_saved_for_review_leaves_the_posting_in_review(
    officer: User, nanning_market: Market
) -> None:
    posting = _take_in(officer, nanning_market, publish=False)

    assert posting.status == Status.IN_REVIEW
    assert posting.case is not None
    assert posting.case.state == State.IN_PROGRESS


def test_a_person_who_hires_is_found_by_id_number_and_must_give_a_mobile(
    officer: User, nanning_market: Market
) -> None:
    person = ApplicantGiven(name="韦小宝", id_number=ID_NUMBERS[0])

    with pytest.raises(IntakeRefused) as refused:
        _take_in(officer, nanning_market, employer=person)

    assert list(refused.value.message_dict) == ["employer_mobile"]
    assert not Applicant.objects.exists()

    posting = _take_in(
        officer,
        nanning_market,
        employer=ApplicantGiven(**{**person.__dict__, "mobile": "13800138000"}),
    )
    assert posting.employer.kind == Applicant.Kind.PERSON


def test_a_name_conflict_is_refused_with_the_name_on_record_and_the_postings_problems(
    officer: User, nanning_market: Market
) -> None:
    employer_make(officer)
    mark = audit_mark()

    with pytest.raises(IntakeRefused) as refused:
        _take_in(
            officer,
            nanning_market,
            employer=ApplicantGiven(name="邕江餐饮", credit_code=CREDIT_CODE),
            data=posting_data(headcount="0"),
        )

    assert refused.value.registered_names == {"employer_name": "南宁市邕江餐饮有限公司"}
    assert [item.code for item in refused.value.error_dict["employer_name"]] == [NAME_CONFLICT]
    assert "headcount" in refused.value.message_dict  # every problem at once
    assert not Posting.objects.exists()
    assert actions_since(mark) == []

    posting = _take_in(
        officer,
        nanning_market,
        employer=ApplicantGiven(name="邕江餐饮", credit_code=CREDIT_CODE),
        use_registered_name=True,
    )
    assert posting.employer.name == "南宁市邕江餐饮有限公司"


def test_a_refused_posting_leaves_no_employer_behind(officer: User, nanning_market: Market) -> None:
    # The employer is registered first; then the posting is refused: all undone.
    with pytest.raises(ValidationError) as refused:
        _take_in(officer, nanning_market, data=posting_data(headcount="0"))

    assert "headcount" in refused.value.message_dict
    assert not Applicant.objects.exists()
    assert not Case.objects.exists()


def test_both_a_credit_code_and_an_id_number_is_refused(
    officer: User, nanning_market: Market
) -> None:
    both = ApplicantGiven(name="韦小宝", credit_code=CREDIT_CODE, id_number=ID_NUMBERS[0])

    with pytest.raises(IntakeRefused) as refused:
        _take_in(officer, nanning_market, employer=both)

    assert "credit_code" in refused.value.message_dict
    assert not Applicant.objects.exists()
