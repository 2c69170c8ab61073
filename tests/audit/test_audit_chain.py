"""Appending to the event log: sequences, links and hashes, one chain per market."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from audit_support import market_make, user_make
from django.db import transaction

from audit.chain import event_hash
from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from audit.selectors import chain_verify
from audit.services import TargetRef, event_record

pytestmark = pytest.mark.django_db


def test_events_of_a_chain_are_numbered_from_one_and_each_names_its_predecessor() -> None:
    recorded = [event_record(action=f"test.step_{n}") for n in range(1, 5)]

    stored = list(AuditEvent.objects.filter(chain="global").order_by("sequence"))
    assert [e.sequence for e in stored] == [1, 2, 3, 4]
    assert [e.pk for e in stored] == [e.pk for e in recorded]
    assert stored[0].prev_hash == GENESIS_HASH
    for previous, event in itertools.pairwise(stored):
        assert event.prev_hash == previous.hash
    for event in stored:
        assert len(event.hash) == 64
        assert event.hash == event_hash(event)  # recomputed from the row as stored
    head = AuditChainHead.objects.get(chain="global")
    assert (head.last_sequence, head.last_hash) == (4, stored[-1].hash)


def test_each_market_keeps_its_own_chain_beside_the_global_one() -> None:
    nanning = market_make("450100")
    liuzhou = market_make("450200")

    n1 = event_record(action="test.a", market=nanning)
    l1 = event_record(action="test.b", market=liuzhou)
    n2 = event_record(action="test.c", market=nanning)
    g1 = event_record(action="test.d")

    assert (n1.chain, n1.sequence) == (f"market:{nanning.pk}", 1)
    assert (n2.chain, n2.sequence) == (f"market:{nanning.pk}", 2)
    assert (l1.chain, l1.sequence) == (f"market:{liuzhou.pk}", 1)
    assert (g1.chain, g1.sequence) == ("global", 1)
    assert n1.prev_hash == l1.prev_hash == g1.prev_hash == GENESIS_HASH
    assert n2.prev_hash == n1.hash
    assert n1.market == n2.market == nanning
    for chain in (f"market:{nanning.pk}", f"market:{liuzhou.pk}", "global"):
        assert chain_verify(chain=chain).ok


def test_values_of_every_kind_hash_the_same_after_the_database_gives_them_back() -> None:
    actor = user_make("zhangsan")
    event = event_record(
        action="test.values",
        actor=actor,
        target=actor,
        old_values={"area": Decimal("120.50"), "opens": date(2026, 3, 2), "note": "旧"},
        new_values={
            "when": datetime(2026, 3, 2, 1, 2, 3, 456789, tzinfo=UTC),
            "ratio": 0.1,
            "count": 12,
            "flags": [True, None],
            "名称": "南宁市零工市场",
        },
        ip_address="::ffff:10.0.0.1",
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.old_values == {"area": "120.50", "opens": "2026-03-02", "note": "旧"}
    assert stored.new_values["名称"] == "南宁市零工市场"
    assert stored.hash == event.hash == event_hash(stored)
    assert chain_verify(chain="global").ok


def test_actor_and_target_are_snapshotted_and_outlive_a_rename() -> None:
    actor = user_make("lisi")
    event = event_record(action="test.snapshot", actor=actor, target=actor)

    actor.username = "lisi2"
    actor.save()

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == actor
    assert stored.actor_label == "lisi"
    assert (stored.target_type, stored.target_id) == ("accounts.user", str(actor.pk))
    assert stored.target_label == "lisi 同志"


def test_a_target_that_is_not_a_row_is_recorded_by_reference() -> None:
    event = event_record(
        action="test.ref", target=TargetRef(type="accounts.user", label="x" * 300), success=False
    )

    assert (event.target_type, event.target_id) == ("accounts.user", "")
    assert event.target_label == "x" * 200  # cut to the column, before hashing
    assert event.success is False
    assert chain_verify(chain="global").ok


def test_an_event_rolled_back_with_its_change_leaves_no_gap_in_the_chain() -> None:
    first = event_record(action="test.kept")

    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(action="test.undone")
        raise RuntimeError("the change failed")

    second = event_record(action="test.kept_too")
    assert second.sequence == 2
    assert second.prev_hash == first.hash
    assert not AuditEvent.objects.filter(action="test.undone").exists()
    assert chain_verify(chain="global").ok


def test_a_malformed_ip_address_is_dropped_rather_than_stored() -> None:
    event = event_record(action="test.ip", ip_address="not-an-address")

    assert event.ip_address is None
    assert AuditEvent.objects.get(pk=event.pk).ip_address is None
