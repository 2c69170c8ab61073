"""The Content-Security-Policy (django-csp): every page sends it, and no template of ours needs
an exception from it (no inline script, no on…= handler, no inline style)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from conftest import REPO_ROOT
from django.test import Client
from template_files import our_templates

from accounts.models import User
from markets.models import Market

# A <script> element without a src attribute is inline script.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
# onclick=, onsubmit=, onload= …: inline event handlers.
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
# style="…" attributes and <style> elements: the policy's style-src allows our stylesheets only.
INLINE_STYLE = re.compile(r"<[^>]*\sstyle\s*=|<style\b", re.IGNORECASE)
# javascript: URLs run inline script too.
JAVASCRIPT_URL = re.compile(r"""(href|action|src)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_there_are_templates_to_scan() -> None:
    names = {p.relative_to(REPO_ROOT).as_posix() for p in our_templates()}

    assert "templates/base.html" in names
    assert "backoffice/templates/backoffice/case/notice_print.html" in names
    assert "portal/templates/portal/kiosk/base.html" in names


@pytest.mark.parametrize(
    "pattern", [INLINE_SCRIPT, HANDLER, INLINE_STYLE, JAVASCRIPT_URL], ids=lambda p: p.pattern
)
def test_no_template_needs_inline_script_or_style(pattern: re.Pattern[str]) -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{text[: match.start()].count(chr(10)) + 1}: "
        f"{match.group(0)[:80]}"
        for path in our_templates()
        for text in [path.read_text(encoding="utf-8")]
        for match in pattern.finditer(text)
    ]

    assert offenders == []


@pytest.mark.parametrize(
    "markup",
    [
        '<button onclick="window.print()">',
        '<body onload="go()">',
        "<script>alert(1)</script>",
        '<script type="module">import "x";</script>',
        '<p style="color: red">',
        '<a href="javascript:print()">',
    ],
)
def test_the_scan_catches_each_kind_of_inline_code(markup: str) -> None:
    assert any(p.search(markup) for p in [INLINE_SCRIPT, HANDLER, INLINE_STYLE, JAVASCRIPT_URL])


def test_the_scan_lets_script_files_through() -> None:
    markup = '<script src="/static/js/print.js" defer></script><button data-print>'

    assert not any(p.search(markup) for p in [INLINE_SCRIPT, HANDLER, INLINE_STYLE])


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_policy(header: str) -> None:
    policy = directives(header)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/portal/{market}/kiosk/", "/health/", "/no-such-page/"]
)
def test_pages_without_sign_in_send_the_policy(url: str, nanning_market: Market) -> None:
    response = Client().get(url.format(market=nanning_market.pk))

    assert response.status_code in {200, 404}
    assert_policy(response["Content-Security-Policy"])


@pytest.mark.django_db
def test_signed_in_pages_send_the_policy(
    verified_client: Callable[[User], Client], officer: User
) -> None:
    for url in ["/", "/cases/", "/cases/new/", "/notifications/"]:
        response = verified_client(officer).get(url)

        assert response.status_code == 200, url
        assert_policy(response["Content-Security-Policy"])
