"""A posting's contact phone is personal data (issue 13, item 17): encrypted at rest in the
posting and its history rows, masked on the pages and in the audit trail, and the existing rows
are encrypted by the migration."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test import Client
from posting_support import employer_make, posting_data, posting_events, qingxiu_make

from accounts.models import User
from cases.crypto import personal_data_decrypt
from cases.identity import phone_mask
from cases.models import Applicant, ChecklistItem
from markets.models import Market
from workflows.postings.models import Posting
from workflows.postings.services import (
    posting_intake,
    posting_resubmit,
    posting_return_for_correction,
)

pytestmark = pytest.mark.django_db

PHONE = "13907710001"
NEW_PHONE = "0771-5501234"
MIGRATION = "workflows.postings.migrations.0007_posting_contact_phone_encrypted"


@pytest.fixture
def employer(
    frozen_time: time_machine.Traveller, officer: User, nanning_market: Market
) -> Applicant:
    qingxiu_make()
    return employer_make(officer)


@pytest.fixture
def posting(officer: User, nanning_market: Market, employer: Applicant) -> Posting:
    return posting_intake(
        actor=officer,
        market=nanning_market,
        channel="online",
        employer=employer,
        data=posting_data(),
    )


def raw_columns(table: str, key: str, pk: int) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT contact_phone, contact_phone_masked FROM {table} WHERE {key} = %s",  # noqa: S608
            [pk],
        )
        return list(cursor.fetchall())


def history_columns(posting: Posting) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_phone, contact_phone_masked FROM postings_historicalposting "
            "WHERE id = %s ORDER BY history_id",
            [posting.pk],
        )
        return list(cursor.fetchall())


def test_phone_mask_hides_the_middle_of_mobiles_and_landlines() -> None:
    assert phone_mask(PHONE) == "139****0001"
    assert phone_mask(NEW_PHONE) == "0771-***1234"
    assert phone_mask("05551234567") == "*******4567"


def test_the_contact_phone_is_encrypted_in_the_posting_and_its_history(posting: Posting) -> None:
    [(token, masked)] = raw_columns("postings_posting", "id", posting.pk)
    assert token.startswith("pd1:")
    assert PHONE not in token
    assert personal_data_decrypt(token) == PHONE
    assert masked == "139****0001"
    history = history_columns(posting)
    assert history
    for token, masked in history:
        assert token.startswith("pd1:")
        assert PHONE not in token
        assert masked == "139****0001"
    assert Posting.objects.get(pk=posting.pk).contact_phone == PHONE


def test_the_posting_page_shows_the_contact_phone_masked(
    posting: Posting, officer: User, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(officer).get(f"/counter/postings/{posting.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "139****0001" in html
    assert PHONE not in html


def test_a_changed_contact_phone_is_masked_in_the_trail_and_encrypted_in_history(
    posting: Posting, officer: User
) -> None:
    items = list(ChecklistItem.objects.filter(kind="posting_review")[:1])
    posting_return_for_correction(actor=officer, posting=posting, items=items)

    posting = posting_resubmit(actor=officer, posting=posting, data={"contact_phone": NEW_PHONE})

    event = posting_events(posting)[-1]
    assert event.action == "posting.resubmitted"
    assert event.old_values["contact_phone"] == "139****0001"
    assert event.new_values["contact_phone"] == "0771-***1234"
    assert PHONE not in str(event.old_values) + str(event.new_values)
    assert NEW_PHONE not in str(event.new_values)
    last_token, last_masked = history_columns(posting)[-1]
    assert personal_data_decrypt(last_token) == NEW_PHONE
    assert last_masked == "0771-***1234"
    assert Posting.objects.get(pk=posting.pk).contact_phone == NEW_PHONE


def test_the_migration_encrypts_plain_rows_and_history_rows_and_can_be_reversed(
    posting: Posting,
) -> None:
    # Rows as they were before the migration: plain text, no masked form.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE postings_posting SET contact_phone = %s, contact_phone_masked = ''", [PHONE]
        )
        cursor.execute(
            "UPDATE postings_historicalposting SET contact_phone = %s, contact_phone_masked = ''",
            [PHONE],
        )
    migration = importlib.import_module(MIGRATION)

    editor = SimpleNamespace(connection=connection)  # all the data migration uses
    migration.encrypt(None, editor)
    migration.encrypt(None, editor)  # a second run leaves encrypted rows alone

    rows = raw_columns("postings_posting", "id", posting.pk) + history_columns(posting)
    for token, masked in rows:
        assert token.startswith("pd1:")
        assert personal_data_decrypt(token) == PHONE
        assert masked == "139****0001"

    migration.decrypt(None, editor)

    rows = raw_columns("postings_posting", "id", posting.pk) + history_columns(posting)
    assert {token for token, _masked in rows} == {PHONE}
