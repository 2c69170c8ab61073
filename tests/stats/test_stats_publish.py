"""Snapshots (standard art. 15): publishing freezes a month for every market, city and the
province with an audit event each; a published figure never changes; a correction is a new
labelled revision; the daily task publishes on the first working day only; the command."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from stats_scene import scene_make
from stats_support import posting

from audit.models import AuditEvent
from stats.compute import Month, area_of_market
from stats.models import MonthlySnapshot
from stats.selectors import figures_for, snapshot_for
from stats.services import StatsError, stats_publish, stats_publish_due
from stats.tasks import stats_publish_due_task

MARCH = Month(2026, 3)
SCOPES = {
    "province:450000",
    "region:450100",
    "region:450200",
}


@pytest.fixture
def scene(db: None) -> dict[str, Any]:
    return scene_make()


def _keys(scene: dict[str, Any]) -> set[str]:
    return SCOPES | {f"market:{scene['market'].pk}", f"market:{scene['other'].pk}"}


def test_publishing_freezes_every_scope_with_an_audit_event(scene: dict[str, Any]) -> None:
    publication = stats_publish(year=2026, month=3)

    assert {s.scope_key for s in publication.published} == _keys(scene)
    snapshot = MonthlySnapshot.objects.get(scope_key=f"market:{scene['market'].pk}")
    assert (snapshot.revision, snapshot.figures["openings"], snapshot.figures["seekers"]) == (
        1,
        43,
        3,
    )
    events = AuditEvent.objects.filter(action="stats.published")
    assert events.count() == 5
    event = events.get(market=scene["market"])
    assert event.new_values["month"] == "2026-03"
    assert event.new_values["openings"] == 43


def test_a_published_figure_never_changes_when_the_records_do(scene: dict[str, Any]) -> None:
    stats_publish(year=2026, month=3)
    area = area_of_market(scene["market"])
    before = figures_for(area=area, month=MARCH).figures

    posting(scene["market"], headcount=50)

    after = figures_for(area=area, month=MARCH)
    assert after.snapshot is not None
    assert after.figures == before
    assert after.figures["openings"] == 43
    # Published again without a reason: nothing new, nothing changed.
    again = stats_publish(year=2026, month=3)
    assert again.published == []
    assert set(again.skipped) == _keys(scene)
    assert MonthlySnapshot.objects.count() == 5
    assert AuditEvent.objects.filter(action="stats.published").count() == 5


def test_a_correction_is_a_new_labelled_revision(scene: dict[str, Any]) -> None:
    stats_publish(year=2026, month=3)
    posting(scene["market"], headcount=50)
    key = f"market:{scene['market'].pk}"

    stats_publish(year=2026, month=3, revision_reason="漏录一条岗位")

    first, second = MonthlySnapshot.objects.filter(scope_key=key).order_by("revision")
    assert (first.revision, first.figures["openings"], first.revision_reason) == (1, 43, "")
    assert (second.revision, second.figures["openings"]) == (2, 93)
    assert second.revision_reason == "漏录一条岗位"
    latest = snapshot_for(key=key, month=MARCH)
    assert latest is not None and latest.pk == second.pk
    event = AuditEvent.objects.filter(action="stats.published", market=scene["market"]).last()
    assert event is not None
    assert event.new_values["revision"] == 2
    assert event.new_values["revision_reason"] == "漏录一条岗位"


def test_a_month_not_over_is_refused_and_nothing_is_published(db: None) -> None:
    with pytest.raises(StatsError):
        stats_publish(year=2026, month=3, today=date(2026, 3, 31))

    assert not MonthlySnapshot.objects.exists()


def test_the_daily_task_publishes_last_month_on_the_first_working_day(
    scene: dict[str, Any],
) -> None:
    # 1 June 2026 is a Monday: a working day.
    assert stats_publish_due(today=date(2026, 5, 31)) is None
    publication = stats_publish_due(today=date(2026, 6, 1))

    assert publication is not None
    assert {(s.year, s.month) for s in publication.published} == {(2026, 5)}
    assert len(publication.published) == 5
    # A second run the same day, and the next day, do nothing.
    repeated = stats_publish_due(today=date(2026, 6, 1))
    assert repeated is not None and repeated.published == []
    assert stats_publish_due(today=date(2026, 6, 2)) is None
    assert MonthlySnapshot.objects.count() == 5


def test_a_holiday_on_the_first_moves_the_publication_to_the_first_working_day(
    scene: dict[str, Any],
) -> None:
    # National Day: 1–7 October 2026 are holidays, the 8th is the first working day.
    for day in range(1, 8):
        assert stats_publish_due(today=date(2026, 10, day)) is None
    assert not MonthlySnapshot.objects.exists()

    publication = stats_publish_due(today=date(2026, 10, 8))

    assert publication is not None
    assert {(s.year, s.month) for s in publication.published} == {(2026, 9)}


def test_the_beat_task_publishes_on_the_first_working_day_only(scene: dict[str, Any]) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 6, 2, 9, tzinfo=shanghai), tick=False):
        assert stats_publish_due_task() == 0
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=shanghai), tick=False):
        assert stats_publish_due_task() == 5
        assert stats_publish_due_task() == 0

    assert MonthlySnapshot.objects.filter(year=2026, month=5).count() == 5


def test_the_command_publishes_a_month_and_a_labelled_correction(scene: dict[str, Any]) -> None:
    call_command("stats_publish", "2026-03")
    call_command("stats_publish", "2026-03")
    call_command("stats_publish", "2026-03", "--revision", "更正")

    key = f"market:{scene['market'].pk}"
    assert list(
        MonthlySnapshot.objects.filter(scope_key=key)
        .order_by("revision")
        .values_list("revision", "revision_reason")
    ) == [(1, ""), (2, "更正")]


@pytest.mark.parametrize("month", ["2026-13", "26-03", "march", "2999-01"])
def test_the_command_refuses_a_bad_or_future_month(db: None, month: str) -> None:
    with pytest.raises(CommandError):
        call_command("stats_publish", month)

    assert not MonthlySnapshot.objects.exists()
