"""Names typed at the counter: what is kept is what can be seen. A name of nothing but control
characters, right-to-left overrides or zero-width spaces is refused, with nothing written."""

from __future__ import annotations

import pytest
from conftest import ID_NUMBERS
from django.core.exceptions import ValidationError

from accounts.models import User
from audit.models import AuditEvent
from cases.identity import name_clean, text_visible
from cases.models import Applicant
from cases.services import applicant_organisation_register, applicant_person_register

INVISIBLE_ONLY = [
    "\u202e",  # right-to-left override
    "\u200b\u200b",  # zero-width spaces
    "\u200d",  # zero-width joiner
    "\x00\x07\x1b",  # controls
    " \u200b \ufeff \u2060 ",  # spaces around a zero-width space, a BOM and a word joiner
    "\u202e\u200b\t\n",
]


@pytest.mark.parametrize("name", INVISIBLE_ONLY)
def test_a_name_of_invisible_characters_only_cleans_to_nothing(name: str) -> None:
    assert name_clean(name) == ""


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("韦\u200b小宝", "韦小宝"),
        ("\u202e宝小韦", "宝小韦"),
        ("  阿依古丽·买买提 ", "阿依古丽·买买提"),
        ("ＬＩ　Ｍｉｎｇ", "LI Ming"),  # full-width letters and an ideographic space
        ("李\n明", "李明"),  # a line break is a control character
    ],
)
def test_a_name_keeps_what_can_be_seen(typed: str, kept: str) -> None:
    assert name_clean(typed) == kept


def test_multi_line_text_keeps_its_line_breaks_but_loses_invisible_characters() -> None:
    assert text_visible("第一行\r\n\u202e第二行\x00", multiline=True) == "第一行\n第二行"


@pytest.mark.django_db
@pytest.mark.parametrize("name", INVISIBLE_ONLY)
def test_registering_a_person_with_an_invisible_name_is_refused(officer: User, name: str) -> None:
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        applicant_person_register(actor=officer, name=name, id_number=ID_NUMBERS[0])

    assert "name" in excinfo.value.message_dict
    assert Applicant.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_registering_an_organisation_with_an_invisible_name_is_refused(officer: User) -> None:
    with pytest.raises(ValidationError) as excinfo:
        applicant_organisation_register(
            actor=officer, name="\u200b\u202e", credit_code="91450100198211300W"
        )

    assert "name" in excinfo.value.message_dict
    assert Applicant.objects.count() == 0


@pytest.mark.django_db
def test_a_name_with_a_zero_width_space_is_kept_without_it(officer: User) -> None:
    applicant = applicant_person_register(
        actor=officer, name="韦\u200b小\u202e宝", id_number=ID_NUMBERS[0]
    )

    applicant.refresh_from_db()
    assert applicant.name == "韦小宝"
    assert applicant.history.latest().name == "韦小宝"
