"""Issue 10, item 1: a mobile has a keyed lookup hash beside its ciphertext, on the applicant
(``mobile_index``) and on the case (``contact_mobile_index``), kept by every service that
writes the number, and filled in for the rows that were there before (data migration)."""

from __future__ import annotations

import importlib

import pytest
from conftest import ID_NUMBERS, case_make
from django.apps import apps
from django.db import connection

from accounts.models import User
from cases.crypto import mobile_index, personal_data_index
from cases.models import Applicant, Case
from cases.retention import applicant_anonymise
from cases.services import (
    applicant_change_mobile,
    applicant_person_register,
    case_close,
    case_resolve,
)

pytestmark = pytest.mark.django_db

MOBILE = "13800138000"
OTHER = "13977110022"
MIGRATION = "cases.migrations.0010_mobile_lookup_index_fill"


def test_the_lookup_hash_is_the_keyed_hash_of_the_normalised_number() -> None:
    assert mobile_index(MOBILE) == personal_data_index(MOBILE)
    assert mobile_index("") == ""
    assert MOBILE not in mobile_index(MOBILE)


def test_registration_case_opening_and_a_change_of_mobile_keep_the_hashes(officer: User) -> None:
    person = applicant_person_register(
        actor=officer, name="韦小宝", id_number=ID_NUMBERS[0], mobile=MOBILE
    )
    assert Applicant.objects.get(pk=person.pk).mobile_index == mobile_index(MOBILE)
    on_record = case_make(officer, applicant=person)
    given = case_make(officer, applicant=person, contact_mobile=OTHER)
    assert Case.objects.get(pk=on_record.pk).contact_mobile_index == mobile_index(MOBILE)
    assert Case.objects.get(pk=given.pk).contact_mobile_index == mobile_index(OTHER)

    applicant_change_mobile(actor=officer, applicant=person, mobile=OTHER, reason="换号")
    assert Applicant.objects.get(pk=person.pk).mobile_index == mobile_index(OTHER)
    # An earlier case keeps the mobile it was opened with, and its hash.
    assert Case.objects.get(pk=on_record.pk).contact_mobile_index == mobile_index(MOBILE)


def test_a_mobile_filled_in_at_intake_gets_its_hash(officer: User) -> None:
    person = applicant_person_register(actor=officer, name="韦小宝", id_number=ID_NUMBERS[0])
    assert person.mobile_index == ""
    applicant_person_register(actor=officer, name="韦小宝", id_number=ID_NUMBERS[0], mobile=MOBILE)
    assert Applicant.objects.get(pk=person.pk).mobile_index == mobile_index(MOBILE)


def test_anonymising_a_person_clears_the_hashes(officer: User) -> None:
    person = applicant_person_register(
        actor=officer, name="韦小宝", id_number=ID_NUMBERS[0], mobile=MOBILE
    )
    case = case_make(officer, applicant=person)
    case_close(actor=officer, case=case_resolve(actor=officer, case=case, outcome="已答复"))
    applicant_anonymise(applicant=person)
    assert Applicant.objects.get(pk=person.pk).mobile_index == ""
    assert Case.objects.get(pk=case.pk).contact_mobile_index == ""


def test_the_hashes_are_kept_out_of_the_history_tables() -> None:
    applicant_history = {f.name for f in Applicant.history.model._meta.get_fields()}
    case_history = {f.name for f in Case.history.model._meta.get_fields()}
    assert "mobile_index" not in applicant_history
    assert "contact_mobile_index" not in case_history


def test_the_migration_fills_the_hashes_of_existing_rows_and_can_be_reversed(
    officer: User,
) -> None:
    person = applicant_person_register(
        actor=officer, name="韦小宝", id_number=ID_NUMBERS[0], mobile=MOBILE
    )
    nobody = applicant_person_register(actor=officer, name="无手机", id_number=ID_NUMBERS[1])
    case = case_make(officer, applicant=person, contact_mobile=OTHER)
    with connection.cursor() as cursor:  # as before the migration
        cursor.execute("UPDATE cases_applicant SET mobile_index = ''")
        cursor.execute("UPDATE cases_case SET contact_mobile_index = ''")
    migration = importlib.import_module(MIGRATION)

    migration.fill(apps, None)

    assert Applicant.objects.get(pk=person.pk).mobile_index == mobile_index(MOBILE)
    assert Applicant.objects.get(pk=nobody.pk).mobile_index == ""
    assert Case.objects.get(pk=case.pk).contact_mobile_index == mobile_index(OTHER)
    migration.clear(apps, None)
    assert not Applicant.objects.exclude(mobile_index="").exists()
    assert not Case.objects.exclude(contact_mobile_index="").exists()
