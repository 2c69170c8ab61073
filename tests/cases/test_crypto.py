"""Personal data at rest: AES-256-GCM tokens with key rotation, the keyed lookup index and the
encrypted model field. No database."""

from __future__ import annotations

import base64
import secrets

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps
from pytest_django.fixtures import Settings

from cases.crypto import (
    EncryptedTextField,
    PersonalDataError,
    personal_data_decrypt,
    personal_data_encrypt,
    personal_data_index,
)

ID_NUMBER = "11010519491231002X"


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def test_round_trip_keeps_chinese_text() -> None:
    text = "张三，广西壮族自治区南宁市青秀区民族大道 100 号"

    token = personal_data_encrypt(text)

    assert text not in token
    assert personal_data_decrypt(token) == text


def test_round_trip_of_an_empty_string() -> None:
    assert personal_data_decrypt(personal_data_encrypt("")) == ""


def test_two_encryptions_of_the_same_text_differ() -> None:
    first, second = personal_data_encrypt(ID_NUMBER), personal_data_encrypt(ID_NUMBER)

    assert first != second
    assert personal_data_decrypt(first) == personal_data_decrypt(second) == ID_NUMBER


def test_a_token_is_version_key_id_and_base64url_body() -> None:
    version, key_id, body = personal_data_encrypt(ID_NUMBER).split(":")

    assert version == "pd1"
    assert len(key_id) == 8
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert len(raw) == 12 + len(ID_NUMBER) + 16  # nonce, ciphertext, GCM tag


def test_rotation_old_tokens_still_decrypt_and_new_ones_use_the_new_key(
    settings: Settings,
) -> None:
    old_key, new = settings.PERSONAL_DATA_KEYS[0], new_key()
    old_token = personal_data_encrypt(ID_NUMBER)

    settings.PERSONAL_DATA_KEYS = [new, old_key]
    new_token = personal_data_encrypt(ID_NUMBER)

    assert personal_data_decrypt(old_token) == ID_NUMBER
    assert personal_data_decrypt(new_token) == ID_NUMBER
    assert new_token.split(":")[1] != old_token.split(":")[1]
    settings.PERSONAL_DATA_KEYS = [new]
    assert personal_data_decrypt(new_token) == ID_NUMBER


def test_a_token_under_a_retired_key_is_refused(settings: Settings) -> None:
    token = personal_data_encrypt(ID_NUMBER)
    settings.PERSONAL_DATA_KEYS = [new_key()]

    with pytest.raises(PersonalDataError, match="unknown key"):
        personal_data_decrypt(token)


def flip(text: str, index: int) -> str:
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


@pytest.mark.parametrize("where", [-1, -10, -25, 13])  # tag, ciphertext, nonce, nonce
def test_a_tampered_token_is_refused(where: int) -> None:
    token = personal_data_encrypt(ID_NUMBER)

    with pytest.raises(PersonalDataError):
        personal_data_decrypt(flip(token, where))


def test_a_token_moved_to_another_key_id_is_refused(settings: Settings) -> None:
    first, second = new_key(), new_key()
    settings.PERSONAL_DATA_KEYS = [second, first]
    second_id = personal_data_encrypt("x").split(":")[1]
    settings.PERSONAL_DATA_KEYS = [first, second]
    _, first_id, body = personal_data_encrypt(ID_NUMBER).split(":")
    assert first_id != second_id

    with pytest.raises(PersonalDataError, match="tampered"):
        personal_data_decrypt(f"pd1:{second_id}:{body}")


@pytest.mark.parametrize("token", ["", ID_NUMBER, "pd1:", "pd1:abcd", "pd2:abcd:efgh", "pd1:x:!!"])
def test_something_that_is_no_token_is_refused(token: str) -> None:
    with pytest.raises(PersonalDataError):
        personal_data_decrypt(token)


@pytest.mark.parametrize("keys", [[], ["c2hvcnQ="], ["not base64 at all!"]])
def test_a_missing_or_malformed_key_is_a_configuration_error(
    settings: Settings, keys: list[str]
) -> None:
    settings.PERSONAL_DATA_KEYS = keys

    with pytest.raises(ImproperlyConfigured):
        personal_data_encrypt(ID_NUMBER)


# --- The lookup index ---------------------------------------------------------------------------


def test_the_index_is_stable_hex_and_reveals_nothing() -> None:
    index = personal_data_index(ID_NUMBER)

    assert index == personal_data_index(ID_NUMBER)
    assert len(index) == 64
    assert int(index, 16) >= 0
    assert index != personal_data_index("450102199003071238")


def test_the_index_depends_on_the_index_key(settings: Settings) -> None:
    before = personal_data_index(ID_NUMBER)
    settings.PERSONAL_DATA_INDEX_KEY = new_key()

    assert personal_data_index(ID_NUMBER) != before


def test_the_index_does_not_depend_on_the_encryption_keys(settings: Settings) -> None:
    before = personal_data_index(ID_NUMBER)
    settings.PERSONAL_DATA_KEYS = [new_key()]

    assert personal_data_index(ID_NUMBER) == before


def test_the_index_needs_its_key(settings: Settings) -> None:
    settings.PERSONAL_DATA_INDEX_KEY = ""

    with pytest.raises(ImproperlyConfigured):
        personal_data_index(ID_NUMBER)


# --- The model field ----------------------------------------------------------------------------


def test_the_field_encrypts_on_the_way_in_and_decrypts_on_the_way_out() -> None:
    field = EncryptedTextField()

    stored = field.get_prep_value(ID_NUMBER)

    assert stored != ID_NUMBER
    assert stored.startswith("pd1:")
    assert field.from_db_value(stored, None, None) == ID_NUMBER


def test_the_field_passes_none_through() -> None:
    field = EncryptedTextField(null=True)

    assert field.get_prep_value(None) is None
    assert field.from_db_value(None, None, None) is None


def test_the_field_deconstructs_for_migrations() -> None:
    field = EncryptedTextField(verbose_name="ID number", null=True, blank=True)
    field.set_attributes_from_name("id_number")

    name, path, args, kwargs = field.deconstruct()

    assert (name, path, args) == ("id_number", "cases.crypto.EncryptedTextField", [])
    assert kwargs == {"verbose_name": "ID number", "null": True, "blank": True}
    assert isinstance(EncryptedTextField(*args, **kwargs), EncryptedTextField)


def test_the_field_can_be_tested_for_null_but_not_searched() -> None:
    field = EncryptedTextField()

    assert field.get_lookup("isnull") is not None
    assert field.get_lookup("exact") is None
    assert field.get_lookup("icontains") is None


@isolate_apps("cases")
def test_a_query_by_the_encrypted_value_is_refused() -> None:
    class Applicant(models.Model):
        id_number = EncryptedTextField(null=True)

        class Meta:
            app_label = "cases"

        def __str__(self) -> str:
            return "applicant"

    assert str(Applicant._default_manager.filter(id_number__isnull=True).query)
    with pytest.raises(FieldError):
        Applicant._default_manager.filter(id_number=ID_NUMBER)
