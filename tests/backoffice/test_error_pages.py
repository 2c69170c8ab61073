"""403, 404 and 500 are pages of the back office: in the language the user chose (the language
switch's cookie, never the browser's Accept-Language), saying why, and with the navigation for
a signed-in user."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path
from django.utils import translation
from django.views.defaults import permission_denied

from accounts.models import User
from markets.models import Market

pytestmark = pytest.mark.django_db

ZH, EN = "zh-hans", "en"


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a defect")


urlpatterns = [path("boom/", boom)]


@pytest.mark.parametrize(
    ("language", "heading", "reason"),
    [
        (ZH, "页面不存在", "此地址没有页面"),
        (EN, "Page not found", "There is no page at this address"),
    ],
)
def test_not_found_is_a_page_of_the_back_office_in_the_chosen_language(
    verified_client: Callable[[User], Client],
    officer: User,
    language: str,
    heading: str,
    reason: str,
) -> None:
    client = in_language(verified_client(officer), language)

    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html and reason in html
    assert 'class="mainnav"' in html  # the navigation of a signed-in officer
    assert "/no-such-page/" in html
    assert "Not Found" not in html  # not Django's bare English page


def test_a_missing_record_is_a_404_page_that_does_not_leak_django_s_message(
    verified_client: Callable[[User], Client], officer: User
) -> None:
    response = verified_client(officer).get("/cases/999999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "matches the given query" not in html


@pytest.mark.parametrize(
    ("language", "heading", "reason"),
    [
        (ZH, "您无权打开此页面", "仅本市场负责人和辖区督查人员可查看此页面。"),
        (EN, "You may not open this page", "the inspectors over it see this page"),
    ],
)
def test_forbidden_says_why_in_the_chosen_language_with_the_navigation(
    verified_client: Callable[[User], Client],
    officer: User,
    nanning_market: Market,
    language: str,
    heading: str,
    reason: str,
) -> None:
    client = in_language(verified_client(officer), language)

    response = client.get(f"/ledger/{nanning_market.pk}/")

    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html and reason in html
    assert 'class="mainnav"' in html
    assert "403 Forbidden" not in html


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        (ZH, "本页面供工作人员、负责人和督查人员使用，管理员不办理业务。"),
        (EN, "administrators do no case work"),
    ],
)
def test_an_administrator_is_told_that_administrators_do_no_case_work(
    verified_client: Callable[[User], Client], system_admin: User, language: str, reason: str
) -> None:
    response = in_language(verified_client(system_admin), language).get("/cases/")

    assert response.status_code == 403
    assert reason in response.content.decode()


def test_a_bare_permission_denied_still_says_why() -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()

    with translation.override(ZH):
        html = permission_denied(request, PermissionDenied()).content.decode()

    assert "您的角色不包括此页面或此操作。" in html


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("language", "heading"),
    [(ZH, "系统出了问题"), (EN, "Something went wrong on our side")],
)
def test_a_server_error_is_a_plain_page_in_the_chosen_language(language: str, heading: str) -> None:
    client = in_language(Client(raise_request_exception=False), language)

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert "a defect" not in html  # the exception stays in the log


@pytest.mark.parametrize(
    ("language", "heading"), [(ZH, "表单无法提交"), (EN, "The form could not be sent")]
)
def test_a_refused_form_token_is_explained_in_the_chosen_language(
    language: str, heading: str
) -> None:
    client = in_language(Client(enforce_csrf_checks=True), language)

    response = client.post("/accounts/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert "CSRF verification failed" not in html
