""" "Temporarily unavailable" (issue 15): a page whose cache (Redis) or object storage does not
answer gets a clear 503 page with Retry-After, Chinese first, never a 500 and its trace."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest
import redis.exceptions
from django.test import Client, RequestFactory
from django.utils import translation

from cases.storage import StorageUnavailable
from config.unavailable import is_unavailable_error, server_error
from markets.models import Market

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/1",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.mark.django_db
def test_a_page_whose_cache_does_not_answer_is_temporarily_unavailable(
    settings: Any, nanning_market: Market, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = CLOSED_PORT_CACHE  # the big screen's figures are cached

    response = Client().get(
        f"/portal/{nanning_market.pk}/screen/figures/", HTTP_X_REQUEST_ID="req-503-1"
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Request-ID"] == "req-503-1"
    text = response.content.decode()
    assert "系统暂时无法使用" in text
    assert "Traceback" not in text
    [record] = [r for r in caplog.records if r.name == "config.unavailable"]
    assert "ConnectionError" in record.getMessage()
    assert record.request_id == "req-503-1"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_page_is_in_english_for_who_chose_english(
    settings: Any, nanning_market: Market
) -> None:
    settings.CACHES = CLOSED_PORT_CACHE
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(f"/portal/{nanning_market.pk}/screen/figures/")

    assert response.status_code == 503
    assert "The system is temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
def test_an_unavailable_error_outside_a_view_is_a_503_too() -> None:
    """Django turns a middleware's exception into its 500 handler; the handler sees it."""
    request = RequestFactory().get("/")
    try:
        raise redis.exceptions.TimeoutError("Timeout reading from socket")
    except redis.exceptions.TimeoutError:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_a_file_store_out_of_reach_has_its_own_page_saying_the_file_is_kept() -> None:
    """Any view that meets the store's outage (a download, an upload through the portal or the
    API) answers the same way, through the services' StorageUnavailable."""
    request = RequestFactory().get("/")
    try:
        raise StorageUnavailable("download cases/1/x: endpoint down")
    except StorageUnavailable:
        with translation.override("zh-hans"):  # as the locale middleware leaves it
            response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "文件暂时无法获取" in response.content.decode()


@pytest.mark.django_db
def test_any_other_error_stays_a_500() -> None:
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500


def _client_error(status: int) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": "X"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject"
    )


def test_which_errors_say_a_part_is_down() -> None:
    assert is_unavailable_error(redis.exceptions.ConnectionError())
    assert is_unavailable_error(botocore.exceptions.EndpointConnectionError(endpoint_url="x"))
    assert is_unavailable_error(_client_error(503))
    assert is_unavailable_error(StorageUnavailable())
    assert not is_unavailable_error(_client_error(404))
    assert not is_unavailable_error(_client_error(403))
    assert not is_unavailable_error(ValueError())
    assert not is_unavailable_error(None)
