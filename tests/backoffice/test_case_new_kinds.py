"""Issue 9, item 6: the generic New case form (/cases/new/) opens only the kinds with no record
of their own. A complaint, a posting review, a seeker registration, start-up help … go through
their own page, which opens the case with its record; asked for here, they are refused with a
message naming that page. The cases opened here before that are listed (read-only) by
``report_orphan_cases``."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from conftest import ID_NUMBERS, case_make
from counter_support import posting_make, qingxiu_make, seeker_make
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from backoffice.cases.own_intake import OWN_INTAKE
from cases.kinds import KINDS
from cases.models import Case
from markets.models import Market, Region


def _intake(kind: str) -> dict[str, str]:
    return {
        "name": "韦小宝",
        "id_number": ID_NUMBERS[1],
        "mobile": "13800138000",
        "kind": kind,
        "channel": "counter",
        "station": "",
        "priority": "normal",
        "subject": "投诉：拖欠工资",
        "description": "",
    }


def test_every_kind_with_its_own_intake_is_a_registered_kind() -> None:
    assert set(OWN_INTAKE) <= set(KINDS)
    # The generic form keeps at least the engine's own kind.
    assert "policy_consultation" in KINDS
    assert "policy_consultation" not in OWN_INTAKE


def test_the_form_offers_only_the_kinds_without_a_record_of_their_own(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(officer).get("/cases/new/")

    offered = {code for code, _label in response.context["form"].fields["kind"].choices if code}
    assert offered == set(KINDS) - set(OWN_INTAKE)
    assert "policy_consultation" in offered


@pytest.mark.parametrize(
    ("kind", "page"),
    [
        ("complaint", "/complaints/new/"),
        ("posting_review", "/counter/postings/new/"),
        ("seeker_registration", "/counter/seekers/new/"),
        ("startup_help", "/startup/new/"),
        ("career_guidance", "/counter/seekers/new/"),
        ("training_referral", "/counter/seekers/new/"),
        ("welfare_application", "/counter/seekers/new/"),
    ],
)
def test_a_kind_with_its_own_record_is_refused_with_its_page(
    officer: User, verified_client: Callable[[User], Client], kind: str, page: str
) -> None:
    client = verified_client(officer)
    events = AuditEvent.objects.count()

    response = client.post("/cases/new/", _intake(kind))

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["kind"]
    assert [error.code for error in errors] == ["own_intake"]
    assert page in str(errors[0].message)
    assert page in response.content.decode()
    assert not Case.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_kind_without_a_record_is_still_opened(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(officer).post("/cases/new/", _intake("policy_consultation"))

    case = Case.objects.get()
    assert response.status_code == 302
    assert case.kind == "policy_consultation"
    assert AuditEvent.objects.filter(action="case.opened", target_id=str(case.pk)).exists()


def test_the_report_lists_the_orphan_cases_only_and_changes_nothing(
    officer: User, nanning_market: Market, nanning: Region
) -> None:
    qingxiu_make()
    orphan_complaint = case_make(officer, kind="complaint", subject="投诉")
    applicant = orphan_complaint.applicant
    orphan_registration = case_make(
        officer, kind="seeker_registration", subject="求职登记", applicant=applicant
    )
    case_make(
        officer, applicant=applicant
    )  # a policy consultation: no record of its own, never an orphan
    seeker_make(officer, nanning_market, id_number=ID_NUMBERS[2])  # case and profile
    posting_make(officer, nanning_market)  # case and posting
    cases, events = Case.objects.count(), AuditEvent.objects.count()

    out = StringIO()
    call_command("report_orphan_cases", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines[:-1]] == [
        orphan_complaint.reference,
        orphan_registration.reference,
    ]
    assert lines[-1] == "2 orphan case(s)."
    assert (Case.objects.count(), AuditEvent.objects.count()) == (cases, events)
    with pytest.raises(CommandError):
        call_command("report_orphan_cases", "--fail-if-any", stdout=StringIO())


def test_the_report_is_quiet_without_orphans(officer: User) -> None:
    case_make(officer)
    out = StringIO()

    call_command("report_orphan_cases", "--fail-if-any", stdout=out)

    assert out.getvalue().splitlines() == ["0 orphan case(s)."]
