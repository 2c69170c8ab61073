"""Issue 13, item 2: intake finds a known applicant and uses it unchanged.

A new name for a known ID number is a conflict, never written; a new mobile is the new case's
contact mobile, while every earlier case keeps the one it was opened with (the kiosk lookup and
the SMS use it). Changing a name or a mobile on the record is its own audited action (who,
old → new, why), for staff of a market that serves the person only."""

from __future__ import annotations

import importlib

import pytest
from case_support import audit_mark, checklist_make, fresh, market_make, staff_make, trail
from conftest import ID_NUMBERS, case_make
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from audit.models import AuditEvent
from cases.intake import NAME_CONFLICT, case_intake
from cases.models import Applicant, Case
from cases.services import (
    applicant_change_mobile,
    applicant_change_name,
    applicant_organisation_find_or_register,
    applicant_person_find_or_register,
    applicant_person_register,
    case_request_materials,
)
from markets.models import Market, Region, Role
from notifications.models import OutboxMessage
from portal.selectors import case_status_lookup

pytestmark = pytest.mark.django_db

ID_NUMBER = ID_NUMBERS[0]
FIRST_MOBILE = "13800138000"
NEW_MOBILE = "13977110022"
CREDIT_CODE = "91450100198211300W"


@pytest.fixture
def liuzhou_officer(guangxi: Region) -> User:
    return staff_make("liuzhou_officer", Role.OFFICER, market_make("450200", "柳州市"))


def intake(officer: User, market: Market, **changes: object) -> Case:
    values: dict[str, object] = {
        "actor": officer,
        "market": market,
        "name": "韦小宝",
        "id_number": ID_NUMBER,
        "mobile": FIRST_MOBILE,
        "kind": "policy_consultation",
        "channel": "counter",
        "subject": "灵活就业社保补贴政策咨询",
    }
    values.update(changes)
    return case_intake(**values)  # type: ignore[arg-type]


# --- Intake never writes over a known applicant ------------------------------------------------


def test_a_new_name_for_a_known_id_number_is_a_conflict_and_nothing_is_written(
    officer: User, nanning_market: Market
) -> None:
    first = intake(officer, nanning_market)
    mark = audit_mark()

    with pytest.raises(ValidationError) as refused:
        intake(officer, nanning_market, name="韦晓宝", mobile=NEW_MOBILE)

    [error] = refused.value.error_dict["name"]
    assert error.code == NAME_CONFLICT
    assert "韦小宝" in error.messages[0]
    applicant = Applicant.objects.get()
    assert (applicant.name, applicant.mobile) == ("韦小宝", FIRST_MOBILE)
    assert applicant.history.count() == 1
    assert list(Case.objects.values_list("pk", flat=True)) == [first.pk]
    assert trail(mark) == []


def test_with_the_name_on_record_the_case_opens_and_keeps_the_mobile_given(
    officer: User, nanning_market: Market
) -> None:
    first = intake(officer, nanning_market)

    second = intake(
        officer, nanning_market, name="韦晓宝", mobile=NEW_MOBILE, use_registered_name=True
    )

    applicant = Applicant.objects.get()
    # The record is as it was: name, mobile and history.
    assert (applicant.name, applicant.mobile) == ("韦小宝", FIRST_MOBILE)
    assert applicant.history.count() == 1
    assert second.applicant_id == first.applicant_id
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.contact_mobile, second.contact_mobile) == (FIRST_MOBILE, NEW_MOBILE)
    # Each case answers the kiosk with the mobile it was opened with.
    assert case_status_lookup(reference=first.reference, mobile_last_four="8000") is not None
    assert case_status_lookup(reference=second.reference, mobile_last_four="0022") is not None
    assert case_status_lookup(reference=first.reference, mobile_last_four="0022") is None


def test_a_known_organisation_is_not_renamed_by_intake(officer: User) -> None:
    applicant_organisation_find_or_register(
        actor=officer, name="南宁某劳务公司", credit_code=CREDIT_CODE
    )

    found = applicant_organisation_find_or_register(
        actor=officer, name="南宁某人力资源公司", credit_code=CREDIT_CODE
    )

    assert found.name_conflict
    assert not found.created
    assert Applicant.objects.get().name == "南宁某劳务公司"


