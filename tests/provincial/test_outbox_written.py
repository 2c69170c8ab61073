"""Issue 11, item 4 (outbound): every change of a published posting, and every registration
of a seeker who consented, is written to the outbox in the transaction of the change, with a
sequence number per record and an idempotency key; nothing without consent; rolled back with
the change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from conftest import ID_NUMBERS
from django.db import transaction
from provincial_support import outbox, posting_publish_new, qingxiu_make

from accounts.models import User
from markets.models import Market
from provincial.models import OutboundMessage, RecordType
from workflows.postings.services import (
    posting_extend,
    posting_fill,
    posting_take_in,
    posting_withdraw,
)
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register, seeker_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _world(frozen_time: time_machine.Traveller, nanning_market: Market) -> Iterator[None]:
    qingxiu_make()
    yield


def test_each_change_of_a_published_posting_is_one_message_in_order(
    officer: User, nanning_market: Market
) -> None:
    posting = posting_publish_new(officer, nanning_market)
    posting_extend(actor=officer, posting=posting, end_date="2026-04-10")
    posting_fill(actor=officer, posting=posting)

    assert outbox(posting.pk) == [
        (RecordType.POSTING, posting.pk, 1, "published"),
        (RecordType.POSTING, posting.pk, 2, "extended"),
        (RecordType.POSTING, posting.pk, 3, "filled"),
    ]
    first, _second, last = OutboundMessage.objects.order_by("sequence")
    assert first.idempotency_key == f"lgsc:posting:{posting.pk}:1"
    assert last.payload["status"] == "filled"
    assert first.payload["employer"]["credit_code"] == "91450100MA5K3D8Q0N"
    # Personal data goes out masked: the contact phone and the contact's name.
    assert first.payload["contact_phone"] == posting.contact_phone_masked
    assert "0771 0001" not in str(first.payload) and "13907710001" not in str(first.payload)
    assert first.payload["contact_name"] == "黄**"


def test_a_posting_never_published_sends_nothing(officer: User, nanning_market: Market) -> None:
    from provincial_support import EMPLOYER, posting_data

    posting = posting_take_in(
        actor=officer, market=nanning_market, employer=EMPLOYER, data=posting_data(), publish=False
    )
    posting_withdraw(actor=officer, posting=posting, reason="不招了")

    assert outbox() == []


def test_the_message_is_rolled_back_with_the_change(officer: User, nanning_market: Market) -> None:
    posting = posting_publish_new(officer, nanning_market)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        posting_withdraw(actor=officer, posting=posting, reason="招满了")
        assert len(outbox(posting.pk)) == 2  # written inside the change's transaction
        raise Boom

    posting.refresh_from_db()
    assert posting.status == "published"
    assert outbox(posting.pk) == [(RecordType.POSTING, posting.pk, 1, "published")]


def _register(officer: User, market: Market, **profile: Any) -> SeekerProfile:
    return seeker_register(
        actor=officer,
        market=market,
        channel="counter",
        name="韦小宝",
        id_number=ID_NUMBERS[0],
        mobile="13800000000",
        profile={"wanted_occupations": ["4-03-02-05"], **profile},
    )


def test_a_registration_without_consent_sends_nothing(
    officer: User, nanning_market: Market
) -> None:
    _register(officer, nanning_market)

    assert outbox() == []


def test_a_registration_with_consent_goes_out_without_id_number_or_mobile(
    officer: User, nanning_market: Market
) -> None:
    seeker = _register(officer, nanning_market, platform_consent=True)

    assert seeker.platform_consent and seeker.platform_consent_at is not None
    (message,) = OutboundMessage.objects.all()
    assert (message.record_type, message.record_id, message.change) == (
        RecordType.REGISTRATION,
        seeker.pk,
        "registered",
    )
    text = str(message.payload)
    assert ID_NUMBERS[0] not in text and "13800000000" not in text
    assert message.payload["name"] == "韦**"
    assert "difficulty_categories" not in message.payload


def test_withdrawing_consent_sends_only_the_pseudonym_then_nothing_more(
    officer: User, nanning_market: Market
) -> None:
    seeker = _register(officer, nanning_market, platform_consent=True)

    seeker_update(
        actor=officer, market=nanning_market, seeker=seeker, changes={"platform_consent": False}
    )
    seeker_update(actor=officer, market=nanning_market, seeker=seeker, changes={"skills": "砌墙"})

    messages = list(OutboundMessage.objects.order_by("sequence"))
    assert [m.change for m in messages] == ["registered", "consent_withdrawn"]
    assert set(messages[1].payload) == {"person_ref", "consent"}
    assert messages[1].payload["person_ref"] == messages[0].payload["person_ref"]


def test_an_unticked_box_at_a_later_registration_does_not_withdraw_consent(
    officer: User, nanning_market: Market
) -> None:
    _register(officer, nanning_market, platform_consent=True)

    seeker = _register(officer, nanning_market, platform_consent=False, skills="电焊")

    assert seeker.platform_consent is True
    assert [m.change for m in OutboundMessage.objects.order_by("sequence")] == [
        "registered",
        "updated",
    ]


@pytest.mark.parametrize(("given", "stored"), [("false", False), ("0", False), ("yes", True)])
def test_consent_given_as_text_is_read_as_text_says(
    officer: User, nanning_market: Market, given: str, stored: bool
) -> None:
    seeker = _register(officer, nanning_market, platform_consent=given)

    assert seeker.platform_consent is stored
    assert OutboundMessage.objects.exists() is stored


def test_a_later_registration_saying_no_in_text_does_not_withdraw_consent(
    officer: User, nanning_market: Market
) -> None:
    _register(officer, nanning_market, platform_consent=True)

    seeker = _register(officer, nanning_market, platform_consent="false", skills="电焊")

    assert seeker.platform_consent is True
