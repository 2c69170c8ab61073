"""Every error of the API is an RFC 9457 problem, and every bad body or abuse the issue lists
is refused with one and changes nothing: oversized JSON, wrong content type, invalid UTF-8,
deeply nested JSON, an Idempotency-Key reused with another body, an unknown address, a method
not allowed, an Accept we cannot answer, a server error."""

from __future__ import annotations

import json
import uuid

import pytest
from api_support import (
    assert_problem,
    bearer,
    client_make,
    post_json,
    published,  # noqa: F401
    qingxiu,  # noqa: F401
    token_for,
)
from counter_support import posting_make
from django.test import Client

from accounts.models import User
from api.models import IdempotencyRecord
from audit.models import AuditEvent
from markets.models import Market
from workflows.postings.models import Posting, Status

pytestmark = pytest.mark.django_db

POSTINGS = "/api/v1/client/postings/"


def _token(market: Market) -> str:
    record, secret = client_make(scopes=("postings:read", "postings:write"), market=market)
    return token_for(record, secret)


def _withdraw_url(posting: Posting) -> str:
    return f"{POSTINGS}{posting.pk}/withdraw/"


def _unchanged(posting: Posting) -> None:
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED
    assert not AuditEvent.objects.filter(action__startswith="api.posting").exists()


# --- Bodies --------------------------------------------------------------------------------------


def test_a_body_over_one_mebibyte_is_413(published: Posting) -> None:
    token = _token(published.market)
    body = json.dumps({"reason": "x" * (1024 * 1024 + 10)})

    response = Client().post(
        _withdraw_url(published),
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **bearer(token),
    )

    assert_problem(response, 413)
    _unchanged(published)


def test_a_body_that_is_not_json_is_415(published: Posting) -> None:
    token = _token(published.market)

    response = Client().post(
        _withdraw_url(published), {"reason": "不招了"}, HTTP_IDEMPOTENCY_KEY="k1", **bearer(token)
    )
    text = Client().post(
        _withdraw_url(published),
        "reason=不招了",
        content_type="text/plain",
        HTTP_IDEMPOTENCY_KEY="k2",
        **bearer(token),
    )

    assert_problem(response, 415)
    assert_problem(text, 415)
    _unchanged(published)


def test_invalid_utf8_is_400(published: Posting) -> None:
    token = _token(published.market)

    response = Client().post(
        _withdraw_url(published),
        b'{"reason": "\xff\xfe"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **bearer(token),
    )

    assert_problem(response, 400)
    _unchanged(published)


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_400(published: Posting, depth: int) -> None:
    token = _token(published.market)

    response = Client().post(
        _withdraw_url(published),
        '{"reason": ' + "[" * depth + "]" * depth + "}",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **bearer(token),
    )

    assert_problem(response, 400)
    _unchanged(published)


@pytest.mark.parametrize("text", ["{", '{"reason": NaN}', "", "[]"])
def test_broken_or_wrong_json_is_400(published: Posting, text: str) -> None:
    token = _token(published.market)

    response = Client().post(
        _withdraw_url(published),
        text,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **bearer(token),
    )

    assert_problem(response, 400)
    _unchanged(published)


# --- Idempotency ---------------------------------------------------------------------------------


def test_a_post_without_an_idempotency_key_is_400(published: Posting) -> None:
    token = _token(published.market)

    response = Client().post(
        _withdraw_url(published),
        json.dumps({"reason": "不招了"}),
        content_type="application/json",
        **bearer(token),
    )

    body = assert_problem(response, 400)
    assert "Idempotency-Key" in body["errors"]
    _unchanged(published)


def test_a_repeated_key_answers_the_first_response_and_does_nothing_again(
    published: Posting,
) -> None:
    token = _token(published.market)
    key = str(uuid.uuid4())

    first = post_json(
        Client(), _withdraw_url(published), {"reason": "不招了"}, key=key, **bearer(token)
    )
    again = post_json(
        Client(), _withdraw_url(published), {"reason": "不招了"}, key=key, **bearer(token)
    )

    assert first.status_code == 200
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="api.posting_withdrawn").count() == 1
    assert AuditEvent.objects.filter(action="posting.withdrawn").count() == 1


def test_the_same_key_with_another_body_is_409_and_changes_nothing(
    published: Posting, officer: User
) -> None:
    other = posting_make(officer, published.market, publish=True)
    token = _token(published.market)
    key = str(uuid.uuid4())

    first = post_json(
        Client(), _withdraw_url(published), {"reason": "不招了"}, key=key, **bearer(token)
    )
    changed_body = post_json(
        Client(), _withdraw_url(published), {"reason": "另一个理由"}, key=key, **bearer(token)
    )
    other_address = post_json(
        Client(), _withdraw_url(other), {"reason": "不招了"}, key=key, **bearer(token)
    )

    assert first.status_code == 200
    assert_problem(changed_body, 409)
    assert_problem(other_address, 409)
    other.refresh_from_db()
    assert other.status == Status.PUBLISHED
    assert AuditEvent.objects.filter(action="api.posting_withdrawn").count() == 1


