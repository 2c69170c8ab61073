"""The inspector's event search at scale: pages by keyset (?before=…), without gaps or
repeats when events share a time; the number counted to a cap and shown as "N+" beyond it;
narrowed to one case by its reference."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from conftest import case_make
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import User
from audit.models import AuditEvent
from backoffice.common.pages import COUNT_CAP
from backoffice.supervision import views as supervision_views
from cases.models import Case
from cases.services import applicant_id_number_reveal, case_note_add
from markets.models import Market

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
_sequence = count(1)


def bulk_events(market: Market, n: int, *, ties: int, **fields: Any) -> list[AuditEvent]:
    """``n`` events of ``market``, ``ties`` at each instant, ids not in time order (set-up
    only: a chain of their own, not sealed)."""
    start = timezone.now() + timedelta(minutes=1)
    values: dict[str, Any] = {
        "action": "case.note_added",
        "actor_label": "bulk",
        "target_type": "cases.case",
        "target_id": "1",
        "market": market,
        "chain": "search",
        "prev_hash": "0" * 64,
        "hash": "0" * 64,
        **fields,
    }
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            occurred_at=start + timedelta(seconds=(n - i) // ties),
            sequence=next(_sequence),
            **values,
        )
        for i in range(n)
    )


def walk(client: Client, query: dict[str, str]) -> list[list[int]]:
    pages: list[list[int]] = []
    params = dict(query)
    while True:
        response = client.get("/audit/events/", params)
        assert response.status_code == 200
        page = response.context["events"]
        pages.append([event.pk for event in page])
        if page.older is None:
            return pages
        params = {**query, "before": page.older.token()}


def test_the_search_pages_without_gaps_or_repeats_when_events_share_a_time(
    verified_client: Clients, inspector: User, nanning_market: Market
) -> None:
    page_size = supervision_views.PAGE_SIZE
    events = bulk_events(nanning_market, 2 * page_size + 9, ties=6)

    pages = walk(verified_client(inspector), {"actor": "bulk"})

    expected = [e.pk for e in sorted(events, key=lambda e: (e.occurred_at, e.pk), reverse=True)]
    assert [len(page) for page in pages] == [page_size, page_size, 9]
    assert [pk for page in pages for pk in page] == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_count_stops_at_the_cap_and_shows_n_plus(
    verified_client: Clients,
    inspector: User,
    nanning_market: Market,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
) -> None:
    monkeypatch.setattr(supervision_views, "EVENT_COUNT_CAP", 5)
    bulk_events(nanning_market, 7, ties=1)
    client = verified_client(inspector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    over = client.get("/audit/events/", {"actor": "bulk"})
    under = client.get("/audit/events/", {"actor": "bulk", "action": "case.claimed"})

    assert over.context["over_cap"]
    assert over.context["count"] == 5
    assert len(over.context["events"]) == 7  # the page itself is not capped
    with translation.override(language):
        shown = translation.gettext("%(total)s+ events") % {"total": 5}
    assert shown in over.content.decode()
    assert not under.context["over_cap"]
    assert under.context["count"] == 0


@pytest.mark.parametrize(("events", "over"), [(COUNT_CAP, False), (COUNT_CAP + 1, True)])
def test_the_search_counts_to_a_thousand_as_every_list_does(
    verified_client: Clients, inspector: User, nanning_market: Market, events: int, over: bool
) -> None:
    """The cap itself (``audit.selectors.EVENT_COUNT_CAP``): the case lists' thousand, read
    in one count that stops at the 1 001st row (a count reads as many rows as it counts)."""
    bulk_events(nanning_market, events, ties=10)

    with CaptureQueriesContext(connection) as queries:
        response = verified_client(inspector).get("/audit/events/", {"actor": "bulk"})

    assert response.context["count"] == COUNT_CAP
    assert response.context["over_cap"] is over
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(*)" in q["sql"] and "audit_auditevent" in q["sql"]
    ]
    assert len(counts) == 1
    assert f"LIMIT {COUNT_CAP + 1}" in counts[0]


def test_a_failed_event_is_marked_and_what_it_was_about_is_escaped_and_masked(
    verified_client: Clients, inspector: User, nanning_market: Market
) -> None:
    """The rows are built in Python (``trail_tags.event_rows``)."""
    bulk_events(
        nanning_market,
        1,
        ties=1,
        success=False,
        target_label="<b>韦小宝</b> 450103198512120028",
    )
    client = verified_client(inspector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/audit/events/", {"actor": "bulk"}).content.decode()

    assert '<span class="tag warn">failed</span>' in html
    assert "&lt;b&gt;韦小宝&lt;/b&gt; 450103********0028</td>" in html
    assert "450103198512120028" not in html


def test_the_search_narrows_to_one_case_by_its_reference(
    verified_client: Clients, inspector: User, officer: User
) -> None:
    case = case_make(officer)
    other: Case = case_make(officer, applicant=case.applicant)
    case_note_add(actor=officer, case=case, text="说明")
    case_note_add(actor=officer, case=other, text="说明")
    applicant_id_number_reveal(actor=officer, case=case)
    applicant_id_number_reveal(actor=officer, case=other)
    client = verified_client(inspector)

    response = client.get("/audit/events/", {"case": f" {case.reference} "})
    unknown = client.get("/audit/events/", {"case": "450102-2026-999999"})

    shown = list(response.context["events"])
    assert [e.action for e in shown] == [
        "personal_data.revealed",
        "case.note_added",
        "case.opened",
    ]
    assert shown[0].new_values["reference"] == case.reference
    assert {e.target_id for e in shown[1:]} == {str(case.pk)}
    assert response.context["count"] == 3
    assert list(unknown.context["events"]) == []
