"""Applicants: one person per ID number and one organisation per credit code, whatever the
typing; the numbers stored encrypted and shown masked; revealing the whole number only to the
case's owner or team lead, and always recorded."""

from __future__ import annotations

import json
from datetime import date

import pytest
from case_support import audit_mark, fresh, market_make, staff_make, trail
from conftest import ID_NUMBERS, case_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts.models import User
from audit.models import AuditEvent
from cases.crypto import personal_data_decrypt
from cases.identity import resident_id_check_character
from cases.models import Applicant
from cases.services import (
    CaseActionError,
    applicant_id_number_reveal,
    applicant_organisation_register,
    applicant_person_register,
)
from markets.models import Market, Region, Role

pytestmark = pytest.mark.django_db

ID_NUMBER = ID_NUMBERS[0]  # 450102199003071238: born 1990-03-07, a man
FULL_WIDTH = "４５０１０２ １９９００３０７ １２３８"
CREDIT_CODE = "91450100198211300W"


def raw_columns(applicant: Applicant) -> tuple[str, str, str]:
    """id_number, mobile and id_number_index as the database holds them."""
    table = connection.ops.quote_name(Applicant._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, mobile, id_number_index FROM {table} WHERE id = %s",  # noqa: S608
            [applicant.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def test_registering_an_id_number_twice_gives_the_same_applicant_unchanged(
    officer: User,
) -> None:
    first = applicant_person_register(
        actor=officer, name="韦小宝", id_number=ID_NUMBER, mobile="138 0013 8000"
    )
    again = applicant_person_register(
        actor=officer, name=" 韦晓宝 ", id_number=FULL_WIDTH, mobile=""
    )
    spaced = applicant_person_register(
        actor=officer, name="韦晓宝", id_number="450102 19900307 1238"
    )

    assert again.pk == first.pk == spaced.pk
    assert Applicant.objects.count() == 1
    stored = Applicant.objects.get()
    assert stored.kind == Applicant.Kind.PERSON
    # Intake never renames a known person (issue 13, item 2): the name stays as registered.
    assert stored.name == "韦小宝"
    assert stored.id_number == ID_NUMBER
    assert stored.id_number_masked == "450102********1238"
    assert (stored.gender, stored.birth_date) == ("male", date(1990, 3, 7))
    # An empty mobile on re-registration keeps the one on record.
    assert (stored.mobile, stored.mobile_masked) == ("13800138000", "138****8000")
    assert stored.history.count() == 1
    assert stored.history.first().history_user == officer


def test_the_database_holds_ciphertext_not_the_numbers(officer: User) -> None:
    applicant = applicant_person_register(
        actor=officer, name="韦小宝", id_number=ID_NUMBER, mobile="13800138000"
    )

    id_number, mobile, index = raw_columns(applicant)

    for column, plain in ((id_number, ID_NUMBER), (mobile, "13800138000")):
        assert column.startswith("pd1:")
        assert plain not in column
        assert personal_data_decrypt(column) == plain
    assert ID_NUMBER not in index
    assert len(index) == 64
    # Nor does the history keep them.
    history = applicant.history.values()
    assert ID_NUMBER not in json.dumps(list(history), default=str)


@pytest.mark.parametrize(
    ("id_number", "why"),
    [
        (ID_NUMBER[:17], "17 characters"),
        (ID_NUMBER + "1", "19 characters"),
        (ID_NUMBER[:17] + "9", "wrong check character"),
        ("45010220990101123" + resident_id_check_character("45010220990101123"), "born 2099"),
        ("45010219900230123" + resident_id_check_character("45010219900230123"), "30 February"),
        ("4501021990030712A", "a letter"),
    ],
)
def test_a_malformed_id_number_is_refused(officer: User, id_number: str, why: str) -> None:
    with pytest.raises(ValidationError) as refused:
        applicant_person_register(actor=officer, name="韦小宝", id_number=id_number)

    assert set(refused.value.message_dict) == {"id_number"}, why
    assert not Applicant.objects.exists()


@pytest.mark.parametrize("mobile", ["1380013800", "12800138000", "138001380001", "电话"])
def test_a_malformed_mobile_is_refused(officer: User, mobile: str) -> None:
    with pytest.raises(ValidationError) as refused:
        applicant_person_register(actor=officer, name="韦小宝", id_number=ID_NUMBER, mobile=mobile)

    assert set(refused.value.message_dict) == {"mobile"}
    assert not Applicant.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "韦" * 101])
