"""Helpers shared by the audit tests.

Plain functions, not a ``tests/audit/conftest.py``: the suite's other test modules do
``from conftest import …``, and a second ``conftest`` module in a directory without
``__init__.py`` would take that name over for every module collected after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from accounts.models import User
from audit.chain import event_hash, mac_keys
from audit.models import AuditEvent
from markets.models import Market, Membership, Region, Role

PASSWORD = "Correct-Horse-42!"

_REGION_NAMES = {"450000": "广西壮族自治区", "450100": "南宁市", "450200": "柳州市"}


def region_make(code: str) -> Region:
    parent_code = Region.parent_code_of(code)
    parent = region_make(parent_code) if parent_code else None
    region, _created = Region.objects.get_or_create(
        code=code,
        defaults={"name": _REGION_NAMES[code], "level": Region.level_of(code), "parent": parent},
    )
    return region


def market_make(code: str = "450100") -> Market:
    region = region_make(code)
    return Market.objects.create(
        region=region,
        name=f"{region.name}零工市场",
        service_phone="0771-5501234",
        address="民族大道 100 号",
        opens_at=time(8, 30),
        closes_at=time(17, 30),
        premises_area_m2=Decimal("120.0"),
    )


def user_make(
    username: str, *, email: str = "", role: Role | None = None, market: Market | None = None
) -> User:
    user = User(username=username, email=email, full_name=f"{username} 同志")
    user.set_password(PASSWORD)
    user.save()
    if role is not None:
        Membership.objects.create(user=user, role=role, market=market)
    return user


def rows(action: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.order_by("chain", "sequence")
    return list(events.filter(action=action) if action else events)


# --- Tampering ----------------------------------------------------------------------------------

_COLUMNS = [
    "mac_key_id",
    "occurred_at",
    "actor",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "market",
    "old_values",
    "new_values",
    "ip_address",
    "success",
    "chain",
    "sequence",
    "prev_hash",
    "hash",
]


def forged_event(*, after: AuditEvent, valid_hash: bool) -> AuditEvent:
    """An unsaved row that claims to follow ``after`` in its chain. With ``valid_hash`` it is
    sealed as ``event_record`` would, with the audit key (a forger holding the key)."""
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_label="mallory",
        action="roles.granted",
        target_type="markets.membership",
        target_id="999",
        target_label="mallory · 审计管理员",
        chain=after.chain,
        sequence=after.sequence + 1,
        prev_hash=after.hash,
        market_id=after.market_id,
        mac_key_id=mac_keys()[0][0],
    )
    event.hash = event_hash(event) if valid_hash else "f" * 64
    return event


def row_insert_raw(event: AuditEvent) -> int:
    """INSERT ``event`` with hand-written SQL, as someone with database access would (the
    append-only triggers allow inserts). Returns the new row's id."""
    fields = [f for f in AuditEvent._meta.concrete_fields if f.name in _COLUMNS]
    assert len(fields) == len(_COLUMNS)
    columns = ", ".join(connection.ops.quote_name(f.get_attname_column()[1]) for f in fields)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608
    return AuditEvent.objects.get(chain=event.chain, sequence=event.sequence).pk


@contextmanager
def append_only_lifted() -> Iterator[None]:
    """Lift the append-only guards for the block, as the table's owner can, inside the test's
    transaction (which rolls the lifting back with everything else).

    SQLite: drop the triggers. PostgreSQL: the owner grants itself UPDATE and DELETE again and
    disables the row trigger (its own trigger; no superuser needed). What is left to catch the
    edits is the hash chain, which is the point of these tests.
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [AuditEvent._meta.db_table],
            )
            triggers = cursor.fetchall()
            assert len(triggers) == 2
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            # ALTER TABLE waits for no deferred foreign-key check: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"GRANT UPDATE, DELETE ON {table} TO CURRENT_USER")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_append_only")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for _name, sql in triggers:
                cursor.execute(sql)
        else:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
