"""Personal data kept no longer than needed (issue 13, item 18): a person whose every case
ended more than LGSC_RETENTION_YEARS years ago is anonymised by a periodic task — history rows
included — leaving the cases' figures and the audit trail; and a team lead exports everything
held about a person on their request, as an audited action."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from conftest import ID_NUMBERS, applicant_make, case_make
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import chain_verify
from cases.attachments import case_attachment_add
from cases.models import Applicant, Case, CaseAttachment, CaseNote, State
from cases.retention import (
    ANONYMISED,
    ANONYMISED_TEXT,
    applicant_anonymise,
    applicant_list_due_for_anonymising,
    applicants_anonymise_due,
)
from cases.services import case_close, case_note_add, case_resolve

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
NAME = "韦小宝"
MOBILE = "13800138000"


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def closed_case(officer: User, applicant: Applicant, *, description: str = "") -> Case:
    case = case_make(officer, applicant=applicant, description=description)
    case_note_add(actor=officer, case=case, text=f"{NAME}来电，手机{MOBILE}")
    case = case_resolve(actor=officer, case=case, outcome="已答复")
    return case_close(actor=officer, case=case)


def ended(case: Case) -> datetime:
    assert case.closed_at is not None
    return case.closed_at


@pytest.fixture
def person(frozen_time: time_machine.Traveller, officer: User, media: Path) -> Applicant:
    return applicant_make(officer, name=NAME)


def test_a_person_past_the_retention_period_is_anonymised_with_history_and_trail(
    person: Applicant,
    officer: User,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = closed_case(officer, person, description=f"{NAME}咨询社保补贴")
    attachment = case_attachment_add(
        actor=officer, case=case, upload=SimpleUploadedFile(f"{NAME}身份证.pdf", PDF)
    )
    stored = Path(attachment.file.path)
    assert stored.exists()
    events_before = AuditEvent.objects.count()
    later = ended(case) + timedelta(days=3 * 366)

    assert list(applicant_list_due_for_anonymising(now=later)) == [person]
    with django_capture_on_commit_callbacks(execute=True):
        assert applicants_anonymise_due(now=later) == 1

    person.refresh_from_db()
    assert person.name == ANONYMISED
    assert (person.id_number, person.id_number_index, person.id_number_masked) == ("", "", "")
    assert (person.mobile, person.mobile_masked) == ("", "")
    assert person.birth_date is not None
    assert (person.birth_date.month, person.birth_date.day) == (1, 1)
    assert person.anonymised_at == later
    # History rows say no more than the current row.
    for row in person.history.all():
        assert (row.name, row.id_number_index, row.id_number_masked, row.mobile_masked) == (
            ANONYMISED,
            "",
            "",
            "",
        )
    case.refresh_from_db()
    assert case.description == ""
    assert case.contact_mobile == ""
    assert all(h.description == "" for h in case.history.all())
    note = CaseNote.objects.get(case=case)
    assert note.text == ANONYMISED_TEXT
    assert all(h.text == ANONYMISED_TEXT for h in note.history.all())
    assert not CaseAttachment.objects.filter(case=case).exists()
    assert not stored.exists()
    assert all(NAME not in h.original_name for h in CaseAttachment.history.all())
    # The figures stay: the case, its kind, state, dates and outcome.
    assert (case.kind, case.state, case.outcome) == ("policy_consultation", State.CLOSED, "已答复")
    assert case.closed_at is not None
    # The trail: nothing rewritten, one event more, no name in it, and the chains verify.
    assert AuditEvent.objects.count() == events_before + 1
    event = AuditEvent.objects.get(action="applicant.anonymised")
    assert event.new_values == {
        "retention_years": 3,
        "cases": 1,
        "notes": 1,
        "attachments": 1,
    }
    assert NAME not in event.target_label
    for chain in AuditEvent.objects.values_list("chain", flat=True).distinct():
        assert chain_verify(chain=chain).ok


def test_a_person_within_the_period_or_with_an_open_case_is_kept(
    person: Applicant, officer: User
) -> None:
    case = closed_case(officer, person)
    other = applicant_make(officer, name="李四", id_number=ID_NUMBERS[1])
    closed_case(officer, other)
    case_make(officer, applicant=other)  # still open
    two_years = ended(case) + timedelta(days=2 * 365)

    assert applicants_anonymise_due(now=two_years) == 0
    assert applicants_anonymise_due(now=ended(case) + timedelta(days=4 * 365)) == 1

    person.refresh_from_db()
    other.refresh_from_db()
    assert person.name == ANONYMISED
    assert other.name == "李四"
    assert other.mobile == MOBILE
    assert not AuditEvent.objects.filter(
        action="applicant.anonymised", target_id=str(other.pk)
    ).exists()


def test_the_retention_period_is_a_setting(
    person: Applicant, officer: User, settings: Settings
) -> None:
    case = closed_case(officer, person)
    settings.LGSC_RETENTION_YEARS = 1
    later = ended(case) + timedelta(days=370)

    assert applicants_anonymise_due(now=later) == 1
    event = AuditEvent.objects.get(action="applicant.anonymised")
    assert event.new_values["retention_years"] == 1


def test_anonymising_twice_changes_nothing_more(person: Applicant, officer: User) -> None:
    case = closed_case(officer, person)
    later = ended(case) + timedelta(days=4 * 365)
    applicant_anonymise(applicant=person, now=later)

    applicant_anonymise(applicant=person, now=later + timedelta(days=1))

    assert AuditEvent.objects.filter(action="applicant.anonymised").count() == 1
    assert applicants_anonymise_due(now=later + timedelta(days=2)) == 0


def test_the_retention_task_is_on_the_beat_schedule(settings: Settings) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cases.tasks.applicants_anonymise_due_task" in tasks


# --- Subject access -------------------------------------------------------------------------------


def test_a_team_lead_exports_everything_held_about_the_applicant_and_it_is_audited(
    person: Applicant,
    officer: User,
    team_lead: User,
    media: Path,
    verified_client: Callable[[User], Client],
) -> None:
    case = closed_case(officer, person)
    case_attachment_add(actor=officer, case=case, upload=SimpleUploadedFile("申请表.pdf", PDF))
    client = verified_client(team_lead)
    assert "applicant-export" in client.get(f"/cases/{case.pk}/").content.decode()

    response = client.post(f"/cases/{case.pk}/applicant-export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"].startswith("max-age=0")
    data = json.loads(response.content)
    assert data["applicant"]["name"] == NAME
    assert data["applicant"]["id_number"] == ID_NUMBERS[0]
    assert data["applicant"]["mobile"] == MOBILE
    [exported] = data["cases"]
    assert exported["reference"] == case.reference
    assert [n["text"] for n in exported["notes"]] == [f"{NAME}来电，手机{MOBILE}"]
    assert [a["original_name"] for a in exported["attachments"]] == ["申请表.pdf"]
    assert {"complaints", "referrals", "seeker_profile"} <= set(data)
    event = AuditEvent.objects.get(action="applicant.data_exported")
    assert (event.actor, event.market, event.target_id) == (team_lead, case.market, str(person.pk))
    assert event.new_values["case"] == case.reference
    assert NAME not in event.target_label


def test_an_officer_may_not_export_an_applicants_data(
    person: Applicant, officer: User, verified_client: Callable[[User], Client]
) -> None:
    case = closed_case(officer, person)

    response = verified_client(officer).post(f"/cases/{case.pk}/applicant-export/")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="applicant.data_exported").exists()
    assert (
        "applicant-export"
        not in verified_client(officer).get(f"/cases/{case.pk}/").content.decode()
    )