def test_a_name_typed_with_spaces_or_full_width_is_no_conflict(officer: User) -> None:
    applicant_person_register(actor=officer, name="韦小宝", id_number=ID_NUMBER)

    found = applicant_person_find_or_register(actor=officer, name="韦 小宝", id_number=ID_NUMBER)

    assert not found.name_conflict


def test_a_missing_mobile_is_filled_in_and_audited_but_never_replaced(officer: User) -> None:
    applicant_person_register(actor=officer, name="韦小宝", id_number=ID_NUMBER)
    mark = audit_mark()

    filled = applicant_person_find_or_register(
        actor=officer, name="韦小宝", id_number=ID_NUMBER, mobile=FIRST_MOBILE
    )
    kept = applicant_person_find_or_register(
        actor=officer, name="韦小宝", id_number=ID_NUMBER, mobile=NEW_MOBILE
    )

    assert filled.mobile_added and not kept.mobile_added
    assert kept.mobile_differs
    assert Applicant.objects.get().mobile == FIRST_MOBILE
    [event] = AuditEvent.objects.filter(pk__gt=mark)
    assert event.action == "applicant.mobile_changed"
    assert (event.old_values, event.new_values["mobile"]) == ({"mobile": ""}, "138****8000")


# --- The explicit, audited changes ---------------------------------------------------------------


def test_changing_the_name_is_audited_with_who_old_new_and_why(
    officer: User, nanning_market: Market
) -> None:
    case = case_make(officer)
    mark = audit_mark()

    applicant_change_name(
        actor=officer, applicant=case.applicant, name="韦晓宝", reason="身份证更名，见新证件"
    )

    case.refresh_from_db()
    assert case.applicant.name == "韦晓宝"
    assert [(r.action, r.actor, r.market) for r in trail(mark)] == [
        ("applicant.renamed", officer.pk, nanning_market.pk)
    ]
    event = AuditEvent.objects.get(pk__gt=mark)
    assert event.target_id == str(case.applicant_id)
    assert event.old_values == {"name": "韦小宝"}
    assert event.new_values == {
        "name": "韦晓宝",
        "kind": "person",
        "reason": "身份证更名，见新证件",
    }
    latest = case.applicant.history.first()
    assert (latest.history_user, latest.history_change_reason) == (officer, "身份证更名，见新证件")


def test_changing_the_mobile_leaves_earlier_cases_reachable_at_theirs(
    officer: User, nanning_market: Market
) -> None:
    case = case_make(officer)
    mark = audit_mark()

    applicant_change_mobile(
        actor=fresh(officer), applicant=case.applicant, mobile=NEW_MOBILE, reason="换了新号码"
    )

    applicant = Applicant.objects.get()
    assert (applicant.mobile, applicant.mobile_masked) == (NEW_MOBILE, "139****0022")
    event = AuditEvent.objects.get(pk__gt=mark)
    assert event.action == "applicant.mobile_changed"
    assert event.old_values == {"mobile": "138****8000"}
    assert event.new_values == {"mobile": "139****0022", "reason": "换了新号码"}
    assert NEW_MOBILE not in str(event.new_values)
    # The earlier case still answers to the mobile it was opened with, and texts it.
    case.refresh_from_db()
    assert case.contact_mobile == FIRST_MOBILE
    assert case_status_lookup(reference=case.reference, mobile_last_four="8000") is not None
    case_new = case_make(officer, applicant=applicant)
    assert case_new.contact_mobile == NEW_MOBILE


def test_the_single_notice_is_texted_to_the_cases_contact_mobile(
    officer: User, nanning_market: Market, django_capture_on_commit_callbacks: object
) -> None:
    case = case_make(officer)
    applicant_change_mobile(
        actor=officer, applicant=case.applicant, mobile=NEW_MOBILE, reason="换了新号码"
    )

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        case_request_materials(actor=officer, case=case, items=checklist_make())

    notice_sms = OutboxMessage.objects.filter(idempotency_key__startswith="single-notice:")
    assert list(notice_sms.values_list("channel", "to")) == [("sms", FIRST_MOBILE)]


