"""The case page's trail (时间线): the newest entries first, a page at a time by keyset
("Older entries" goes on after the last row shown), every entry once, in both languages and
without JavaScript; the page's query count does not grow with the trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from conftest import ID_NUMBERS, case_make
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import chain_verify
from backoffice.templatetags.trail_tags import (
    case_transfer_rows,
    event_rows,
    history_rows,
    note_articles,
    timeline_rows,
)
from cases.models import Case
from cases.services import (
    applicant_id_number_reveal,
    case_note_add,
    case_transfer,
    case_transfer_decline,
)
from cases.staff_selectors import CASE_TRAIL_PAGE_SIZE, FieldChange, HistoryEntry
from markets.models import Market

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
_sequence = count(1)


@pytest.fixture
def case(officer: User) -> Case:
    return case_make(officer)


def bulk_trail(case: Case, n: int, *, ties: int = 3, **fields: Any) -> list[AuditEvent]:
    """``n`` events of ``case`` written directly, ``ties`` at each instant (set-up only: a
    chain of their own, not sealed)."""
    start = timezone.now() + timedelta(minutes=1)
    values: dict[str, Any] = {
        "action": "case.note_added",
        "target_type": "cases.case",
        "target_id": str(case.pk),
        "market_id": case.market_id,
        "chain": "trail",
        "prev_hash": "0" * 64,
        "hash": "0" * 64,
        **fields,
    }
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            occurred_at=start + timedelta(seconds=i // ties),
            sequence=next(_sequence),
            **values,
        )
        for i in range(n)
    )


def walk(client: Client, case: Case) -> list[list[int]]:
    """The ids of each page of the trail, following "Older entries" to the end."""
    pages: list[list[int]] = []
    url = f"/cases/{case.pk}/"
    while True:
        response = client.get(url)
        assert response.status_code == 200
        trail = response.context["events"]
        pages.append([event.pk for event in trail])
        if trail.older is None:
            return pages
        assert f'?before={trail.older.token()}#timeline-heading" rel="next"' in (
            response.content.decode()
        )
        url = f"/cases/{case.pk}/?before={trail.older.token()}"


def newest_first(events: Any) -> list[int]:
    return [e.pk for e in sorted(events, key=lambda e: (e.occurred_at, e.pk), reverse=True)]


def test_the_trail_pages_through_every_entry_once_newest_first(
    verified_client: Clients, officer: User, case: Case
) -> None:
    for i in range(CASE_TRAIL_PAGE_SIZE + 5):
        case_note_add(actor=officer, case=case, text=f"说明{i}")
    applicant_id_number_reveal(actor=officer, case=case)  # on the applicant, from this case
    elsewhere = case_make(officer, applicant=case.applicant)
    applicant_id_number_reveal(actor=officer, case=elsewhere)  # from another case: not here

    pages = walk(verified_client(officer), case)

    trail = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
    reveal = AuditEvent.objects.get(
        action="personal_data.revealed", new_values__reference=case.reference
    )
    assert len(pages) == 2
    assert len(pages[0]) == CASE_TRAIL_PAGE_SIZE
    assert [pk for page in pages for pk in page] == newest_first([*trail, reveal])
    assert pages[0][0] == reveal.pk  # the newest entry comes first
    # The seals are untouched: the market's chain still verifies.
    assert chain_verify(chain=f"market:{case.market_id}", anchors=[]).ok


def test_entries_that_share_a_time_are_shown_once_each(
    verified_client: Clients, officer: User, case: Case
) -> None:
    bulk_trail(case, 2 * CASE_TRAIL_PAGE_SIZE + 7, ties=7)

    pages = walk(verified_client(officer), case)

    trail = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
    assert len(pages) == 3
    assert [pk for page in pages for pk in page] == newest_first(trail)


def test_the_case_page_queries_do_not_grow_with_the_trail(
    verified_client: Clients,
    officer: User,
    case: Case,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    client = verified_client(officer)
    bulk_trail(case, 10)
    client.get(f"/cases/{case.pk}/")  # the first request of a session writes to it

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            response = client.get(f"/cases/{case.pk}/")
        return len(context), len(response.context["events"])

    small, shown_small = queries()
    bulk_trail(case, 1000)
    large, shown_large = queries()

    assert small == large
    assert shown_small == 11  # case.opened and ten more
    assert shown_large == CASE_TRAIL_PAGE_SIZE
    with django_assert_max_num_queries(small):
        client.get(f"/cases/{case.pk}/")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_older_and_newest_entries_are_links_in_both_languages(
    verified_client: Clients, officer: User, case: Case, language: str
) -> None:
    bulk_trail(case, CASE_TRAIL_PAGE_SIZE + 1)
    client = verified_client(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    first = client.get(f"/cases/{case.pk}/")
    token = first.context["events"].older.token()
    second = client.get(f"/cases/{case.pk}/?before={token}")

    with translation.override(language):
        older, newest = translation.gettext("Older entries"), translation.gettext("Newest entries")
    if language == "zh-hans":
        assert (older, newest) != ("Older entries", "Newest entries")
    assert older in first.content.decode()
    assert newest not in first.content.decode()
    assert newest in second.content.decode()
    assert older not in second.content.decode()  # case.opened and one more: the last page
    assert len(second.context["events"]) == 2


def test_a_malformed_cursor_shows_the_newest_entries(
    verified_client: Clients, officer: User, case: Case
) -> None:
    response = verified_client(officer).get(f"/cases/{case.pk}/?before=yesterday")

    assert response.status_code == 200
    assert response.context["events"].first
    assert [e.action for e in response.context["events"]] == ["case.opened"]


def test_the_pages_lists_show_markup_escaped_id_numbers_masked_and_local_times(
    verified_client: Clients, officer: User, team_lead: User, nanning_market: Market, case: Case
) -> None:
    """The timeline, the change history, the transfers and the notes are built in Python
    (``backoffice.templatetags.trail_tags``): every value escaped, every ID number masked,
    every time in the current time zone as the template's ``date`` filter wrote it."""
    transfer = case_transfer(
        actor=officer,
        case=case,
        to_market=nanning_market,
        to_user=team_lead,
        reason=f"<i>转</i> {ID_NUMBERS[1]}",
    )
    case_transfer_decline(actor=team_lead, transfer=transfer, reason=f"<u>不收</u> {ID_NUMBERS[2]}")
    case_note_add(actor=officer, case=case, text="<b>记</b>")
    transfer.refresh_from_db()
    client = verified_client(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(f"/cases/{case.pk}/").content.decode()

    reason = '<td class="text">&lt;i&gt;转&lt;/i&gt; 450103********0028'
    assert html.count(reason) == 2  # the transfers' row, and the timeline's details
    assert "Declined because: &lt;u&gt;不收&lt;/u&gt; 450102********0037" in html
    assert '<p class="text">&lt;b&gt;记&lt;/b&gt;</p>' in html
    assert not any(tag in html for tag in ("<i>", "<u>", "<b>记"))
    assert ID_NUMBERS[1] not in html
    assert ID_NUMBERS[2] not in html
    sent = timezone.localtime(transfer.created_at)
    decided = timezone.localtime(transfer.decided_at)
    assert f'<td class="when">{sent:%Y-%m-%d %H:%M}</td>' in html
    assert f"{team_lead} {decided:%Y-%m-%d %H:%M}</span>" in html
    history = html[html.index('id="history-heading"') :]
    assert "Created: " in history
    assert " → " in history  # the state, sent and back


def test_the_lists_say_when_they_are_empty_and_what_a_change_of_other_fields_was(
    officer: User,
) -> None:
    """The empty states and the history's entry that changed no field shown (its changes
    are of fields the page does not list), as the templates' loops wrote them."""
    at = timezone.now()
    with translation.override("en"):
        history = str(
            history_rows(
                [
                    HistoryEntry(at, officer, "~", []),
                    HistoryEntry(at, None, "+", [FieldChange("Subject", "", "咨询")]),
                ]
            )
        )
        assert '<span class="hint">Other fields</span>' in history
        assert '<td>—</td><td>Created: <span class="change">Subject: 咨询</span>' in history
        assert "No notes yet." in str(note_articles([]))
        assert "No events recorded." in str(timeline_rows([]))
        assert "No event matches." in str(event_rows([]))
        assert str(case_transfer_rows([])) == ""
