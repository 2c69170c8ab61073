import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from cases.applicant_session import (
    SESSION_KEY,
    applicant_from_request,
    applicant_sign_in,
    applicant_sign_out,
)
from cases.models import Applicant

pytestmark = pytest.mark.django_db


def _request():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session.create()
    return request


def test_sign_in_changes_the_session_key_and_names_the_applicant():
    applicant = Applicant.objects.create(kind=Applicant.Kind.PERSON, name="张三")
    request = _request()
    before = request.session.session_key

    applicant_sign_in(request, applicant)

    assert request.session.session_key != before
    assert applicant_from_request(request) == applicant


def test_no_session_or_a_stranger_value_is_nobody():
    request = _request()
    assert applicant_from_request(request) is None
    request.session[SESSION_KEY] = "1"
    assert applicant_from_request(request) is None
    request.session[SESSION_KEY] = 987654
    assert applicant_from_request(request) is None


def test_sign_out_forgets_the_applicant():
    applicant = Applicant.objects.create(kind=Applicant.Kind.PERSON, name="李四")
    request = _request()
    applicant_sign_in(request, applicant)

    applicant_sign_out(request)

    assert applicant_from_request(request) is None