def test_keys_are_per_caller(published: Posting) -> None:
    first_token = _token(published.market)
    second_token = _token(published.market)
    key = "shared-key"

    first = post_json(
        Client(), _withdraw_url(published), {"reason": "不招了"}, key=key, **bearer(first_token)
    )
    second = post_json(
        Client(), _withdraw_url(published), {"reason": "不招了"}, key=key, **bearer(second_token)
    )

    assert first.status_code == 200
    assert_problem(second, 409)  # its own key: the posting is withdrawn already (state)
    assert IdempotencyRecord.objects.filter(key=key).count() == 1


def test_a_failed_request_frees_its_key(published: Posting) -> None:
    token = _token(published.market)
    key = str(uuid.uuid4())

    refused = post_json(
        Client(), _withdraw_url(published), {"reason": ""}, key=key, **bearer(token)
    )
    retried = post_json(
        Client(), _withdraw_url(published), {"reason": ""}, key=key, **bearer(token)
    )

    assert_problem(refused, 400)
    assert_problem(retried, 400)
    assert not IdempotencyRecord.objects.filter(key=key).exists()


def test_an_expired_key_may_be_used_again(published: Posting, settings: object) -> None:
    from datetime import timedelta

    from django.utils import timezone

    token = _token(published.market)
    key = str(uuid.uuid4())
    post_json(Client(), f"{POSTINGS}{published.pk}/fill/", {}, key=key, **bearer(token))
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    again = post_json(Client(), f"{POSTINGS}{published.pk}/fill/", {}, key=key, **bearer(token))

    assert_problem(again, 409)  # done again, not replayed: the posting is filled already
    assert IdempotencyRecord.objects.filter(key=key).count() == 0


# --- Other errors --------------------------------------------------------------------------------


def test_an_unknown_api_address_is_a_404_problem() -> None:
    assert_problem(Client().get("/api/v1/no-such-thing/"), 404)
    assert_problem(Client().get("/api/v2/postings/"), 404)


def test_a_method_not_allowed_is_a_405_problem(published: Posting) -> None:
    response = Client().delete(f"/api/v1/postings/{published.pk}/")

    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_an_accept_we_cannot_answer_is_a_406_problem(published: Posting) -> None:
    assert_problem(Client().get("/api/v1/postings/", HTTP_ACCEPT="application/xml"), 406)


def test_a_server_error_is_a_500_problem_without_details(
    published: Posting, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api import selectors

    def broken() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "posting_list_public", broken)
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/postings/")

    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["detail"]


def test_a_query_string_that_is_not_utf8_is_a_400_problem() -> None:
    assert_problem(Client().get("/api/v1/postings/?occupation=%ff"), 400)


def test_pages_outside_the_api_keep_their_own_errors() -> None:
    response = Client().get("/no-such-page/")

    assert response.status_code in (302, 404)
    assert not response.get("Content-Type", "").startswith("application/problem+json")


# --- The document ---------------------------------------------------------------------------------


def test_the_openapi_document_describes_every_operation_s_problems() -> None:
    response = Client().get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "405", "406", "429", "500"} <= codes, (path, method)
            if method == "post":
                assert {"403", "404", "409", "413", "415"} <= codes, (path, method)
                names = [p["name"] for p in operation.get("parameters", [])]
                assert "Idempotency-Key" in names
    schemes = document["components"]["securitySchemes"]
    assert schemes["clientCredentials"]["flows"]["clientCredentials"]["tokenUrl"].endswith(
        "/oauth/token/"
    )


def test_the_docs_page_loads_its_assets_from_us_and_nothing_inline() -> None:
    page = Client().get("/api/v1/docs/")
    script = Client().get("/api/v1/docs/?script=")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_the_hourly_prune_forgets_expired_keys_only(published: Posting) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from api.tasks import idempotency_prune_task

    token = _token(published.market)
    later = (published.end_date + timedelta(days=2)).isoformat()
    extended = post_json(
        Client(),
        f"{POSTINGS}{published.pk}/extend/",
        {"end_date": later},
        key="old",
        **bearer(token),
    )
    filled = post_json(Client(), f"{POSTINGS}{published.pk}/fill/", {}, key="new", **bearer(token))
    IdempotencyRecord.objects.filter(key="old").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert (extended.status_code, filled.status_code) == (200, 200)
    assert idempotency_prune_task() == 1
    assert idempotency_prune_task() == 0
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
