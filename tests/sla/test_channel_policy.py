"""A policy may be tighter for one channel: a posting taken at the counter is reviewed within
the same working hour, one from any other channel within one working day."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from conftest import SHANGHAI

from markets.models import Market
from sla.models import Policy, Target, Unit
from sla.selectors import policy_for

pytestmark = pytest.mark.django_db


def test_the_most_specific_policy_wins(nanning_market: Market) -> None:
    default = Policy.objects.create(
        kind="k", target=Target.COMPLETION, amount=5, unit=Unit.WORKING_DAYS
    )
    counter = Policy.objects.create(
        kind="k", target=Target.COMPLETION, channel="counter", amount=1, unit=Unit.WORKING_HOURS
    )

    assert policy_for(kind="k", market=nanning_market, target="completion") == default
    assert policy_for(kind="k", market=nanning_market, target="completion", channel="online") == (
        default
    )
    assert (
        policy_for(kind="k", market=nanning_market, target="completion", channel="counter")
        == counter
    )

    own = Policy.objects.create(
        kind="k", market=nanning_market, target=Target.COMPLETION, amount=3, unit=Unit.WORKING_DAYS
    )
    assert (
        policy_for(kind="k", market=nanning_market, target="completion", channel="counter") == own
    )


def test_a_counter_posting_review_is_due_within_the_working_hour(
    officer: object, nanning_market: Market
) -> None:
    from cases.models import Applicant
    from cases.services import case_open
    from sla.models import Deadline

    employer = Applicant.objects.create(
        kind=Applicant.Kind.ORGANISATION, name="某家政公司", credit_code="91350100M000100Y43"
    )
    monday_ten = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday_ten, tick=False):
        counter = case_open(
            actor=officer,  # type: ignore[arg-type]
            market=nanning_market,
            kind="posting_review",
            channel="counter",
            applicant=employer,
            subject="保洁员 3 人",
        )
        online = case_open(
            actor=officer,  # type: ignore[arg-type]
            market=nanning_market,
            kind="posting_review",
            channel="online",
            applicant=employer,
            subject="保洁员 3 人",
        )

    def due(case: object) -> datetime:
        deadline = Deadline.objects.get(subject_id=case.pk, target="completion")  # type: ignore[attr-defined]
        return deadline.due_at.astimezone(SHANGHAI)

    assert due(counter) == datetime(2026, 3, 2, 11, 0, tzinfo=SHANGHAI)
    assert due(online).date() == date(2026, 3, 3)
