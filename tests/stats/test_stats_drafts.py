"""Provisional figures (issue 14: the statistics page at a province's size): the hourly task
computes this month and last (until published) for every market, city and province, as the
full computation counts them, and the headline figures of the months their comparisons look
back to; the page reads them, says when they were computed, and takes the same queries however
many records the month holds, counting none of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from conftest import TOTP_KEYS, UserFactory, add_totp_device
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from stats_scene import scene_make
from stats_support import posting, seeker

from accounts.models import User
from cases.models import Case
from markets.models import Membership, Role
from stats.compute import Month, figures_compute, headline_compute
from stats.models import MonthlyDraft
from stats.selectors import figures_for
from stats.services import areas_all, stats_drafts_refresh, stats_publish
from stats.tasks import stats_drafts_refresh_task
from workflows.postings.models import Posting

MARCH = Month(2026, 3)
APRIL = Month(2026, 4)
IN_APRIL = date(2026, 4, 20)
URL = "/statistics/"


@pytest.fixture
def scene(db: None) -> dict[str, Any]:
    return scene_make()


@pytest.fixture
def lead(scene: dict[str, Any], verified_client: Callable[[User], Client]) -> Client:
    user = UserFactory.create(username="drafts-lead")
    Membership.objects.create(user=user, role=Role.TEAM_LEAD, market=scene["market"])
    add_totp_device(user, TOTP_KEYS[Role.TEAM_LEAD])
    client = verified_client(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# What a refresh in April 2026 leaves: the whole of March and April, the headline figures of
# February (March's month on month) and of March and April 2025 (their year on year).
HEADLINE_MONTHS = (Month(2026, 2), Month(2025, 3), Month(2025, 4))


def _drafts() -> dict[tuple[str, int, int], dict[str, Any]]:
    return {(d.scope_key, d.year, d.month): d.figures for d in MonthlyDraft.objects.all()}


def test_the_task_computes_this_month_and_last_for_every_area(scene: dict[str, Any]) -> None:
    written = stats_drafts_refresh(today=IN_APRIL)

    areas = areas_all()
    assert written == 5 * len(areas) == len(_drafts())
    for area in areas:
        for month in (MARCH, APRIL):
            # JSON as stored: what the full computation gives, field for field.
            draft = MonthlyDraft.objects.get(scope_key=area.key, year=2026, month=month.month)
            assert not draft.headline_only
            assert draft.figures == figures_for_json(area, month)
        for month in HEADLINE_MONTHS:
            draft = MonthlyDraft.objects.get(scope_key=area.key, year=month.year, month=month.month)
            assert draft.headline_only
            assert draft.figures == json.loads(json.dumps(headline_compute(area=area, month=month)))
    market = f"market:{scene['market'].pk}"
    assert _drafts()[(market, 2026, 3)]["openings"] == 43
    assert _drafts()[(market, 2026, 2)]["openings"] > 0  # the scene has February's postings


def test_a_month_with_its_headline_figures_alone_is_computed_when_opened(
    scene: dict[str, Any],
) -> None:
    stats_drafts_refresh(today=IN_APRIL)
    area = areas_all()[0]

    february = figures_for(area=area, month=Month(2026, 2))

    assert february.draft is None  # the headline draft is no month's figures
    assert february.figures == figures_compute(area=area, month=Month(2026, 2))


def figures_for_json(area: Any, month: Month) -> Any:
    """The full computation's figures as the JSON field keeps them."""
    return json.loads(json.dumps(figures_compute(area=area, month=month)))


def test_a_published_month_gets_no_draft_and_older_drafts_are_forgotten(
    scene: dict[str, Any],
) -> None:
    stats_drafts_refresh(today=IN_APRIL)
    stats_publish(year=2026, month=3, areas=[a for a in areas_all() if a.key.startswith("market")])

    stats_drafts_refresh(today=IN_APRIL)
    in_march = {key for key, year, month in _drafts() if (year, month) == (2026, 3)}
    assert in_march == {a.key for a in areas_all() if not a.key.startswith("market")}

    stats_drafts_refresh(today=date(2026, 5, 4))
    # May and April whole; March (published for the markets: headline drafts for the rest),
    # and May and April 2025; February is forgotten.
    assert {(year, month) for _key, year, month in _drafts()} == {
        (2026, 5),
        (2026, 4),
        (2026, 3),
        (2025, 5),
        (2025, 4),
    }
    in_march = {key for key, year, month in _drafts() if (year, month) == (2026, 3)}
    assert in_march == {a.key for a in areas_all() if not a.key.startswith("market")}


def test_the_page_reads_the_draft_and_says_when_it_was_computed(
    scene: dict[str, Any], lead: Client
) -> None:
    stats_drafts_refresh(today=IN_APRIL)
    posting(scene["market"], code="4-03-02-01", headcount=1000, industry="62")  # after it

    response = lead.get(URL, {"month": "2026-03"})

    assert response.status_code == 200
    assert response.context["figures"]["openings"] == 43  # not 1 043: as computed
    assert response.context["current"].draft is not None
    assert "provisional figures computed" in response.content.decode()
    stats_drafts_refresh(today=IN_APRIL)
    assert lead.get(URL, {"month": "2026-03"}).context["figures"]["openings"] == 1043


def test_the_page_takes_the_same_queries_however_many_records(
    scene: dict[str, Any], lead: Client
) -> None:
    stats_drafts_refresh(today=IN_APRIL)
    lead.get(URL, {"month": "2026-03"})  # the reader's rights read once (sla.memo)
    with CaptureQueriesContext(connection) as few:
        lead.get(URL, {"month": "2026-03"})
    market, officer = scene["market"], User.objects.get(username="stats-officer")
    for n in range(30):
        posting(market, code="4-03-02-05", headcount=n + 1, industry="62")
        seeker(market, officer, registered=date(2026, 3, 2 + n % 20), wants=["4-03-02-05"])
    stats_drafts_refresh(today=IN_APRIL)

    with CaptureQueriesContext(connection) as many:
        response = lead.get(URL, {"month": "2026-03"})

    assert response.context["figures"]["openings"] > 43
    assert len(many) == len(few)
    sql = " ".join(query["sql"] for query in many.captured_queries)
    assert "json_each" not in sql and "jsonb_array_elements" not in sql  # no seeker counted
    # Nor any posting or case: the comparisons read February's and March 2025's drafts; the
    # records are read only for the day the market opened (its first one, by an index).
    records = [
        query["sql"]
        for query in many.captured_queries
        if Posting._meta.db_table in query["sql"] or Case._meta.db_table in query["sql"]
    ]
    assert records and all(sql.endswith("LIMIT 1") for sql in records)
    assert not any("SUM(" in sql or "COUNT(" in sql for sql in records)
    comparison = response.context["comparison"]
    assert (
        comparison["previous"]["openings"]["before"]
        == _drafts()[(f"market:{market.pk}", 2026, 2)]["openings"]
    )


def test_the_hourly_task_refreshes(scene: dict[str, Any]) -> None:
    assert stats_drafts_refresh_task() == 5 * len(areas_all())
    today = timezone.localdate()
    month = Month(today.year, today.month)
    assert figures_for(area=areas_all()[0], month=month).draft is not None
