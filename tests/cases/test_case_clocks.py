"""A case's clocks keep what the due lists read of the case on the clock: its channel and its
service station (``Deadline.channel``, ``Deadline.station``; neither changes after intake),
written at intake, one case or many at once, and written again from the cases by
``manage.py sla_counters_rebuild`` and by the migration that gave the clocks an installation
already had their case's."""

from __future__ import annotations

import importlib
import io

import pytest
from conftest import applicant_make, case_make
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from cases.models import Case, Channel
from cases.services import CaseRequest, case_open_many
from markets.models import Market, ServiceStation
from sla.models import Deadline, Target

pytestmark = pytest.mark.django_db


def _kept(case: Case) -> list[tuple[str, str, int | None]]:
    """(target, channel, station id) of each of the case's clocks."""
    clocks = Deadline.objects.filter(subject_type="cases.case", subject_id=case.pk)
    return sorted(clocks.values_list("target", "channel", "station_id"))


def _station(market: Market) -> ServiceStation:
    return ServiceStation.objects.create(market=market, name="朝阳站", address="朝阳路")


def test_intake_gives_both_clocks_the_cases_channel_and_station(
    officer: User, nanning_market: Market
) -> None:
    station = _station(nanning_market)

    case = case_make(officer, channel=Channel.PHONE, station=station, claimed=False)

    assert _kept(case) == [
        (Target.ACCEPTANCE, Channel.PHONE, station.pk),
        (Target.COMPLETION, Channel.PHONE, station.pk),
    ]


def test_cases_taken_in_together_give_their_clocks_their_channel(
    officer: User, nanning_market: Market
) -> None:
    requests = [
        CaseRequest(applicant=applicant_make(officer), subject=f"平台同步咨询{n}") for n in range(3)
    ]

    cases = case_open_many(
        actor=officer,
        market=nanning_market,
        kind="policy_consultation",
        channel=Channel.PLATFORM,
        requests=requests,
    )

    for case in cases:
        assert _kept(case) == [
            (Target.ACCEPTANCE, Channel.PLATFORM, None),
            (Target.COMPLETION, Channel.PLATFORM, None),
        ]


def _copy_by_migration() -> None:
    migration = importlib.import_module(
        "cases.migrations.0027_clocks_keep_their_case_channel_and_station"
    )
    migration.copy(apps, None)


@pytest.mark.parametrize("copy", ["command", "migration"])
def test_clocks_written_without_them_take_their_cases_channel_and_station_again(
    officer: User, nanning_market: Market, copy: str
) -> None:
    station = _station(nanning_market)
    by_phone = case_make(officer, channel=Channel.PHONE, station=station)
    at_counter = case_make(officer)
    orphan = Deadline.objects.get(subject_id=at_counter.pk, target=Target.COMPLETION)
    orphan.pk, orphan.subject_id = None, at_counter.pk + 1000  # a clock whose case is gone
    orphan.save()
    # As clocks written before they kept them, or around the services (an import).
    Deadline.objects.update(channel="", station=None)

    if copy == "command":
        call_command("sla_counters_rebuild", stdout=io.StringIO())
    else:
        _copy_by_migration()

    assert _kept(by_phone) == [
        (Target.ACCEPTANCE, Channel.PHONE, station.pk),
        (Target.COMPLETION, Channel.PHONE, station.pk),
    ]
    assert _kept(at_counter) == [
        (Target.ACCEPTANCE, Channel.COUNTER, None),
        (Target.COMPLETION, Channel.COUNTER, None),
    ]
    orphan.refresh_from_db()
    assert (orphan.channel, orphan.station_id) == ("", None)
