"""An officer takes someone in while a case of theirs is being accepted in another market: both
transactions write the dashboard counters of the officer's market (the clocks' rows of the
officer, the kind and the market), and neither may wait for the other crosswise.

The accepting side once moved its clocks' counters in two passes (to the new owner, then to the
new market) while an intake locks the same rows in one pass: paused between the two, the
accept held the owner's row the intake waited for and then waited for the market's row the
intake held, and PostgreSQL aborted one of them (a page of the load test answered 500). Now
they move in one pass. Needs real concurrent connections and row locks: PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from case_support import market_make, staff_make
from conftest import ID_NUMBERS, case_make
from django.db import connection

from accounts.models import User
from cases.intake import case_intake
from cases.models import Case, Transfer
from cases.services import case_transfer, case_transfer_accept
from markets.models import Market, Region, Role
from sla import services as sla_services
from sla.counters import deadline_counts_move
from sla.models import Deadline

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks and real concurrent connections: PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_accepting_a_transfer_while_its_sender_takes_someone_in_never_deadlocks(
    officer: User, nanning_market: Market, guangxi: Region, monkeypatch: pytest.MonkeyPatch
) -> None:
    liuzhou = market_make("450200", "柳州市")
    receiver = staff_make("liuzhou_officer", Role.OFFICER, liuzhou)
    case = case_make(officer, subject="咨询")
    assert Deadline.objects.filter(subject_type="cases.case", subject_id=case.pk).exists()
    transfer = case_transfer(
        actor=officer, case=case, to_market=liuzhou, to_user=receiver, reason="户籍在柳州"
    )

    # The accept stops after its first write of the clocks' counters, until the intake has
    # begun writing its own.
    paused, go = threading.Event(), threading.Event()

    def move_then_wait(moves: Any) -> None:
        deadline_counts_move(moves)
        if threading.current_thread() is accepting and not paused.is_set():
            paused.set()
            go.wait(timeout=30)

    monkeypatch.setattr(sla_services, "deadline_counts_move", move_then_wait)
    errors: list[BaseException] = []
    done: list[str] = []

    def accept() -> None:
        try:
            case_transfer_accept(
                actor=User.objects.get(pk=receiver.pk),
                transfer=Transfer.objects.get(pk=transfer.pk),
            )
            done.append("accepted")
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    def take_in() -> None:
        try:
            case_intake(
                actor=User.objects.get(pk=officer.pk),
                market=Market.objects.get(pk=nanning_market.pk),
                name="韦小宝",
                id_number=ID_NUMBERS[1],
                mobile="13800138001",
                kind="policy_consultation",
                channel="counter",
                subject="灵活就业社保补贴政策咨询",
            )
            done.append("taken in")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    accepting = threading.Thread(target=accept)
    accepting.start()
    assert paused.wait(timeout=30), errors
    taking_in = threading.Thread(target=take_in)
    taking_in.start()
    time.sleep(0.5)  # the intake is now writing its counters, or waiting to
    go.set()
    for thread in (accepting, taking_in):
        thread.join(timeout=60)

    assert errors == []
    assert sorted(done) == ["accepted", "taken in"]
    case.refresh_from_db()
    assert (case.market, case.owner) == (liuzhou, receiver)
    clocks = Deadline.objects.filter(subject_type="cases.case", subject_id=case.pk)
    assert {(clock.market_id, clock.officer_id) for clock in clocks} == {(liuzhou.pk, receiver.pk)}
    assert Case.objects.filter(market=nanning_market, owner=officer).count() == 1
