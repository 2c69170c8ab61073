"""Schemathesis against our own OpenAPI document, in-process (WSGI), with a bounded number of
examples per operation: every answer must be one the document describes (status, content
type, body), and no input may cause a server error. Run with the public endpoints as anyone,
and the clients' endpoints with a client-credentials token holding every scope; then the
applicants' endpoints (``/api/v1/me/``) with the online session of a job seeker who also hires
(and the CSRF token their writes need)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_support import bearer, client_make, token_for
from counter_support import posting_make, qingxiu_make, seeker_make
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from accounts.models import User
from cases.applicant_session import SESSION_KEY
from markets.models import Market

EXAMPLES = 6  # per operation: about 20 operations, well within a minute

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def world(officer: User, nanning_market: Market, settings: Any) -> Iterator[dict[str, str]]:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"address": "100000/min", "client": "100000/min"},
    }
    qingxiu_make()
    posting_make(officer, nanning_market, publish=True)
    record, secret = client_make(
        scopes=("postings:read", "postings:write", "cases:read", "sync"), market=nanning_market
    )
    headers = bearer(token_for(record, secret))
    # As Django's test client does while it sends a request (and so only after the token was
    # fetched with it): the request's end must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield headers
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_the_api_keeps_to_its_document(case: Any, world: dict[str, str]) -> None:
    case.call_and_validate(
        headers={"Authorization": world["HTTP_AUTHORIZATION"]},
        # A body the document allows may still break the postings' rules (a last working day
        # before the first, an unknown occupation code): answered 400 with the fields.
        excluded_checks=[positive_data_acceptance],
    )


CSRF = "s" * 32


@pytest.fixture
def applicant_world(
    officer: User, nanning_market: Market, settings: Any
) -> Iterator[dict[str, str]]:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"address": "100000/min", "client": "100000/min"},
    }
    qingxiu_make()
    posting_make(officer, nanning_market, publish=True)
    seeker = seeker_make(officer, nanning_market)
    session = SessionStore()
    session[SESSION_KEY] = seeker.applicant_id
    session.save()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {django_settings.SESSION_COOKIE_NAME: str(session.session_key), "csrftoken": CSRF}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.include(path_regex="^/api/v1/me/").parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_the_applicants_api_keeps_to_its_document(
    case: Any, applicant_world: dict[str, str]
) -> None:
    case.call_and_validate(
        headers={"X-CSRFToken": CSRF},
        cookies=applicant_world,
        # The session is given, not generated: schemathesis's own "invalid session" would be
        # replaced by it (a missing session's 401 is tested in the first run and by hand).
        excluded_checks=[positive_data_acceptance, ignored_auth],
    )
