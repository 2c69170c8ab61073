"""How a row of the event log is hashed. Writing and verifying share this one definition.

``hash = sha256(prev_hash + canonical JSON of the row)``, where the canonical JSON has sorted
keys, no whitespace, UTF-8 text (``ensure_ascii=False``), times in UTC ISO 8601 with
microseconds, and IP addresses in their compressed form. The row's database ``id`` and its own
``hash`` are not part of it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder

from .models import GLOBAL_CHAIN

if TYPE_CHECKING:
    from markets.models import Market

    from .models import AuditEvent


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
    return json.dumps(
        payload,
        cls=DjangoJSONEncoder,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def event_hash(event: AuditEvent) -> str:
    """The hash ``event`` must carry, given its ``prev_hash`` and contents."""
    data = (event.prev_hash + event_canonical(event)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()
