"""``verify_audit``: a clean log passes; a tampered one names its first broken row."""

from __future__ import annotations

from io import StringIO

import pytest
from audit_support import append_only_lifted, forged_event, market_make, row_insert_raw
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent
from audit.selectors import chain_list, chain_verify
from audit.services import event_record
from markets.models import Market

pytestmark = pytest.mark.django_db
TABLE = AuditEvent._meta.db_table


def verify(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails(*args: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="audit chains are broken"):
        call_command("verify_audit", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


def record(count: int, market: Market | None = None) -> list[AuditEvent]:
    return [event_record(action=f"test.e{n}", market=market) for n in range(count)]


def test_a_clean_log_verifies_chain_by_chain() -> None:
    market = market_make()
    record(3)
    record(2, market=market)

    out, err = verify()

    assert f"OK global: 3 events\nOK market:{market.pk}: 2 events\n" in out
    assert "OK: 2 chains verified" in out
    assert err == ""
    assert chain_list() == ["global", f"market:{market.pk}"]


def test_an_empty_log_verifies() -> None:
    out, _err = verify()

    assert "OK: 0 chains verified" in out


def test_an_unknown_chain_is_an_error_not_an_ok() -> None:
    record(1)

    with pytest.raises(CommandError, match=r"No audit chain 'market:999'\. Chains: global"):
        call_command("verify_audit", "--chain", "market:999", stdout=StringIO())


def test_a_forged_row_with_a_wrong_hash_is_named_and_the_command_fails() -> None:
    events = record(3)
    forged_id = row_insert_raw(forged_event(after=events[-1], valid_hash=False))

    result = chain_verify(chain="global")
    err = verify_fails()

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (forged_id, 4)
    assert "hash does not match the row's contents" in result.broken.reason
    assert result.events_checked == 3
    assert f"BROKEN global: event id {forged_id}, sequence 4: hash does not match" in err


def test_a_forged_row_with_a_correct_hash_is_caught_by_the_chain_head() -> None:
    events = record(2)
    forged_id = row_insert_raw(forged_event(after=events[-1], valid_hash=True))

    result = chain_verify(chain="global")

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (forged_id, 3)
    assert "beyond the chain head" in result.broken.reason


def test_one_chain_can_be_checked_alone_and_a_break_elsewhere_does_not_fail_it() -> None:
    market = market_make()
    record(2, market=market)
    events = record(1)
    row_insert_raw(forged_event(after=events[-1], valid_hash=False))

    out, _err = verify("--chain", f"market:{market.pk}")
    err = verify_fails("--chain", "global")

    assert f"OK market:{market.pk}: 2 events" in out
    assert "BROKEN global" in err


def test_an_edited_row_is_named() -> None:
    record(4)
    second = AuditEvent.objects.get(chain="global", sequence=2)
    with append_only_lifted(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET new_values = %s WHERE id = %s",  # noqa: S608
            ['{"role": "audit_admin"}', second.pk],
        )

    result = chain_verify(chain="global")
    err = verify_fails()

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (second.pk, 2)
    assert f"event id {second.pk}, sequence 2: hash does not match" in err


def test_a_deleted_row_shows_as_a_gap_at_the_next_row() -> None:
    record(4)
    second = AuditEvent.objects.get(chain="global", sequence=2)
    third = AuditEvent.objects.get(chain="global", sequence=3)
    with append_only_lifted(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])  # noqa: S608

    result = chain_verify(chain="global")

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (third.pk, 3)
    assert result.broken.reason == "sequence gap: expected sequence 2, found 3"


def test_rows_deleted_from_the_end_are_missed_against_the_chain_head() -> None:
    record(4)
    with append_only_lifted(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE sequence > 2")  # noqa: S608

    result = chain_verify(chain="global")
    err = verify_fails()

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (None, 3)
    assert "rows 3 to 4 are missing" in result.broken.reason
    assert "BROKEN global: missing row, sequence 3" in err


def test_a_relinked_chain_is_still_caught_by_the_hashes() -> None:
    """Deleting row 2 and renumbering row 3 as 2 leaves no gap, but row 3 named row 2's hash."""
    record(3)
    third = AuditEvent.objects.get(chain="global", sequence=3)
    with append_only_lifted(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE sequence = 2")  # noqa: S608
        cursor.execute(f"UPDATE {TABLE} SET sequence = 2 WHERE id = %s", [third.pk])  # noqa: S608

    result = chain_verify(chain="global")

    assert result.broken is not None
    assert (result.broken.event_id, result.broken.sequence) == (third.pk, 2)
    assert "previous hash does not match" in result.broken.reason
