"""Rewriting the trail as someone with the database but without the audit keys would.

Each test performs one of the four rewrites of issue 13 (item 8) that the plain hash chain let
through, and shows that ``verify_audit`` now reports it: the keyed seal stops re-sealed rows,
the anchors outside the database stop rows cut from the end and chains removed whole.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from io import StringIO

import pytest
from audit_support import append_only_lifted, market_make
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit.chain import event_canonical, event_hash
from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from audit.selectors import chain_list, chain_verify
from audit.services import chain_heads_anchor, event_record
from markets.models import Market

pytestmark = pytest.mark.django_db

Seal = Callable[[AuditEvent], str]


def seal_unkeyed(event: AuditEvent) -> str:
    """The forger drops the key id and uses the old, unkeyed SHA-256."""
    event.mac_key_id = ""
    return event_hash(event)


def seal_guessed_key(event: AuditEvent) -> str:
    """The forger keeps the key id but, lacking the key, has to use another one."""
    data = (event.prev_hash + event_canonical(event)).encode()
    return hmac.new(secrets.token_bytes(32), b"lgsc audit event\x00" + data, "sha256").hexdigest()


def seal_with_the_key(event: AuditEvent) -> str:
    """A forger who stole the key too: only the anchors can catch this one."""
    return event_hash(event)


FORGERS_WITHOUT_KEY = [
    pytest.param(seal_unkeyed, id="unkeyed-sha256"),
    pytest.param(seal_guessed_key, id="guessed-key"),
]


def record(count: int, market: Market | None = None) -> list[AuditEvent]:
    return [event_record(action=f"test.e{n}", market=market) for n in range(1, count + 1)]


def chain_reseal(chain: str, *, seal: Seal, start: int = 1) -> None:
    """Re-link and re-seal the rows of ``chain`` from sequence ``start`` on and move its head to
    the end, as a forger with write access to the tables would after editing or deleting rows."""
    before = AuditEvent.objects.filter(chain=chain, sequence=start - 1).first()
    prev_hash = before.hash if before is not None else GENESIS_HASH
    last = None
    with append_only_lifted():
        rows = AuditEvent.objects.filter(chain=chain, sequence__gte=start).order_by("sequence")
        for event in rows:
            event.prev_hash = prev_hash
            event.hash = seal(event)
            AuditEvent.objects.filter(pk=event.pk).update(
                prev_hash=event.prev_hash, hash=event.hash, mac_key_id=event.mac_key_id
            )
            prev_hash, last = event.hash, event
    assert last is not None
    AuditChainHead.objects.filter(chain=chain).update(
        last_sequence=last.sequence, last_hash=last.hash
    )


def verify_reports(chain: str) -> str:
    """Run ``verify_audit``; it must fail and name ``chain``. Returns what it printed."""
    err = StringIO()
    with pytest.raises(CommandError, match="audit chains are broken"):
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    assert f"BROKEN {chain}: " in err.getvalue()
    return err.getvalue()


# --- 1. Editing a row and recomputing the later hashes and the head ----------------------------


@pytest.mark.parametrize("seal", FORGERS_WITHOUT_KEY)
def test_an_edited_row_with_recomputed_later_hashes_and_head_is_reported(seal: Seal) -> None:
    record(5)
    second = AuditEvent.objects.get(chain="global", sequence=2)
    with append_only_lifted():
        AuditEvent.objects.filter(pk=second.pk).update(new_values={"role": "audit_admin"})
    chain_reseal("global", seal=seal, start=2)

    result = chain_verify(chain="global")
    err = verify_reports("global")

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (second.pk, 2)
    assert f"event id {second.pk}, sequence 2" in err
    assert result.events_checked == 1


@pytest.mark.parametrize("seal", FORGERS_WITHOUT_KEY)
def test_a_whole_chain_resealed_without_the_key_is_reported_at_its_first_row(seal: Seal) -> None:
    first = record(3)[0]
    chain_reseal("global", seal=seal)

    result = chain_verify(chain="global")

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (first.pk, 1)


def test_an_edit_resealed_with_the_stolen_key_is_still_caught_by_the_anchor() -> None:
    record(5)
    chain_heads_anchor()
    third = AuditEvent.objects.get(chain="global", sequence=3)
    with append_only_lifted():
        AuditEvent.objects.filter(pk=third.pk).update(action="test.forged")
    chain_reseal("global", seal=seal_with_the_key, start=3)

    result = chain_verify(chain="global")
    err = verify_reports("global")

    assert result.broken is not None
    assert result.broken.sequence == 5
    assert "differs from the one anchored" in result.broken.reason
    assert "the chain was rewritten" in err


# --- 2. Deleting the last rows and moving the head back ------------------------------------------


def test_rows_cut_from_the_end_with_the_head_moved_back_are_reported() -> None:
    market = market_make()
    events = record(5, market=market)
    chain = events[0].chain
    chain_heads_anchor()
    with append_only_lifted():
        AuditEvent.objects.filter(chain=chain, sequence__gt=3).delete()
    AuditChainHead.objects.filter(chain=chain).update(last_sequence=3, last_hash=events[2].hash)

    result = chain_verify(chain=chain)
    err = verify_reports(chain)

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (None, 4)
    assert "ends at sequence 3, but it was anchored at sequence 5" in result.broken.reason
    assert f"BROKEN {chain}: missing row, sequence 4" in err


def test_rows_written_after_the_last_anchor_are_fine() -> None:
    record(3)
    chain_heads_anchor()  # itself appends one event to the global chain, after the anchor
    record(2)

    result = chain_verify(chain="global")

    assert result.ok
    assert (result.events_checked, result.anchored_sequence) == (6, 3)


# --- 3. Deleting a middle row and re-chaining ---------------------------------------------------


@pytest.mark.parametrize("seal", FORGERS_WITHOUT_KEY)
def test_a_middle_row_deleted_and_the_chain_relinked_is_reported(seal: Seal) -> None:
    record(5)
    with append_only_lifted():
        AuditEvent.objects.filter(chain="global", sequence=3).delete()
        for sequence in (4, 5):
            AuditEvent.objects.filter(chain="global", sequence=sequence).update(
                sequence=sequence - 1
            )
    chain_reseal("global", seal=seal, start=3)

    result = chain_verify(chain="global")
    verify_reports("global")

    assert result.broken is not None
    assert result.broken.sequence == 3
    assert result.events_checked == 2
    assert not AuditEvent.objects.filter(chain="global", sequence=5).exists()


def test_a_middle_row_deleted_and_relinked_with_the_stolen_key_is_caught_by_the_anchor() -> None:
    record(5)
    chain_heads_anchor()
    with append_only_lifted():
        AuditEvent.objects.filter(chain="global", sequence=3).delete()
        for sequence in (4, 5, 6):
            AuditEvent.objects.filter(chain="global", sequence=sequence).update(
                sequence=sequence - 1
            )
    chain_reseal("global", seal=seal_with_the_key, start=3)

    result = chain_verify(chain="global")

    assert result.broken is not None
    assert result.broken.sequence == 5  # the anchored sequence, now holding another row
    assert "differs from the one anchored" in result.broken.reason


# --- 4. Deleting a whole market's chain ------------------------------------------------------


def test_a_market_chain_deleted_whole_is_reported_as_missing() -> None:
    market = market_make()
    chain = record(4, market=market)[0].chain
    record(1)
    chain_heads_anchor()
    with append_only_lifted():
        AuditEvent.objects.filter(chain=chain).delete()
    AuditChainHead.objects.filter(chain=chain).delete()

    result = chain_verify(chain=chain)
    err = verify_reports(chain)

    assert chain in chain_list()  # the anchors still name it
    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (None, 1)
    assert "does not exist, but it was anchored at sequence 4" in result.broken.reason
    assert "it was removed" in err
    assert chain_verify(chain="global").ok


def test_a_market_chain_created_after_the_last_anchor_is_fine() -> None:
    record(2)
    chain_heads_anchor()
    market = market_make()
    chain = record(2, market=market)[0].chain

    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())

    assert f"OK {chain}: 2 events\n" in out.getvalue()
    assert "OK global: 3 events, anchored up to 2\n" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's privileges")
def test_postgresql_the_application_role_cannot_update_the_new_key_column_either() -> None:
    [event] = record(1)
    table = AuditEvent._meta.db_table

    with (
        pytest.raises(DatabaseError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET mac_key_id = '', hash = %s WHERE id = %s",  # noqa: S608
            ["0" * 64, event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash


# --- The seal itself ---------------------------------------------------------------------------


def test_rows_are_sealed_with_the_first_audit_key_not_a_plain_hash() -> None:
    [event] = record(1)

    data = (event.prev_hash + event_canonical(event)).encode()
    assert event.mac_key_id
    assert event.hash != hashlib.sha256(data).hexdigest()
    assert event.hash == event_hash(AuditEvent.objects.get(pk=event.pk))
