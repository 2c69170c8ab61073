"""Request limits (issue 13, items 11 and 13): a body larger than the address takes is refused
with 413 before a byte of it is read; a query string that is not UTF-8, or holds a NUL, is
answered 400 instead of reaching the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from markets.models import Market

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def __init__(self) -> None:
        self.read_calls = 0

    def read(self, *args: Any) -> bytes:
        self.read_calls += 1
        raise AssertionError("the body was read")

    readline = read


def post_declaring(url: str, length: int, body: UnreadableBody) -> Any:
    environ: dict[str, Any] = {
        "CONTENT_LENGTH": str(length),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": body,
    }
    return Client().generic("POST", url, b"", **environ)


def test_an_anonymous_300_mb_post_to_the_kiosk_is_refused_with_413_unread(
    nanning_market: Market,
) -> None:
    body = UnreadableBody()

    response = post_declaring(f"/portal/{nanning_market.pk}/kiosk/status/", 300 * MB, body)

    assert response.status_code == 413
    assert body.read_calls == 0


def test_a_body_just_over_the_limit_is_refused_and_one_at_the_limit_is_not(
    nanning_market: Market,
) -> None:
    url = f"/portal/{nanning_market.pk}/kiosk/status/"
    limit = settings.REQUEST_BODY_MAX_BYTES

    assert post_declaring(url, limit + 1, UnreadableBody()).status_code == 413
    allowed = Client().post(url, {"reference": "x" * 100, "mobile_last_four": "1234"})
    assert allowed.status_code == 200


def test_the_attachment_upload_address_takes_one_attachment_but_not_more(
    nanning_market: Market,
) -> None:
    url = "/cases/1/attachments/"
    attachment_sized = settings.CASE_ATTACHMENT_MAX_BYTES
    body = UnreadableBody()

    # Within the upload limit, the request goes on (here: to sign in, without reading the body).
    assert post_declaring(url, attachment_sized, body).status_code == 302
    assert body.read_calls == 0
    too_large = settings.REQUEST_BODY_UPLOAD_MAX_BYTES + 1
    assert post_declaring(url, too_large, UnreadableBody()).status_code == 413


def test_a_malformed_content_length_is_a_bad_request(nanning_market: Market) -> None:
    response = post_declaring(f"/portal/{nanning_market.pk}/kiosk/status/", 0, UnreadableBody())
    assert response.status_code == 200  # zero: nothing to read, the empty form is answered

    bad = Client().generic(
        "POST", f"/portal/{nanning_market.pk}/kiosk/status/", b"", CONTENT_LENGTH="lots"
    )
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "page=%ff",
        "occupation=%c3%28",
        "county=%ed%a0%80",  # a UTF-16 surrogate, not UTF-8
        "pay_method=%00",
        "page=1%00",
        "%fe=1",
    ],
)
def test_a_query_string_that_is_not_utf8_or_holds_nul_is_a_bad_request(
    nanning_market: Market, query: str
) -> None:
    response = Client().get(f"/portal/{nanning_market.pk}/kiosk/?{query}")

    assert response.status_code == 400


@pytest.mark.parametrize("query", ["page=2", "occupation=%E4%B8%AD", "county=+450103+", "q=%09"])
def test_a_utf8_query_string_is_served(nanning_market: Market, query: str) -> None:
    response = Client().get(f"/portal/{nanning_market.pk}/kiosk/?{query}")

    assert response.status_code == 200


def test_more_form_fields_than_allowed_are_a_bad_request_not_a_server_error(
    nanning_market: Market,
) -> None:
    url = f"/portal/{nanning_market.pk}/kiosk/status/"
    fields = {f"f{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    assert Client().post(url, fields).status_code == 400
    assert Client().get(f"/portal/{nanning_market.pk}/kiosk/", fields).status_code == 400


def test_form_fields_over_the_memory_limit_are_a_bad_request(nanning_market: Market) -> None:
    url = f"/portal/{nanning_market.pk}/kiosk/status/"
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = Client().post(
        url, f"reference={big}&mobile_last_four=1234", "application/x-www-form-urlencoded"
    )

    assert response.status_code == 400  # Django's RequestDataTooBig: never parsed
