"""Forms that create things are sent once (issue 13, item 4): every create form carries a
one-time token; a second submit with the same token answers with the first result and creates
nothing, also when both arrive at the same instant (real PostgreSQL); a form with errors
releases its token; a submit the database aborted to break a deadlock is run again. Stored
files that no row references are removed after a grace period."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import case_make
from counter_support import posting_form, qingxiu_make, seeker_form
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditEvent
from backoffice.cases import views as case_views
from backoffice.common.once import CONFLICT_RETRIES
from cases.attachments import attachment_orphans_remove, case_attachment_add
from cases.models import Applicant, Case, CaseAttachment, CaseNote, FormSubmission
from cases.submissions import form_submission_prune
from cases.tasks import attachment_orphans_remove_task
from markets.models import Market
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile

Clients = Callable[[User], Client]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TOKEN = "0123456789abcdefABCDEF_-token01"
TOKEN_FIELD = re.compile(r'<input type="hidden" name="form_token" value="([A-Za-z0-9_-]+)">')


def note_url(case: Case) -> str:
    return f"/cases/{case.pk}/note/"


def notes_added(case: Case) -> int:
    return AuditEvent.objects.filter(action="case.note_added", target_id=str(case.pk)).count()


# --- The token on the pages ----------------------------------------------------------------------

CREATE_PAGES = [
    "/cases/new/",
    "/counter/postings/new/",
    "/counter/seekers/new/",
    "/complaints/new/",
    "/training/programmes/new/",
    "/training/providers/new/",
    "/startup/new/",
    "/campaigns/",
    "/noticeboard/staff-training/new/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", CREATE_PAGES)
def test_every_create_form_carries_a_fresh_one_time_token(
    url: str, team_lead: User, verified_client: Clients
) -> None:
    client = verified_client(team_lead)

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200
    tokens = TOKEN_FIELD.findall(first.content.decode())
    assert tokens
    assert set(tokens).isdisjoint(TOKEN_FIELD.findall(second.content.decode()))


@pytest.mark.django_db
def test_the_note_and_attachment_forms_of_a_case_carry_a_token(
    officer: User, verified_client: Clients
) -> None:
    case = case_make(officer)

    html = verified_client(officer).get(f"/cases/{case.pk}/").content.decode()

    for action in (note_url(case), f"/cases/{case.pk}/attachments/"):
        form = re.search(rf'action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
        assert form is not None, action
        assert TOKEN_FIELD.search(form.group(1)), action


# --- A second submit -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_note_sent_twice_with_one_token_makes_one_note(
    officer: User, verified_client: Clients
) -> None:
    case = case_make(officer)
    client = verified_client(officer)
    data = {"text": "申请人来电询问进度", "form_token": TOKEN}

    first = client.post(note_url(case), data)
    second = client.post(note_url(case), data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert CaseNote.objects.filter(case=case).count() == 1
    assert notes_added(case) == 1
    submission = FormSubmission.objects.get(token=TOKEN)
    assert (submission.user, submission.result_url) == (officer, first["Location"])
    said = [str(m) for m in get_messages(second.wsgi_request)]
    assert "此表单已提交过，以下是当时提交的结果。" in said


@pytest.mark.django_db
def test_without_a_token_the_form_works_as_before(officer: User, verified_client: Clients) -> None:
    case = case_make(officer)
    client = verified_client(officer)

    client.post(note_url(case), {"text": "第一条"})
    client.post(note_url(case), {"text": "第一条"})

    assert CaseNote.objects.filter(case=case).count() == 2
    assert not FormSubmission.objects.exists()


@pytest.mark.django_db
def test_a_form_with_errors_releases_its_token(officer: User, verified_client: Clients) -> None:
    case = case_make(officer)
    client = verified_client(officer)

    refused = client.post(note_url(case), {"text": "   ", "form_token": TOKEN})
    assert refused.status_code == 200
    assert not FormSubmission.objects.exists()

    accepted = client.post(note_url(case), {"text": "补充说明", "form_token": TOKEN})

    assert accepted.status_code == 302
    assert CaseNote.objects.filter(case=case).count() == 1
    assert notes_added(case) == 1


@pytest.mark.django_db
def test_another_users_token_is_refused(
    officer: User, team_lead: User, verified_client: Clients
) -> None:
    case = case_make(officer)
    verified_client(officer).post(note_url(case), {"text": "第一条", "form_token": TOKEN})

    response = verified_client(team_lead).post(
        note_url(case), {"text": "第二条", "form_token": TOKEN}
    )

    assert response.status_code == 403
    assert CaseNote.objects.filter(case=case).count() == 1


def _intake_data(market: Market, token: str) -> dict[str, Any]:
    return {
        "market": market.pk,
        "name": "韦小宝",
        "id_number": "11010519491231002X",
        "mobile": "13800138000",
        "kind": "policy_consultation",
        "channel": "counter",
        "priority": "normal",
        "subject": "灵活就业社保补贴政策咨询",
        "description": "",
        "form_token": token,
    }


@pytest.mark.django_db
def test_an_intake_sent_twice_opens_one_case(
    officer: User, nanning_market: Market, verified_client: Clients
) -> None:
    client = verified_client(officer)
    form = client.get("/cases/new/").content.decode()
    data = _intake_data(nanning_market, TOKEN_FIELD.findall(form)[0])

    first = client.post("/cases/new/", data)
    second = client.post("/cases/new/", data)

    assert first.status_code == 302, first.content.decode()[:2000]
    assert second["Location"] == first["Location"]
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.opened").count() == 1


@pytest.mark.django_db
def test_an_attachment_uploaded_twice_with_one_token_is_stored_once(
    officer: User, verified_client: Clients, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    case = case_make(officer)
    client = verified_client(officer)
    url = f"/cases/{case.pk}/attachments/"

    for _ in range(2):
        response = client.post(
            url, {"file": SimpleUploadedFile("申请表.pdf", PDF), "form_token": TOKEN}
        )
        assert response.status_code == 302

    assert CaseAttachment.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="case.attachment_added").count() == 1
    assert len(list((tmp_path / "media" / "cases" / str(case.pk)).iterdir())) == 1


@pytest.mark.django_db
def test_old_tokens_are_forgotten_after_a_week(officer: User) -> None:
    FormSubmission.objects.create(token="a" * 32, user=officer, path="/x/")
    old = FormSubmission.objects.create(token="b" * 32, user=officer, path="/x/")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=old.created_at - timedelta(days=8))

    assert form_submission_prune() == 1
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["a" * 32]


SENDERS = 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent connections and a unique index that waits: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_note_at_the_same_instant_make_one_note(
    officer: User, verified_client: Clients
) -> None:
    case = case_make(officer)
    clients = [verified_client(officer) for _ in range(SENDERS)]
    start = threading.Barrier(SENDERS)
    responses: list[Any] = []
    errors: list[BaseException] = []

    def send(client: Client) -> None:
        try:
            start.wait(timeout=30)
            responses.append(client.post(note_url(case), {"text": "同时提交", "form_token": TOKEN}))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert CaseNote.objects.filter(case=case).count() == 1
    assert notes_added(case) == 1
    assert FormSubmission.objects.filter(token=TOKEN).count() == 1


# --- Files that no row references -----------------------------------------------------------------


@pytest.mark.django_db
def test_old_files_no_row_references_are_removed_and_logged(
    officer: User, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    case = case_make(officer)
    kept = case_attachment_add(
        actor=officer, case=case, upload=SimpleUploadedFile("申请表.pdf", PDF)
    )
    storage = CaseAttachment._meta.get_field("file").storage
    orphan = storage.save(f"cases/{case.pk}/orphan", ContentFile(PDF))
    young = storage.save(f"cases/{case.pk}/young", ContentFile(PDF))
    day_and_a_bit = time.time() - 25 * 3600
    for name in (kept.file.name, orphan):
        os.utime(storage.path(name), (day_and_a_bit, day_and_a_bit))

    with caplog.at_level(logging.INFO, logger="cases.attachments"):
        removed = attachment_orphans_remove()

    assert removed == [orphan]
    assert not storage.exists(orphan)
    assert storage.exists(kept.file.name)  # referenced by a row, however old
    assert storage.exists(young)  # within the grace period: perhaps an upload still going on
    assert orphan in caplog.text
    assert CaseAttachment.objects.filter(pk=kept.pk).exists()
    # Run again (the task): nothing more to do.
    assert attachment_orphans_remove_task() == 0


@pytest.mark.django_db
def test_the_grace_period_is_a_setting(officer: User, settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CASE_ATTACHMENT_ORPHAN_GRACE = timedelta(hours=48)
    case = case_make(officer)
    storage = CaseAttachment._meta.get_field("file").storage
    orphan = storage.save(f"cases/{case.pk}/orphan", ContentFile(PDF))
    day_and_a_bit = time.time() - 25 * 3600
    os.utime(storage.path(orphan), (day_and_a_bit, day_and_a_bit))

    assert attachment_orphans_remove() == []
    assert storage.exists(orphan)


def test_the_orphan_sweep_and_the_token_pruning_are_on_the_beat_schedule(
    settings: Settings,
) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cases.tasks.attachment_orphans_remove_task" in tasks
    assert "cases.tasks.form_submission_prune_task" in tasks


@pytest.mark.django_db
def test_a_posting_and_a_seeker_sent_twice_at_the_counter_are_made_once(
    officer: User, nanning: Any, verified_client: Clients
) -> None:
    qingxiu_make()
    client = verified_client(officer)
    answers = {}
    for url, data in (
        ("/counter/postings/new/", posting_form()),
        ("/counter/seekers/new/", seeker_form()),
    ):
        token = TOKEN_FIELD.findall(client.get(url).content.decode())[0]
        first = client.post(url, {**data, "form_token": token})
        second = client.post(url, {**data, "form_token": token})
        assert first.status_code == second.status_code == 302, url
        answers[url] = (first["Location"], second["Location"])

    assert all(first == second for first, second in answers.values())
    assert Posting.objects.count() == 1
    assert SeekerProfile.objects.count() == 1
    assert AuditEvent.objects.filter(action="posting.taken_in").count() == 1
    assert AuditEvent.objects.filter(action="seeker.registered").count() == 1


# --- A submit the database aborted to break a deadlock is run again ------------------------------


def _aborted(sqlstate_error: type[Exception]) -> OperationalError:
    """The error Django raises when PostgreSQL aborts a transaction (the driver's as cause)."""
    error = OperationalError("the database aborted the transaction")
    error.__cause__ = sqlstate_error("aborted")
    return error


@pytest.mark.django_db
def test_an_intake_aborted_by_a_deadlock_is_run_again_and_opens_one_case(
    officer: User,
    nanning_market: Market,
    verified_client: Clients,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What the first run wrote (the person, the case, its event, the token) went with its
    transaction; the second run writes it once."""
    real = case_views.case_intake
    runs: list[int] = []

    def deadlocked_once(**kwargs: Any) -> Case:
        case = real(**kwargs)  # written, then the commit is refused
        runs.append(case.pk)
        if len(runs) == 1:
            raise _aborted(psycopg.errors.DeadlockDetected)
        return case

    monkeypatch.setattr(case_views, "case_intake", deadlocked_once)
    client = verified_client(officer)
    token = TOKEN_FIELD.findall(client.get("/cases/new/").content.decode())[0]

    with caplog.at_level(logging.WARNING, logger="backoffice.common.once"):
        response = client.post("/cases/new/", _intake_data(nanning_market, token))

    assert response.status_code == 302
    assert len(runs) == 2
    (case,) = Case.objects.all()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert Applicant.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.opened").count() == 1
    assert FormSubmission.objects.get(token=token).result_url == response["Location"]
    assert "run again" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cause", "runs_expected"),
    [
        # A conflict that persists is given up after the retries.
        (psycopg.errors.SerializationFailure, CONFLICT_RETRIES + 1),
        # Any other database error is not run again.
        (psycopg.errors.AdminShutdown, 1),
    ],
)
def test_an_aborted_submit_that_cannot_succeed_answers_with_the_error(
    officer: User,
    nanning_market: Market,
    verified_client: Clients,
    monkeypatch: pytest.MonkeyPatch,
    cause: type[Exception],
    runs_expected: int,
) -> None:
    runs: list[int] = []

    def aborted(**kwargs: Any) -> Case:
        runs.append(1)
        raise _aborted(cause)

    monkeypatch.setattr(case_views, "case_intake", aborted)
    client = verified_client(officer)
    token = TOKEN_FIELD.findall(client.get("/cases/new/").content.decode())[0]

    with pytest.raises(OperationalError):
        client.post("/cases/new/", _intake_data(nanning_market, token))

    assert len(runs) == runs_expected
    assert not FormSubmission.objects.filter(token=token).exists()
