"""The online sign-in pages: a code by text message, then the applicant's home; an unknown
number is sent to registration; a wrong code, a replay and the lock-out are refused on the
page; sign-out ends the applicant's session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ID_NUMBERS, applicant_make, case_make
from counter_support import CREDIT_CODE
from django.test import Client
from online_support import last_code_sent_to

from accounts.models import User
from audit.models import AuditEvent
from cases.applicant_session import SESSION_KEY
from cases.services import applicant_organisation_register, applicant_person_register

pytestmark = pytest.mark.django_db

MOBILE = "13800138000"  # conftest.applicant_make's mobile
SIGN_IN = "/portal/online/"
CODE = "/portal/online/code/"


def _sign_in(client: Client, mobile: str = MOBILE) -> str:
    response = client.post(SIGN_IN, {"mobile": mobile})
    assert response.status_code == 302
    assert response["Location"] == CODE
    return last_code_sent_to(mobile)


def test_an_applicant_on_record_signs_in_with_the_code_and_sees_their_cases(
    officer: User,
) -> None:
    case = case_make(officer)
    client = Client()
    code = _sign_in(client)

    response = client.post(CODE, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == "/portal/online/home/"
    assert client.session[SESSION_KEY] == case.applicant_id
    home = client.get("/portal/online/home/")
    assert home.status_code == 200
    assert case.reference in home.content.decode()
    event = AuditEvent.objects.get(action="online.signed_in")
    assert event.new_values == {"mobile": "138****8000", "applicant_id": case.applicant_id}


def test_an_unknown_number_is_verified_and_sent_to_registration() -> None:
    client = Client()
    code = _sign_in(client, "13911112222")

    response = client.post(CODE, {"code": code})

    assert response["Location"] == "/portal/online/register/"
    assert SESSION_KEY not in client.session
    assert client.get("/portal/online/register/").status_code == 200
    assert client.get("/portal/online/home/")["Location"] == "/portal/online/register/"
    assert Client().get("/portal/online/home/")["Location"] == SIGN_IN


def test_a_wrong_code_is_refused_on_the_page_and_a_replayed_code_too(officer: User) -> None:
    case_make(officer)
    client = Client()
    code = _sign_in(client)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    refused = client.post(CODE, {"code": wrong})
    assert refused.status_code == 200
    assert SESSION_KEY not in client.session

    client.post(CODE, {"code": code})
    assert SESSION_KEY in client.session
    # Another browser replays the same code.
    other = Client()
    other.post(SIGN_IN, {"mobile": MOBILE})  # within the cool-down: no new code
    replay = other.post(CODE, {"code": code})
    assert replay.status_code in (200, 302)
    assert SESSION_KEY not in other.session


def test_the_page_locks_after_five_wrong_codes() -> None:
    client = Client()
    code = _sign_in(client, "13911112222")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _n in range(5):
        client.post(CODE, {"code": wrong})

    response = client.post(CODE, {"code": code})

    assert response.status_code == 200
    assert "/portal/online/register/" not in response.get("Location", "")
    assert AuditEvent.objects.filter(action="online.locked_out").count() == 1


def test_sign_out_ends_the_applicants_session(officer: User) -> None:
    case = case_make(officer)
    client = Client()
    client.post(CODE, {"code": _sign_in(client)})

    response = client.post("/portal/online/sign-out/")

    assert response["Location"] == SIGN_IN
    assert SESSION_KEY not in client.session
    assert client.get("/portal/online/home/")["Location"] == SIGN_IN
    event = AuditEvent.objects.get(action="online.signed_out")
    assert event.new_values == {"applicant_id": case.applicant_id}


def test_a_staff_session_is_not_an_applicants(
    verified_client: Callable[[User], Client], officer: User
) -> None:
    client = verified_client(officer)
    assert client.get("/portal/online/home/")["Location"] == SIGN_IN


def test_the_pages_answer_in_both_languages() -> None:
    for language, text in (("zh-hans", "发送验证码"), ("en", "Send me a code")):
        client = Client(headers={"accept-language": language})
        client.cookies["django_language"] = language
        assert text in client.get(SIGN_IN).content.decode()


def test_a_mobile_of_several_applicants_chooses_only_among_them(officer: User) -> None:
    person = applicant_make(officer)  # 13800138000
    organisation = applicant_organisation_register(
        actor=officer, name="南宁市邕江餐饮有限公司", credit_code=CREDIT_CODE, mobile=MOBILE
    )
    stranger = applicant_person_register(
        actor=officer, name="覃某", id_number=ID_NUMBERS[1], mobile="13922223333"
    )
    client = Client()
    response = client.post(CODE, {"code": _sign_in(client)})
    assert response["Location"] == "/portal/online/choose/"
    page = client.get("/portal/online/choose/").content.decode()
    assert person.name in page and organisation.name in page
    assert stranger.name not in page

    refused = client.post("/portal/online/choose/", {"applicant": stranger.pk})
    assert refused.status_code == 200
    assert SESSION_KEY not in client.session

    client.post("/portal/online/choose/", {"applicant": organisation.pk})
    assert client.session[SESSION_KEY] == organisation.pk
