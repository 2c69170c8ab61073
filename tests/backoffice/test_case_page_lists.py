"""The case page's own lists (its notes, its change history, its transfers) a page at a time,
newest first, by keyset as its trail is (issue 14: the case page flat whatever its history):
each list has its own cursor in the query string, "Older …" goes on after the last row shown,
every row is shown once, a cursor that is not this list's of this case shows the newest page,
and the page's query count does not grow with the lists."""

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
from cases.models import Case, CaseNote, State, Transfer
from cases.staff_selectors import (
    CASE_HISTORY_PAGE_SIZE,
    CASE_NOTE_PAGE_SIZE,
    CASE_TRANSFER_PAGE_SIZE,
)

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
_subjects = count(1)


@pytest.fixture
def case(officer: User) -> Case:
    return case_make(officer)


def _start() -> Any:
    return timezone.now() + timedelta(minutes=1)


def bulk_notes(case: Case, author: User, n: int, *, ties: int = 3) -> list[CaseNote]:
    """``n`` notes of ``case`` written directly, ``ties`` at each instant (set-up only)."""
    start = _start()
    return CaseNote.objects.bulk_create(
        CaseNote(
            case=case,
            author=author,
            text=f"备注{i}",
            created_at=start + timedelta(seconds=i // ties),
        )
        for i in range(n)
    )


def bulk_history(case: Case, n: int, *, owners: list[User], ties: int = 3) -> list[Any]:
    """``n`` history records of ``case`` after its last one, written directly (set-up only):
    record i sets the subject to "主题<i>" and the owner to one of ``owners`` in turn."""
    history = Case.history.model
    latest = case.history.order_by("-history_date", "-history_id").first()
    copied = {
        field.attname: getattr(latest, field.attname)
        for field in history._meta.concrete_fields
        if field.attname != "history_id"
    }
    start = _start()
    return history.objects.bulk_create(
        history(
            **{
                **copied,
                "history_date": start + timedelta(seconds=i // ties),
                "history_type": "~",
                "subject": f"主题{next(_subjects)}",
                "owner_id": owners[i % len(owners)].pk,
                "state": State.IN_PROGRESS,
            }
        )
        for i in range(n)
    )


def bulk_transfers(case: Case, sender: User, n: int, *, ties: int = 3) -> list[Transfer]:
    """``n`` declined transfers of ``case`` (set-up only)."""
    start = _start()
    return Transfer.objects.bulk_create(
        Transfer(
            case=case,
            from_user=sender,
            to_market=case.market,
            reason=f"转办{i}",
            status=Transfer.Status.DECLINED,
            decline_reason="不属于本人",
            created_at=start + timedelta(seconds=i // ties),
        )
        for i in range(n)
    )


LISTS = {
    # context name: (query parameter, anchor, page size)
    "notes": ("notes_before", "#notes-heading", CASE_NOTE_PAGE_SIZE),
    "history": ("history_before", "#history-heading", CASE_HISTORY_PAGE_SIZE),
    "transfers": ("transfers_before", "#transfers-heading", CASE_TRANSFER_PAGE_SIZE),
}


def quoted(token: str) -> str:
    """The token as the page's links write it (``QueryDict.urlencode``)."""
    return token.replace(":", "%3A")


def walk(client: Client, case: Case, name: str) -> list[list[Any]]:
    """The rows of each page of the list ``name``, following its "Older …" link to the end."""
    param, anchor, _size = LISTS[name]
    pages: list[list[Any]] = []
    url = f"/cases/{case.pk}/"
    while True:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context[name]
        pages.append(list(page))
        if page.older is None:
            return pages
        token = page.older.token()
        assert f'?{param}={quoted(token)}{anchor}" rel="next"' in response.content.decode()
        url = f"/cases/{case.pk}/?{param}={token}"


def newest_first(rows: Any, at: str) -> list[int]:
    return [r.pk for r in sorted(rows, key=lambda r: (getattr(r, at), r.pk), reverse=True)]


def test_the_notes_page_through_every_note_once_newest_first(
    verified_client: Clients, officer: User, case: Case
) -> None:
    notes = bulk_notes(case, officer, 2 * CASE_NOTE_PAGE_SIZE + 7, ties=7)

    pages = walk(verified_client(officer), case, "notes")

    assert [len(page) for page in pages] == [CASE_NOTE_PAGE_SIZE, CASE_NOTE_PAGE_SIZE, 7]
    assert [note.pk for page in pages for note in page] == newest_first(notes, "created_at")


def test_the_transfers_page_through_every_transfer_once_newest_first(
    verified_client: Clients, officer: User, team_lead: User, case: Case
) -> None:
    transfers = bulk_transfers(case, team_lead, CASE_TRANSFER_PAGE_SIZE + 1, ties=4)

    pages = walk(verified_client(officer), case, "transfers")

    assert [len(page) for page in pages] == [CASE_TRANSFER_PAGE_SIZE, 1]
    assert [t.pk for page in pages for t in page] == newest_first(transfers, "created_at")


def test_the_history_pages_through_every_change_once_each_told_against_the_one_before(
    verified_client: Clients, officer: User, team_lead: User, case: Case
) -> None:
    before = case.history.count()
    made = bulk_history(case, 2 * CASE_HISTORY_PAGE_SIZE + 3, owners=[officer, team_lead])

    pages = walk(verified_client(officer), case, "history")
    entries = [entry for page in pages for entry in page]

    assert [len(page) for page in pages[:-1]] == [CASE_HISTORY_PAGE_SIZE] * (len(pages) - 1)
    assert len(entries) == before + len(made)
    assert entries[-1].kind == "+"  # the case's creation comes last
    subjects = [
        (change.old, change.new)
        for entry in entries[: len(made)]
        for change in entry.changes
        if change.label == str(Case._meta.get_field("subject").verbose_name)
    ]
    # Each record's change is told against the record before it, across the pages too.
    expected = [made[i - 1].subject if i else case.subject for i in range(len(made))]
    assert subjects == [(old, r.subject) for old, r in zip(expected, made, strict=True)][::-1]
    owners = {
        change.new
        for entry in entries[: len(made)]
        for change in entry.changes
        if change.label == str(Case._meta.get_field("owner").verbose_name)
    }
    assert owners == {str(officer), str(team_lead)}  # names, not ids


def test_paging_one_list_keeps_the_others_where_they_are(
    verified_client: Clients, officer: User, case: Case
) -> None:
    bulk_notes(case, officer, CASE_NOTE_PAGE_SIZE + 2)
    bulk_history(case, CASE_HISTORY_PAGE_SIZE + 2, owners=[officer])
    client = verified_client(officer)
    history = quoted(client.get(f"/cases/{case.pk}/").context["history"].older.token())

    older_history = client.get(f"/cases/{case.pk}/?history_before={history}")
    notes = quoted(older_history.context["notes"].older.token())
    link = f"?history_before={history}&amp;notes_before={notes}#notes-heading"
    assert f'href="{link}" rel="next"' in older_history.content.decode()
    both = client.get(f"/cases/{case.pk}/?history_before={history}&notes_before={notes}")

    assert not older_history.context["history"].first
    assert older_history.context["notes"].first
    assert not both.context["notes"].first
    assert len(both.context["notes"]) == 2
    assert [e.at for e in both.context["history"]] == [
        e.at for e in older_history.context["history"]
    ]
    # Back to the newest notes keeps the history where it was, too.
    assert f'href="?history_before={history}#notes-heading"' in both.content.decode()


def test_a_cursor_not_of_this_list_of_this_case_shows_the_newest_page(
    verified_client: Clients, officer: User, team_lead: User, case: Case
) -> None:
    other = case_make(officer, subject="另一个咨询")
    for target in (case, other):
        bulk_notes(target, officer, CASE_NOTE_PAGE_SIZE + 2)
        bulk_history(target, CASE_HISTORY_PAGE_SIZE + 2, owners=[officer])
        bulk_transfers(target, team_lead, CASE_TRANSFER_PAGE_SIZE + 2)
    client = verified_client(officer)
    newest = client.get(f"/cases/{case.pk}/")
    of_other = client.get(f"/cases/{other.pk}/")
    tokens = {name: newest.context[name].older.token() for name in LISTS}

    def changed(token: str, *, micros: int = 0, pk: int = 0, cut: int = 0) -> str:
        value, _sep, signature = token.rpartition(":")
        at, _sep, row = value.partition("_")
        return f"{int(at) + micros}_{int(row) + pk}:{signature[: len(signature) - cut]}"

    def each(make: Callable[[str], str]) -> dict[str, str]:
        return {param: make(name) for name, (param, _a, _s) in LISTS.items()}

    bad = [
        each(lambda name: "yesterday"),
        each(lambda name: "1_2"),  # the trail's kind of cursor, unsigned
        each(lambda name: changed(tokens[name], micros=-1)),  # the time changed by hand
        each(lambda name: changed(tokens[name], pk=1)),  # the id changed by hand
        each(lambda name: changed(tokens[name], cut=1)),  # the signature cut short
        each(lambda name: f"{'9' * 40}_{'9' * 40}:{tokens[name].rpartition(':')[2]}"),
        each(lambda name: of_other.context[name].older.token()),  # another case's
        {  # another list's of this case
            "notes_before": tokens["history"],
            "history_before": tokens["transfers"],
            "transfers_before": tokens["notes"],
        },
    ]

    def rows(response: Any, name: str) -> list[Any]:
        return [row.at if name == "history" else row.pk for row in response.context[name]]

    for query in bad:
        response = client.get(f"/cases/{case.pk}/", query)
        assert response.status_code == 200, query
        for name in LISTS:
            assert response.context[name].first, (name, query)
            assert rows(response, name) == rows(newest, name), (name, query)
    # The valid tokens do page (the bad ones above are refused, not every token).
    paged = client.get(f"/cases/{case.pk}/", each(lambda name: tokens[name]))
    assert not any(paged.context[name].first for name in LISTS)


def test_the_case_page_queries_do_not_grow_with_its_notes_history_and_transfers(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    short, long = case_make(officer, subject="短"), case_make(officer, subject="长")
    for target, n in ((short, 3), (long, 200)):
        bulk_notes(target, officer, n)
        bulk_history(target, n, owners=[officer, team_lead])
        bulk_transfers(target, team_lead, n)
    client = verified_client(officer)
    client.get(f"/cases/{short.pk}/")  # the first request of a session writes to it

    def queries(case: Case, query: str = "") -> tuple[int, dict[str, int]]:
        with CaptureQueriesContext(connection) as context:
            response = client.get(f"/cases/{case.pk}/{query}")
        assert response.status_code == 200
        return len(context), {name: len(response.context[name]) for name in LISTS}

    small, shown_small = queries(short)
    large, shown_large = queries(long)
    first = client.get(f"/cases/{long.pk}/")
    deeper = "?" + "&".join(
        f"{param}={first.context[name].older.token()}"
        for name, (param, _anchor, _size) in LISTS.items()
    )
    deep, shown_deep = queries(long, deeper)

    assert small == large == deep
    assert shown_small == {"notes": 3, "history": 4, "transfers": 3}  # and the case's creation
    assert shown_large == {name: size for name, (_p, _a, size) in LISTS.items()}
    assert shown_deep == shown_large
    with django_assert_max_num_queries(small):
        client.get(f"/cases/{long.pk}/")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_older_and_newest_links_of_each_list_in_both_languages(
    verified_client: Clients, officer: User, team_lead: User, case: Case, language: str
) -> None:
    bulk_notes(case, officer, CASE_NOTE_PAGE_SIZE + 1)
    bulk_history(case, CASE_HISTORY_PAGE_SIZE + 1, owners=[officer])
    bulk_transfers(case, team_lead, CASE_TRANSFER_PAGE_SIZE + 1)
    client = verified_client(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    first = client.get(f"/cases/{case.pk}/")
    second = client.get(
        f"/cases/{case.pk}/",
        {
            "notes_before": first.context["notes"].older.token(),
            "history_before": first.context["history"].older.token(),
            "transfers_before": first.context["transfers"].older.token(),
        },
    )

    for what in ("notes", "changes", "transfers"):
        with translation.override(language):
            older = translation.gettext(f"Older {what}")
            newest = translation.gettext(f"Newest {what}")
        if language == "zh-hans":
            assert (older, newest) != (f"Older {what}", f"Newest {what}")
        assert older in first.content.decode()
        assert newest not in first.content.decode()
        assert newest in second.content.decode()
        assert older not in second.content.decode()
