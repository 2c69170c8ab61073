"""Personal data at rest: AES-256-GCM encryption with key rotation, and a keyed lookup hash.

``settings.PERSONAL_DATA_KEYS`` is a list of base64url-encoded 32-byte keys: the first one
encrypts, every one decrypts, so a key is rotated by putting a new one first and keeping the old
ones until every row has been re-encrypted. A token names its key by a short id derived from
the key itself, never by its position in the list::

    pd1:<key id>:<base64url(nonce + ciphertext + tag)>

``settings.PERSONAL_DATA_INDEX_KEY`` (a different key) keys an HMAC-SHA256 of the normalised
value, stored beside the ciphertext, so that a row is found by its ID number without decrypting
anything. Losing the keys loses the data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

FORMAT_VERSION = "pd1"
NONCE_BYTES = 12  # 96 bits, as GCM recommends
KEY_BYTES = 32  # AES-256


class PersonalDataError(Exception):
    """A token that cannot be decrypted: malformed, tampered with, or under an unknown key."""


class UnknownPersonalDataKeyError(PersonalDataError):
    """A token made under a key PERSONAL_DATA_KEYS does not hold (``key_id`` names it)."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"The token is encrypted under an unknown key ({key_id}).")
        self.key_id = key_id


def _decode_key(encoded: str, setting: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{setting} holds a key that is not base64url.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{setting} holds a key that is not {KEY_BYTES} bytes long.")
    return key


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"lgsc personal data key id\x00" + key).hexdigest()[:8]


def _encryption_keys() -> list[tuple[str, bytes]]:
    """(key id, key) for every configured key, the encrypting one first."""
    encoded_keys = getattr(settings, "PERSONAL_DATA_KEYS", None)
    if not encoded_keys:
        raise ImproperlyConfigured("PERSONAL_DATA_KEYS must list at least one key.")
    keys = [_decode_key(encoded, "PERSONAL_DATA_KEYS") for encoded in encoded_keys]
    return [(_key_id(key), key) for key in keys]


def _associated_data(key_id: str) -> bytes:
    # The header is authenticated too: a token cannot be moved to another version or key id.
    return f"{FORMAT_VERSION}:{key_id}".encode()


def personal_data_encrypt(plaintext: str) -> str:
    """Encrypt under the first key, with a fresh random nonce (so equal texts differ)."""
    key_id, key = _encryption_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), _associated_data(key_id))
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{FORMAT_VERSION}:{key_id}:{body}"


def personal_data_decrypt(token: str) -> str:
    """Decrypt a token made by :func:`personal_data_encrypt` under any configured key."""
    version, _, rest = token.partition(":")
    key_id, _, body = rest.partition(":")
    if version != FORMAT_VERSION or not key_id or not body:
        raise PersonalDataError("Not a personal data token.")
    key = dict(_encryption_keys()).get(key_id)
    if key is None:
        raise UnknownPersonalDataKeyError(key_id)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise PersonalDataError("The token is not valid base64url.") from None
    if len(raw) <= NONCE_BYTES:
        raise PersonalDataError("The token is too short.")
    try:
        plaintext = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(key_id)
        )
    except InvalidTag:
        raise PersonalDataError("The token was tampered with or is corrupt.") from None
    return plaintext.decode()


def personal_data_index(value: str) -> str:
    """HMAC-SHA256 of ``value`` (already normalised) under PERSONAL_DATA_INDEX_KEY, as hex."""
    encoded = getattr(settings, "PERSONAL_DATA_INDEX_KEY", "")
    if not encoded:
        raise ImproperlyConfigured("PERSONAL_DATA_INDEX_KEY must be set.")
    key = _decode_key(encoded, "PERSONAL_DATA_INDEX_KEY")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text encrypted at rest (AES-256-GCM under PERSONAL_DATA_KEYS).

    The column holds the token; the model attribute holds the plain text. Equal texts give
    different tokens, so the column can be neither searched nor ordered: only ``isnull`` is a
    lookup. Search by a :func:`personal_data_index` kept in a column beside it.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return personal_data_encrypt(value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return personal_data_decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def mobile_index(mobile: str) -> str:
    """The lookup hash of a normalised mobile (``13800138000``), or "" for none: kept beside
    the encrypted number (``Applicant.mobile_index``, ``Case.contact_mobile_index``)."""
    return personal_data_index(mobile) if mobile else ""
