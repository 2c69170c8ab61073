"""``manage.py check_keys``: the configured keys must fit the database's personal data and
audit seals, and a key set that does not is named (tests/deploy/test_restore_drill.py runs it
on a restored backup in a fresh PostgreSQL cluster)."""

from __future__ import annotations

import base64
import io
import secrets

import pytest
from conftest import case_make
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from cases.models import Applicant

pytestmark = pytest.mark.django_db


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def check_keys() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("check_keys", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_keys_that_wrote_the_data_fit(officer: User) -> None:
    case_make(officer)

    out, err = check_keys()

    assert "OK: the keys fit this database" in out
    assert "OK PERSONAL_DATA_KEYS: " in out
    assert "OK PERSONAL_DATA_INDEX_KEY: " in out
    assert "OK AUDIT_MAC_KEYS: " in out
    assert err == ""


def test_other_personal_data_keys_are_named_with_the_way_out(officer: User) -> None:
    case_make(officer)

    with (
        override_settings(PERSONAL_DATA_KEYS=[new_key()]),
        pytest.raises(CommandError, match=r"PERSONAL_DATA_KEYS$") as refused,
    ):
        check_keys()

    assert "AUDIT_MAC_KEYS" not in str(refused.value)


def test_the_message_says_which_key_ids_are_missing(officer: User) -> None:
    case_make(officer)
    err = io.StringIO()

    with override_settings(PERSONAL_DATA_KEYS=[new_key()]), pytest.raises(CommandError):
        call_command("check_keys", stdout=io.StringIO(), stderr=err)

    message = err.getvalue()
    assert "WRONG PERSONAL_DATA_KEYS do not decrypt the personal data of this database" in message
    assert "which PERSONAL_DATA_KEYS does not hold" in message
    assert "Restore the keys kept with the backup of this database" in message


def test_a_rotated_key_set_that_still_holds_the_old_key_fits(officer: User) -> None:
    from django.conf import settings

    case_make(officer)

    with override_settings(PERSONAL_DATA_KEYS=[new_key(), *settings.PERSONAL_DATA_KEYS]):
        out, _err = check_keys()

    assert "OK: the keys fit this database" in out


def test_another_index_key_is_named(officer: User) -> None:
    case_make(officer)
    assert Applicant.objects.filter(id_number_index__gt="").exists()

    with (
        override_settings(PERSONAL_DATA_INDEX_KEY=new_key()),
        pytest.raises(CommandError, match=r"PERSONAL_DATA_INDEX_KEY$"),
    ):
        check_keys()


def test_other_audit_keys_are_named(officer: User) -> None:
    case_make(officer)

    with (
        override_settings(AUDIT_MAC_KEYS=[new_key()]),
        pytest.raises(CommandError, match=r"AUDIT_MAC_KEYS$"),
    ):
        check_keys()


def test_a_malformed_key_is_refused_without_a_traceback(officer: User) -> None:
    case_make(officer)

    with (
        override_settings(PERSONAL_DATA_KEYS=["not-a-key"]),
        pytest.raises(CommandError, match=r"not base64url|not 32 bytes"),
    ):
        check_keys()


def test_an_empty_database_fits_any_keys(db: None) -> None:
    with override_settings(PERSONAL_DATA_KEYS=[new_key()], AUDIT_MAC_KEYS=[new_key()]):
        out, _err = check_keys()

    assert "OK: the keys fit this database" in out


def test_verify_audit_names_other_audit_keys_instead_of_each_row(officer: User) -> None:
    case_make(officer)

    with (
        override_settings(AUDIT_MAC_KEYS=[new_key()]),
        pytest.raises(CommandError) as refused,
    ):
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())

    message = str(refused.value)
    assert message.startswith("AUDIT_MAC_KEYS do not hold the keys this database's audit trail")
    assert "Restore the keys kept with the backup of this database" in message
