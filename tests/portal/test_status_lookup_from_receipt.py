"""The QR code on the acceptance receipt opens the kiosk's case-status lookup with the reference
filled in (``?reference=``): only a well-formed reference is taken, nothing is looked up until
the applicant adds the last four digits of their mobile, and a malformed one is ignored."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from conftest import case_make
from django.test import Client
from portal_support import html

from accounts.models import User
from cases.models import Case
from markets.models import Market
from portal import throttle

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer: User) -> Case:
    return case_make(officer)


def _reference_field(response: object) -> object:
    return response.context["form"]["reference"].value()  # type: ignore[attr-defined]


def test_the_receipts_address_fills_in_the_reference_and_looks_nothing_up(
    client: Client,
    nanning_market: Market,
    case: Case,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[str] = []
    monkeypatch.setattr(
        throttle, "lookup_attempt_begin", lambda **kwargs: attempts.append(kwargs["reference"])
    )

    response = client.get(f"/portal/{nanning_market.pk}/kiosk/status/?reference={case.reference}")

    assert response.status_code == 200
    assert _reference_field(response) == case.reference
    assert f'value="{case.reference}"' in html(response)
    assert "status" not in response.context
    assert attempts == []


@pytest.mark.parametrize(
    ("given", "filled"),
    [
        ("4501022026000123", "450102-2026-000123"),
        ("４５０１０２－２０２６－０００１２３", "450102-2026-000123"),
        ("' OR 1=1 --", None),
        ('"><script>alert(1)</script>', None),
        ("x" * 2000, None),
        ("", None),
    ],
)
def test_only_a_well_formed_reference_is_filled_in(
    client: Client, nanning_market: Market, given: str, filled: str | None
) -> None:
    response = client.get(f"/portal/{nanning_market.pk}/kiosk/status/", {"reference": given})

    assert response.status_code == 200
    assert _reference_field(response) == filled
    assert "<script>alert(1)" not in html(response)


def test_from_the_printed_receipt_to_the_cases_state(
    client: Client,
    verified_client: Callable[[User], Client],
    officer: User,
    nanning_market: Market,
    case: Case,
) -> None:
    receipt = verified_client(officer).get(f"/cases/{case.pk}/receipt/")
    address = urlsplit(receipt.context["lookup_url"])

    opened = client.get(f"{address.path}?{address.query}")
    answered = client.post(
        address.path,
        {"reference": _reference_field(opened), "mobile_last_four": "8000"},
        REMOTE_ADDR="10.0.0.9",
    )

    assert answered.status_code == 200
    assert answered.context["status"].reference == case.reference
