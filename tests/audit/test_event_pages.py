"""Pages of events by keyset (``audit.selectors.event_page``): newest first by (occurred_at,
id), every event once however many share a time, counted no further than a cap."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from audit.models import AuditEvent
from audit.selectors import EventCursor, event_count_capped, event_page

pytestmark = pytest.mark.django_db

_sequence = count(1)


def bulk_events(times: list[datetime], **fields: object) -> list[AuditEvent]:
    """Rows of a chain of their own at ``times`` (set-up only: the seals are not what is
    tested here)."""
    values: dict[str, object] = {
        "action": "case.note_added",
        "target_type": "cases.case",
        "target_id": "1",
        "chain": "pages",
        "prev_hash": "0" * 64,
        "hash": "0" * 64,
        **fields,
    }
    return AuditEvent.objects.bulk_create(
        AuditEvent(occurred_at=at, sequence=next(_sequence), **values) for at in times
    )


def walk(size: int) -> list[list[int]]:
    pages: list[list[int]] = []
    before: EventCursor | None = None
    while True:
        page = event_page(AuditEvent.objects.all(), before=before, size=size)
        pages.append([event.pk for event in page])
        assert page.first == (before is None)
        if page.older is None:
            return pages
        # The cursor goes through the address as text and back.
        before = EventCursor.parse(page.older.token())


def test_pages_hold_every_event_once_newest_first_when_many_share_a_time() -> None:
    start = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    # Three instants (one with microseconds), written out of time order, so ids and times
    # do not run together.
    instants = [start, start + timedelta(microseconds=250), start + timedelta(seconds=1)]
    times = [instants[i % 3] for i in range(23)]
    random.Random(14).shuffle(times)  # noqa: S311  (a fixed order, not a secret)
    events = bulk_events(times)

    pages = walk(size=5)

    expected = [e.pk for e in sorted(events, key=lambda e: (e.occurred_at, e.pk), reverse=True)]
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [pk for p in pages for pk in p] == expected


def test_a_page_that_ends_with_the_last_event_offers_no_older_one() -> None:
    bulk_events([datetime(2026, 12, 1, tzinfo=UTC)] * 4)

    assert walk(size=4) == [[e.pk for e in AuditEvent.objects.order_by("-pk")]]


def test_two_parts_are_merged_into_one_order() -> None:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    cases = bulk_events([start + timedelta(seconds=2 * i) for i in range(6)])
    reveals = bulk_events(
        [start + timedelta(seconds=2 * i + 1) for i in range(6)], target_type="cases.applicant"
    )
    own = AuditEvent.objects.filter(target_type="cases.case")
    theirs = AuditEvent.objects.filter(target_type="cases.applicant")

    first = event_page(own, theirs, before=None, size=5)
    second = event_page(own, theirs, before=first.older, size=5)
    third = event_page(own, theirs, before=second.older, size=5)

    everything = sorted(cases + reveals, key=lambda e: e.occurred_at, reverse=True)
    assert [e.pk for page in (first, second, third) for e in page] == [e.pk for e in everything]
    assert third.older is None


@pytest.mark.parametrize(
    "token", [None, "", "x", "12_", "_3", "1_0", "1_-4", "9" * 30 + "_1", "1_" + "9" * 30]
)
def test_a_malformed_cursor_is_the_first_page(token: str | None) -> None:
    assert EventCursor.parse(token) is None


def test_a_cursor_keeps_its_time_to_the_microsecond() -> None:
    cursor = EventCursor(datetime(2026, 12, 4, 3, 1, 2, 345678, tzinfo=UTC), 42)

    assert EventCursor.parse(cursor.token()) == cursor


def test_the_count_stops_one_past_the_cap() -> None:
    bulk_events([datetime(2026, 12, 1, tzinfo=UTC)] * 7)

    assert event_count_capped(AuditEvent.objects.all(), cap=5) == 6
    assert event_count_capped(AuditEvent.objects.all(), cap=10) == 7
