"""Sign-in with a code sent by text message (online.services): expiry, single use, lock-out
per number and per address, resend cool-down, and the audit trail (the mobile masked)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from online_support import last_code_sent_to

from audit.models import AuditEvent
from notifications.models import OutboxMessage
from online import services
from online.models import SignInCode
from online.services import SignInRefused, sign_in_code_send, sign_in_code_verify

pytestmark = pytest.mark.django_db

MOBILE = "13800138000"
OTHER = "13900139000"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_code_is_sent_through_the_outbox_and_stored_only_hashed() -> None:
    row = sign_in_code_send(mobile="+86 138 0013 8000", address=HOME)

    code = last_code_sent_to(MOBILE)
    message = OutboxMessage.objects.get()
    assert MOBILE not in message.to  # the outbox names the code's row, not the number
    assert code not in row.code_hash
    assert row.expires_at - row.created_at == timedelta(minutes=5)
    event = AuditEvent.objects.get(action="online.sign_in_code_sent")
    assert event.new_values["mobile"] == "138****8000"
    assert MOBILE not in str(event.new_values)


def test_the_right_code_signs_in_once_and_a_replay_fails() -> None:
    sign_in_code_send(mobile=MOBILE, address=HOME)
    code = last_code_sent_to(MOBILE)

    verified = sign_in_code_verify(mobile=MOBILE, code=code, address=HOME)
    assert verified.mobile == MOBILE
    assert SignInCode.objects.get().used_at is not None

    with pytest.raises(SignInRefused):
        sign_in_code_verify(mobile=MOBILE, code=code, address=HOME)
    failed = AuditEvent.objects.get(action="online.sign_in_failed")
    assert failed.new_values == {"mobile": "138****8000", "reason": "wrong_code"}
    assert failed.success is False


def test_an_expired_code_is_refused() -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_code_send(mobile=MOBILE, address=HOME)
        code = last_code_sent_to(MOBILE)
        traveller.shift(timedelta(minutes=5, seconds=1))
        with pytest.raises(SignInRefused):
            sign_in_code_verify(mobile=MOBILE, code=code, address=HOME)
    assert SignInCode.objects.get().used_at is None


def test_a_new_code_voids_the_earlier_one() -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_code_send(mobile=MOBILE, address=HOME)
        first = last_code_sent_to(MOBILE)
        traveller.shift(timedelta(seconds=61))
        sign_in_code_send(mobile=MOBILE, address=HOME)
        second = last_code_sent_to(MOBILE)
        if first != second:
            with pytest.raises(SignInRefused):
                sign_in_code_verify(mobile=MOBILE, code=first, address=HOME)
        assert sign_in_code_verify(mobile=MOBILE, code=second, address=HOME).mobile == MOBILE


def test_a_resend_within_the_cool_down_is_refused() -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_code_send(mobile=MOBILE, address=HOME)
        traveller.shift(timedelta(seconds=30))
        with pytest.raises(SignInRefused) as refused:
            sign_in_code_send(mobile=MOBILE, address=HOME)
        assert refused.value.retry_after == 31
        assert SignInCode.objects.count() == 1
        traveller.shift(timedelta(seconds=31))
        sign_in_code_send(mobile=MOBILE, address=HOME)
    assert SignInCode.objects.count() == 2
    assert AuditEvent.objects.filter(
        action="online.sign_in_failed", new_values__reason="cool_down"
    ).exists()


def test_five_wrong_codes_lock_the_number_even_for_the_right_code() -> None:
    sign_in_code_send(mobile=MOBILE, address=HOME)
    code = last_code_sent_to(MOBILE)
    # From five addresses: the number is locked, whoever tries.
    for n in range(5):
        with pytest.raises(SignInRefused):
            sign_in_code_verify(mobile=MOBILE, code=_wrong(code), address=f"10.0.1.{n}")

    with pytest.raises(SignInRefused):
        sign_in_code_verify(mobile=MOBILE, code=code, address=HOME)
    with pytest.raises(SignInRefused):
        sign_in_code_send(mobile=MOBILE, address=HOME)

    locked = AuditEvent.objects.get(action="online.locked_out")
    assert locked.new_values["by"] == "mobile"
    assert SignInCode.objects.get().used_at is None


def test_five_wrong_codes_from_one_address_lock_that_address_for_every_number() -> None:
    for n in range(5):
        mobile = f"1370000000{n}"
        sign_in_code_send(mobile=mobile, address=HOME)
        with pytest.raises(SignInRefused):
            sign_in_code_verify(mobile=mobile, code=_wrong(last_code_sent_to(mobile)), address=HOME)
    assert AuditEvent.objects.get(action="online.locked_out").new_values["by"] == "address"

    with pytest.raises(SignInRefused):
        sign_in_code_send(mobile=OTHER, address=HOME)
    # Another address is not locked.
    sign_in_code_send(mobile=OTHER, address=ELSEWHERE)
    code = last_code_sent_to(OTHER)
    assert sign_in_code_verify(mobile=OTHER, code=code, address=ELSEWHERE).mobile == OTHER


def test_the_lock_ends_after_the_documented_window() -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in_code_send(mobile=MOBILE, address=HOME)
        code = last_code_sent_to(MOBILE)
        for _n in range(5):
            with pytest.raises(SignInRefused):
                sign_in_code_verify(mobile=MOBILE, code=_wrong(code), address=HOME)
        traveller.shift(services.LOCK_WINDOW + timedelta(seconds=1))
        sign_in_code_send(mobile=MOBILE, address=HOME)
        fresh = last_code_sent_to(MOBILE)
        assert sign_in_code_verify(mobile=MOBILE, code=fresh, address=HOME).mobile == MOBILE


def test_not_a_mobile_number_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as error:
        sign_in_code_send(mobile="12345", address=HOME)
    assert "mobile" in error.value.message_dict
    assert not SignInCode.objects.exists()


def test_one_address_asks_for_a_bounded_number_of_codes() -> None:
    for n in range(services.CODES_PER_ADDRESS_PER_HOUR):
        sign_in_code_send(mobile=f"137000000{n:02d}", address=HOME)

    with pytest.raises(SignInRefused):
        sign_in_code_send(mobile=OTHER, address=HOME)

    assert SignInCode.objects.count() == services.CODES_PER_ADDRESS_PER_HOUR
    assert AuditEvent.objects.filter(new_values__reason="too_many_codes").count() == 1
    sign_in_code_send(mobile=OTHER, address=ELSEWHERE)