def test_an_officer_of_another_market_cannot_change_a_person_that_market_serves(
    officer: User, liuzhou_officer: User
) -> None:
    case = case_make(officer)
    mark = audit_mark()

    with pytest.raises(PermissionDenied):
        applicant_change_name(
            actor=liuzhou_officer, applicant=case.applicant, name="王五", reason="冒名"
        )
    with pytest.raises(PermissionDenied):
        applicant_change_mobile(
            actor=liuzhou_officer, applicant=case.applicant, mobile=NEW_MOBILE, reason="冒名"
        )

    applicant = Applicant.objects.get()
    assert (applicant.name, applicant.mobile) == ("韦小宝", FIRST_MOBILE)
    assert trail(mark) == []


def test_an_officer_of_another_market_cannot_rename_through_intake(
    officer: User, liuzhou_officer: User
) -> None:
    case_make(officer)
    liuzhou = Market.objects.get(region__code="450200")

    with pytest.raises(ValidationError):
        intake(fresh(liuzhou_officer), liuzhou, name="王五", mobile=NEW_MOBILE)
    intake(
        fresh(liuzhou_officer), liuzhou, name="王五", mobile=NEW_MOBILE, use_registered_name=True
    )

    applicant = Applicant.objects.get()
    assert (applicant.name, applicant.mobile) == ("韦小宝", FIRST_MOBILE)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": ""}, "name"), ({"reason": " "}, "reason"), ({"name": "韦" * 101}, "name")],
)
def test_a_change_needs_a_value_and_a_reason(
    officer: User, change: dict[str, str], field: str
) -> None:
    case = case_make(officer)
    mark = audit_mark()
    values = {"name": "韦晓宝", "reason": "更名"} | change

    with pytest.raises(ValidationError) as refused:
        applicant_change_name(actor=officer, applicant=case.applicant, **values)

    assert set(refused.value.message_dict) == {field}
    assert Applicant.objects.get().name == "韦小宝"
    assert trail(mark) == []


def test_the_same_value_again_changes_and_records_nothing(officer: User) -> None:
    case = case_make(officer)
    mark = audit_mark()

    applicant_change_name(actor=officer, applicant=case.applicant, name="韦小宝", reason="核对")
    applicant_change_mobile(
        actor=officer, applicant=case.applicant, mobile=FIRST_MOBILE, reason="核对"
    )

    assert Applicant.objects.get().history.count() == 1
    assert trail(mark) == []


def test_the_migration_gives_existing_cases_their_applicants_mobile(officer: User) -> None:
    case = case_make(officer)
    Case.objects.filter(pk=case.pk).update(contact_mobile="")
    migration = importlib.import_module("cases.migrations.0005_case_contact_mobile_from_applicant")

    migration.copy_applicant_mobile(apps, None)

    case.refresh_from_db()
    assert case.contact_mobile == FIRST_MOBILE


def test_finding_a_known_person_or_organisation_reads_the_index_not_every_applicant(
    officer: User,
) -> None:
    """The unique indexes on the ID number's lookup hash and the credit code are partial; the
    look-ups repeat their condition, or SQLite scans the whole applicants table per intake."""
    applicant_person_find_or_register(actor=officer, name="韦小宝", id_number=ID_NUMBERS[0])
    applicant_organisation_find_or_register(
        actor=officer, name="南宁市邕江餐饮有限公司", credit_code="91450100MA5K3D8Q0N"
    )
    with CaptureQueriesContext(connection) as captured:
        applicant_person_find_or_register(actor=officer, name="韦小宝", id_number=ID_NUMBERS[0])
        applicant_organisation_find_or_register(
            actor=officer, name="南宁市邕江餐饮有限公司", credit_code="91450100MA5K3D8Q0N"
        )

    reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and 'FROM "cases_applicant"' in query["sql"]
    ]
    assert len(reads) >= 2
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a handful of rows: ask whether it *can*
            cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in reads:
            cursor.execute(explain + sql.replace(" FOR UPDATE", ""))
            plan = " ".join(str(part) for row in cursor.fetchall() for part in row)
            assert (
                "SCAN cases_applicant" not in plan and "Seq Scan on cases_applicant" not in plan
            ), plan
