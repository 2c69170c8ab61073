"""How a row of the event log is sealed. Writing and verifying share this one definition.

``hash = HMAC-SHA256(key, prev_hash + canonical JSON of the row)``, keyed by one of
``settings.AUDIT_MAC_KEYS`` (base64url 32-byte keys kept outside the database, like the
personal-data keys): the first key seals new rows, every key verifies, and each row names its
key by a short id derived from the key (``mac_key_id``), so a key is rotated by putting a new
one first and keeping the old ones for as long as rows sealed under them are verified. Someone
who can write to the database but does not hold a key cannot recompute a valid chain.

The canonical JSON has sorted keys, no whitespace, UTF-8 text (``ensure_ascii=False``), times
in UTC ISO 8601 with microseconds, IP addresses in their compressed form, and the key id. The
row's database ``id`` and its own ``hash`` are not part of it.

Rows written before keys existed have an empty ``mac_key_id`` and a plain SHA-256 hash
(without the key id in the JSON). Verification accepts such a row only where an anchor outside
the database vouches for it (see ``audit.anchors``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
from datetime import UTC
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

from .models import GLOBAL_CHAIN

if TYPE_CHECKING:
    from markets.models import Market

    from .models import AuditEvent

MAC_KEY_BYTES = 32


class UnknownMacKeyError(Exception):
    """A row or an anchor names a key that is not (any longer) in AUDIT_MAC_KEYS."""


def _decode_key(encoded: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured("AUDIT_MAC_KEYS holds a key that is not base64url.") from None
    if len(key) != MAC_KEY_BYTES:
        raise ImproperlyConfigured(
            f"AUDIT_MAC_KEYS holds a key that is not {MAC_KEY_BYTES} bytes long."
        )
    return key


def mac_key_id(key: bytes) -> str:
    """A short name for ``key`` that reveals nothing about it."""
    return hashlib.sha256(b"lgsc audit mac key id\x00" + key).hexdigest()[:8]


def mac_keys() -> list[tuple[str, bytes]]:
    """(key id, key) for every configured key, the sealing one first."""
    encoded_keys = getattr(settings, "AUDIT_MAC_KEYS", None)
    if not encoded_keys:
        raise ImproperlyConfigured("AUDIT_MAC_KEYS must list at least one key.")
    return list(_keys_decoded(tuple(encoded_keys)))


@lru_cache(maxsize=8)
def _keys_decoded(encoded_keys: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    # Cached by the setting's value: verifying a long chain looks a key up for every row.
    keys = [_decode_key(encoded.strip()) for encoded in encoded_keys]
    return tuple((mac_key_id(key), key) for key in keys)


def mac_key(key_id: str) -> bytes:
    """The configured key named ``key_id``; raises UnknownMacKeyError if there is none."""
    key = dict(mac_keys()).get(key_id)
    if key is None:
        raise UnknownMacKeyError(f"no key {key_id!r} in AUDIT_MAC_KEYS")
    return key


def mac_hex(key: bytes, purpose: bytes, data: bytes) -> str:
    """HMAC-SHA256 of ``data`` under ``key``, separated by ``purpose`` from other uses of it."""
    return hmac.new(key, purpose + b"\x00" + data, hashlib.sha256).hexdigest()


def mac_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def chain_key(market: Market | None) -> str:
    """The chain an event belongs to: its market's, or the global one."""
    return GLOBAL_CHAIN if market is None else f"market:{market.pk}"


def ip_normalise(value: str | None) -> str | None:
    """The compressed form of an IP address; None when empty or not an address."""
    if not value:
        return None
    try:
        return ipaddress.ip_address(value.strip()).compressed
    except ValueError:
        return None


def json_plain(values: Any) -> Any:
    """``values`` as the database will give them back: dates, decimals, UUIDs become strings."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def event_canonical(event: AuditEvent) -> str:
    payload = {
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "market_id": event.market_id,
        "old_values": event.old_values,
        "new_values": event.new_values,
        "ip_address": ip_normalise(event.ip_address),
        "success": bool(event.success),
        "chain": event.chain,
        "sequence": event.sequence,
        "prev_hash": event.prev_hash,
    }
    if event.mac_key_id:  # rows sealed before keys existed keep their original form
        payload["mac_key_id"] = event.mac_key_id
    return json.dumps(
        payload,
        cls=DjangoJSONEncoder,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def event_hash(event: AuditEvent) -> str:
    """The seal ``event`` must carry, given its ``prev_hash``, contents and ``mac_key_id``:
    the HMAC under that key, or for an unkeyed (legacy) row the plain SHA-256. Raises
    UnknownMacKeyError for a key that is not configured."""
    data = (event.prev_hash + event_canonical(event)).encode("utf-8")
    if not event.mac_key_id:
        return hashlib.sha256(data).hexdigest()
    return mac_hex(mac_key(event.mac_key_id), b"lgsc audit event", data)
