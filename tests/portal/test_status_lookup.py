"""The case-status lookup (办件进度查询) at the kiosk: a reference number and the last four digits
of the applicant's mobile give the case's state in words, its kind and dates, and nothing else;
a wrong reference and wrong digits get the same neutral answer; after five failures within 15
minutes, per client address or per reference, the lookup answers 429 without checking."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from conftest import ID_NUMBERS, case_make
from django.test import Client
from django.utils import timezone, translation
from portal_support import html

from accounts.models import User
from cases.models import Applicant, Case, ChecklistItem, State
from cases.services import case_close, case_request_materials, case_resolve
from markets.models import Market
from portal import throttle
from portal.selectors import case_public_state, case_status_lookup

RIGHT_DIGITS = "8000"  # conftest.applicant_make: 13800138000
NOT_FOUND = "No case matches this reference number and these digits."


@pytest.fixture
def case(officer: User) -> Case:
    return case_make(officer)


def lookup(
    client: Client, market: Market, reference: str, digits: str, *, ip: str = "10.0.0.7"
) -> Any:
    return client.post(
        f"/portal/{market.pk}/kiosk/status/",
        {"reference": reference, "mobile_last_four": digits},
        REMOTE_ADDR=ip,
    )


def english(text: str) -> str:
    with translation.override("en"):
        return str(text)


def chinese(label: Any) -> str:
    with translation.override("zh-hans"):
        return str(label)


def neutral_answer(response: Any) -> str:
    """The page without what the visitor typed (echoed into the form's inputs)."""
    return re.sub(r' value="[^"]*"', "", html(response))


def test_right_digits_give_the_state_in_words_the_kind_and_the_date(
    client: Client, nanning_market: Market, case: Case
) -> None:
    response = lookup(client, nanning_market, case.reference, RIGHT_DIGITS)
    text = html(response)

    assert response.status_code == 200
    assert response.context["status"].state == case_public_state(State.NEW)
    assert chinese(case_public_state(State.NEW)) in text
    assert chinese(response.context["status"].kind) in text
    assert timezone.localdate(case.opened_at).isoformat() in text
    assert case.reference in text
    # Nothing else: not the applicant, not the digits just typed, not the case's subject.
    for secret in ["韦小宝", *ID_NUMBERS, "13800138000", "138****8000", RIGHT_DIGITS, case.subject]:
        assert secret not in text


def test_a_case_waiting_for_materials_and_a_closed_case_are_told_apart(
    client: Client, nanning_market: Market, officer: User, case: Case
) -> None:
    item = ChecklistItem.objects.create(
        kind=case.kind, name="身份证复印件", reason="核实身份", format="复印件"
    )
    waiting = case_request_materials(actor=officer, case=case, items=[item]).case
    other = case_make(officer)
    closed = case_close(
        actor=officer,
        case=case_resolve(actor=officer, case=other, outcome="已答复"),
    )

    waiting_status = lookup(client, nanning_market, waiting.reference, RIGHT_DIGITS).context[
        "status"
    ]
    closed_status = lookup(client, nanning_market, closed.reference, RIGHT_DIGITS).context["status"]

    assert waiting_status.state == case_public_state(State.AWAITING_MATERIALS)
    assert waiting_status.closed_on is None
    assert closed_status.state == case_public_state(State.CLOSED)
    assert closed_status.closed_on == timezone.localdate()
    assert english(closed_status.state) == "Completed"


def test_wrong_reference_and_wrong_digits_get_the_same_neutral_answer(
    client: Client, nanning_market: Market, case: Case
) -> None:
    unknown = case.reference[:-1] + ("9" if case.reference[-1] != "9" else "8")
    client.cookies.load({"django_language": "en"})

    wrong_reference = lookup(client, nanning_market, unknown, RIGHT_DIGITS)
    wrong_digits = lookup(client, nanning_market, case.reference, "1234")

    assert wrong_reference.status_code == wrong_digits.status_code == 200
    assert NOT_FOUND in html(wrong_reference)
    assert neutral_answer(wrong_reference) == neutral_answer(wrong_digits)
    # The form keeps what was entered.
    assert f'value="{case.reference}"' in html(wrong_digits)
    assert 'value="1234"' in html(wrong_digits)


def test_a_case_whose_applicant_left_no_mobile_is_never_found(
    client: Client, nanning_market: Market, officer: User
) -> None:
    nobody = Applicant.objects.create(kind=Applicant.Kind.PERSON, name="无手机")
    case = case_make(officer, applicant=nobody)

    assert case_status_lookup(reference=case.reference, mobile_last_four="----") is None
    assert lookup(client, nanning_market, case.reference, "0000").context.get("status") is None


def test_a_reference_typed_with_full_width_digits_or_without_dashes_is_found(
    client: Client, nanning_market: Market, case: Case
) -> None:
    full_width = case.reference.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))

    assert lookup(client, nanning_market, full_width, "８０００").context["status"] is not None
    bare = case.reference.replace("-", "")
    assert lookup(client, nanning_market, bare, RIGHT_DIGITS).context["status"] is not None


def test_a_malformed_entry_is_sent_back_with_what_was_typed_and_counts_no_failure(
    client: Client, nanning_market: Market, case: Case
) -> None:
    for _attempt in range(throttle.FAILURE_LIMIT + 1):
        response = lookup(client, nanning_market, "abc", "12a")

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"reference", "mobile_last_four"}
    assert 'value="abc"' in html(response)
    assert 'value="12a"' in html(response)
    assert lookup(client, nanning_market, case.reference, RIGHT_DIGITS).context["status"]


def test_the_sixth_failure_within_15_minutes_is_refused_unchecked_until_the_window_ends(
    frozen_time: time_machine.Traveller, client: Client, nanning_market: Market, case: Case
) -> None:
    for _attempt in range(throttle.FAILURE_LIMIT):
        assert lookup(client, nanning_market, case.reference, "1111").status_code == 200

    frozen_time.shift(timedelta(minutes=14))
    refused = lookup(client, nanning_market, case.reference, RIGHT_DIGITS)

    assert refused.status_code == 429
    assert "status" not in refused.context
    assert 'value="8000"' in html(refused)  # the form keeps what was entered

    frozen_time.shift(timedelta(minutes=1, seconds=1))
    again = lookup(client, nanning_market, case.reference, RIGHT_DIGITS)

    assert again.status_code == 200
    assert again.context["status"].reference == case.reference


def test_failures_count_per_reference_whatever_the_address(
    client: Client, nanning_market: Market, case: Case
) -> None:
    for n in range(throttle.FAILURE_LIMIT):
        lookup(client, nanning_market, case.reference, "1111", ip=f"10.0.1.{n}")

    assert (
        lookup(client, nanning_market, case.reference, RIGHT_DIGITS, ip="10.0.2.1").status_code
        == 429
    )


def test_failures_count_per_address_whatever_the_reference(
    client: Client, nanning_market: Market, officer: User, case: Case
) -> None:
    for n in range(throttle.FAILURE_LIMIT):
        lookup(client, nanning_market, f"450100-2026-{900000 + n}", RIGHT_DIGITS, ip="10.0.3.1")

    assert (
        lookup(client, nanning_market, case.reference, RIGHT_DIGITS, ip="10.0.3.1").status_code
        == 429
    )
    found = lookup(client, nanning_market, case.reference, RIGHT_DIGITS, ip="10.0.3.2")
    assert found.status_code == 200
    assert found.context["status"] is not None
