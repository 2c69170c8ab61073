"""Guidance given to a seeker (standard art. 18): employment registration, basic pension
insurance, occupational-injury protection; each with its outcome, the officer, the market and
the day, and an event for the ledger."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from seekers_support import liuzhou_officer_make, regions_make, seeker_make

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market, Membership, Region, Role
from workflows.seekers.models import GuidanceItem, SeekerProfile
from workflows.seekers.services import guidance_item_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions(db: None) -> dict[str, Region]:
    return regions_make()


@pytest.fixture
def seeker(officer: User, nanning_market: Market) -> SeekerProfile:
    return seeker_make(officer, nanning_market)


def test_guidance_is_recorded_with_officer_outcome_market_and_day(
    officer: User,
    nanning_market: Market,
    seeker: SeekerProfile,
    frozen_time: time_machine.Traveller,
) -> None:
    guidance = guidance_item_record(
        actor=officer,
        seeker=seeker,
        item=GuidanceItem.Item.OCCUPATIONAL_INJURY,
        outcome=GuidanceItem.Outcome.ADVISED,
        note="  送外卖，平台已为其参加职业伤害保障  ",
    )

    stored = GuidanceItem.objects.get()
    assert stored == guidance
    assert stored.seeker == seeker
    assert (stored.item, stored.outcome) == ("occupational_injury", "advised")
    assert stored.note == "送外卖，平台已为其参加职业伤害保障"
    assert stored.officer == officer
    assert stored.market == nanning_market
    assert stored.given_on == date(2026, 3, 2)
    assert stored.history.get().history_user == officer

    event = AuditEvent.objects.get(action="seeker.guidance_recorded")
    assert event.actor == officer
    assert event.market == nanning_market
    assert (event.target_type, event.target_id) == ("seekers.seekerprofile", str(seeker.pk))
    assert event.new_values == {
        "guidance_item_id": guidance.pk,
        "item": "occupational_injury",
        "outcome": "advised",
        "given_on": "2026-03-02",
    }


def test_each_item_and_outcome_can_be_recorded_and_counted(
    officer: User, seeker: SeekerProfile
) -> None:
    for item in GuidanceItem.Item.values:
        for outcome in GuidanceItem.Outcome.values:
            guidance_item_record(actor=officer, seeker=seeker, item=item, outcome=outcome)

    assert seeker.guidance_items.count() == 12
    assert seeker.guidance_items.filter(item="basic_pension", outcome="done").count() == 1
    assert AuditEvent.objects.filter(action="seeker.guidance_recorded").count() == 12


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"item": "medical_insurance", "outcome": "advised"}, "item"),
        ({"item": "basic_pension", "outcome": "maybe"}, "outcome"),
        ({"item": "basic_pension", "outcome": "done", "note": "注" * 2001}, "note"),
    ],
)
def test_a_wrong_item_outcome_or_note_is_refused(
    officer: User, seeker: SeekerProfile, values: dict[str, Any], field: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        guidance_item_record(actor=officer, seeker=seeker, **values)

    assert set(refused.value.message_dict) == {field}
    assert not GuidanceItem.objects.exists()
    assert not AuditEvent.objects.filter(action="seeker.guidance_recorded").exists()


def test_guidance_is_recorded_only_in_a_market_the_officer_works_in(
    officer: User, nanning_market: Market, seeker: SeekerProfile
) -> None:
    outsider, liuzhou_market = liuzhou_officer_make()

    with pytest.raises(PermissionDenied):
        guidance_item_record(
            actor=outsider,
            seeker=seeker,
            item="employment_registration",
            outcome="done",
            market=nanning_market,
        )
    assert not GuidanceItem.objects.exists()

    # A seeker registered in Nanning may be guided in Liuzhou, and is counted there.
    guidance = guidance_item_record(
        actor=outsider, seeker=seeker, item="employment_registration", outcome="done"
    )
    assert guidance.market == liuzhou_market


def test_an_officer_of_several_markets_chooses_the_market(
    officer: User, nanning_market: Market, seeker: SeekerProfile
) -> None:
    _outsider, liuzhou_market = liuzhou_officer_make()
    Membership.objects.create(user=officer, role=Role.OFFICER, market=liuzhou_market)
    officer = User.objects.get(pk=officer.pk)  # rights are read once per user object

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        guidance_item_record(actor=officer, seeker=seeker, item="basic_pension", outcome="done")
    assert "several markets" in refused.value.message_dict["market"][0]

    guidance = guidance_item_record(
        actor=officer, seeker=seeker, item="basic_pension", outcome="done", market=liuzhou_market
    )
    assert guidance.market == liuzhou_market


def test_staff_outside_every_market_cannot_record_guidance(
    inspector: User, seeker: SeekerProfile
) -> None:
    with pytest.raises(PermissionDenied):
        guidance_item_record(actor=inspector, seeker=seeker, item="basic_pension", outcome="done")
