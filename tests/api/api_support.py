"""Helpers of the API tests (no tests here): API clients with their secrets, tokens, and
requests as a system or the public makes them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from conftest import MarketFactory
from counter_support import posting_make, qingxiu_make
from django.test import Client

from accounts.models import User
from api.models import ApiClient
from api.services import api_client_create
from markets.models import Market, Region
from workflows.postings.models import Posting

TOKEN_URL = "/api/v1/oauth/token/"


def client_make(
    *,
    name: str | None = None,
    scopes: tuple[str, ...] = ("postings:read",),
    market: Market | None = None,
    region: Region | None = None,
) -> tuple[Any, str]:
    """An API client and its secret (shown once); the first unnamed one is 省平台."""
    if name is None:
        taken = ApiClient.objects.filter(name__startswith="省平台").count()
        name = "省平台" if not taken else f"省平台-{taken + 1}"
    created = api_client_create(
        name=name, scopes=list(scopes), market=market, region=region, actor=None
    )
    return created.client, created.secret


def token_for(client_record: Any, secret: str, *, scope: str | None = None) -> str:
    data = {
        "grant_type": "client_credentials",
        "client_id": client_record.application.client_id,
        "client_secret": secret,
    }
    if scope is not None:
        data["scope"] = scope
    response = Client().post(TOKEN_URL, data)
    assert response.status_code == 200, response.content
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_json(client: Client, url: str, data: Any, *, key: str | None = None, **extra: Any) -> Any:
    return client.post(
        url,
        json.dumps(data),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
        **extra,
    )


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == status
    assert body["title"]
    assert "type" in body
    assert "detail" in body
    return body


# --- Fixtures (imported by the test modules that use them) -----------------------------------


@pytest.fixture
def qingxiu(nanning: Region) -> Region:
    return qingxiu_make()


@pytest.fixture
def published(officer: User, nanning_market: Market, qingxiu: Region) -> Posting:
    return posting_make(
        officer,
        nanning_market,
        publish=True,
        description="有意者请联系 0771-8887766，周末休息",
    )


@pytest.fixture
def liuzhou_market(liuzhou: Region) -> Market:
    return MarketFactory.create(region=liuzhou, name="柳州市零工市场")