def test_an_empty_or_too_long_name_is_refused(officer: User, name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        applicant_person_register(actor=officer, name=name, id_number=ID_NUMBER)
    assert set(refused.value.message_dict) == {"name"}
    with pytest.raises(ValidationError) as refused:
        applicant_organisation_register(actor=officer, name=name, credit_code=CREDIT_CODE)
    assert set(refused.value.message_dict) == {"name"}

    assert not Applicant.objects.exists()


def test_a_name_of_exactly_100_characters_is_accepted(officer: User) -> None:
    applicant = applicant_person_register(actor=officer, name="韦" * 100, id_number=ID_NUMBER)
    assert len(applicant.name) == 100


def test_registering_a_credit_code_twice_gives_the_same_organisation_unchanged(
    officer: User,
) -> None:
    first = applicant_organisation_register(
        actor=officer, name="南宁某劳务公司", credit_code=CREDIT_CODE, mobile="13800138000"
    )
    again = applicant_organisation_register(
        actor=officer, name="南宁某人力资源公司", credit_code=" 914501001982 11300w "
    )

    assert again.pk == first.pk
    stored = Applicant.objects.get()
    assert (stored.kind, stored.name, stored.credit_code) == (
        Applicant.Kind.ORGANISATION,
        "南宁某劳务公司",  # not renamed by intake (issue 13, item 2)
        CREDIT_CODE,
    )
    assert (stored.id_number, stored.id_number_masked) == ("", "")
    assert stored.mobile == "13800138000"


@pytest.mark.parametrize(
    ("credit_code", "mobile", "field"),
    [
        ("91450100198211300X", "", "credit_code"),  # wrong check character
        ("91450100198211300", "", "credit_code"),  # 17 characters
        ("", "", "credit_code"),
        (CREDIT_CODE, "1380013800", "mobile"),
    ],
)
def test_a_malformed_organisation_is_refused(
    officer: User, credit_code: str, mobile: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        applicant_organisation_register(
            actor=officer, name="南宁某劳务公司", credit_code=credit_code, mobile=mobile
        )

    assert set(refused.value.message_dict) == {field}
    assert not Applicant.objects.exists()


# --- Revealing the whole ID number ---------------------------------------------------------------


def test_the_owner_reveals_the_id_number_and_the_reveal_is_recorded(
    officer: User, team_lead: User, nanning_market: Market
) -> None:
    case = case_make(officer)
    mark = audit_mark()

    assert applicant_id_number_reveal(actor=officer, case=case) == ID_NUMBER
    assert applicant_id_number_reveal(actor=team_lead, case=case) == ID_NUMBER

    rows = trail(mark)
    target = f"cases.applicant:{case.applicant_id}"
    assert [(r.action, r.actor, r.market, r.target, r.keys) for r in rows] == [
        ("personal_data.revealed", user.pk, nanning_market.pk, target, ("field", "reference"))
        for user in (officer, team_lead)
    ]
    for event in AuditEvent.objects.filter(pk__gt=mark):
        assert event.new_values == {"reference": case.reference, "field": "id_number"}
        assert ID_NUMBER not in json.dumps([event.new_values, event.target_label])


def test_an_inspector_or_another_markets_officer_cannot_reveal_the_id_number(
    officer: User, inspector: User, guangxi: Region
) -> None:
    stranger = staff_make("liuzhou_officer", Role.OFFICER, market_make("450200", "柳州市"))
    case = case_make(officer)
    mark = audit_mark()

    for actor in (inspector, stranger):
        with pytest.raises(PermissionDenied):
            applicant_id_number_reveal(actor=fresh(actor), case=case)

    assert trail(mark) == []


def test_an_organisation_has_no_id_number_to_reveal(officer: User) -> None:
    organisation = applicant_organisation_register(
        actor=officer, name="南宁某劳务公司", credit_code=CREDIT_CODE
    )
    case = case_make(officer, applicant=organisation)
    mark = audit_mark()

    with pytest.raises(CaseActionError):
        applicant_id_number_reveal(actor=officer, case=case)

    assert trail(mark) == []
