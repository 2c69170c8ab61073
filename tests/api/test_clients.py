"""Other systems: OAuth 2.0 client credentials, scopes, the market or region a client may see,
writes through the postings' own services with an audit event naming the client."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from api_support import (
    TOKEN_URL,
    assert_problem,
    bearer,
    client_make,
    liuzhou_market,  # noqa: F401
    post_json,
    published,  # noqa: F401
    qingxiu,  # noqa: F401
    token_for,
)
from counter_support import posting_form
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from accounts.models import User
from api.models import ApiClient
from api.services import api_client_deactivate
from audit.models import AuditEvent
from cases.models import Case, Channel, State
from markets.models import Market, Region
from workflows.postings.models import Posting, Status

pytestmark = pytest.mark.django_db

POSTINGS = "/api/v1/client/postings/"


def _new_posting(market: Market, **changes: object) -> dict[str, object]:
    form = posting_form()
    employer = {
        "name": form.pop("employer_name"),
        "credit_code": form.pop("credit_code"),
        "id_number": form.pop("employer_id_number"),
        "mobile": form.pop("employer_mobile"),
    }
    form.pop("decision")
    return {**form, "market": market.pk, "employer": employer, **changes}


def _writer(market: Market, scopes: tuple[str, ...] = ("postings:read", "postings:write")) -> str:
    record, secret = client_make(scopes=scopes, market=market)
    return token_for(record, secret)


# --- Tokens ----------------------------------------------------------------------------------


def test_a_client_gets_a_token_with_its_own_scopes_only(nanning_market: Market) -> None:
    record, secret = client_make(scopes=("postings:read",), market=nanning_market)

    granted = Client().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": record.application.client_id,
            "client_secret": secret,
        },
    )
    beyond = Client().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": record.application.client_id,
            "client_secret": secret,
            "scope": "postings:read cases:read",
        },
    )

    assert granted.status_code == 200
    assert granted.json()["scope"] == "postings:read"
    assert beyond.status_code == 400
    assert beyond.json()["error"] == "invalid_scope"
    assert AccessToken.objects.count() == 1


def test_a_wrong_secret_gets_no_token(nanning_market: Market) -> None:
    record, _secret = client_make(market=nanning_market)

    response = Client().post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": record.application.client_id,
            "client_secret": "guessed",
        },
    )

    assert response.status_code == 401
    assert AccessToken.objects.count() == 0


def test_staff_cannot_get_a_token_with_their_password(
    officer: User, nanning_market: Market
) -> None:
    officer.set_password("Correct-horse-42")
    officer.save()
    record, secret = client_make(market=nanning_market)

    response = Client().post(
        TOKEN_URL,
        {
            "grant_type": "password",
            "username": officer.username,
            "password": "Correct-horse-42",
            "client_id": record.application.client_id,
            "client_secret": secret,
        },
    )

    assert response.status_code in (400, 401)
    assert AccessToken.objects.count() == 0


def test_basic_authentication_with_a_staff_password_is_not_accepted(
    officer: User, published: Posting
) -> None:
    officer.set_password("Correct-horse-42")
    officer.save()
    import base64

    credentials = base64.b64encode(f"{officer.username}:Correct-horse-42".encode()).decode()
    response = Client().get(POSTINGS, HTTP_AUTHORIZATION=f"Basic {credentials}")

    assert_problem(response, 401)


# --- Tokens that no longer work ----------------------------------------------------------------


def test_an_expired_token_is_a_401_problem(nanning_market: Market) -> None:
    token = _writer(nanning_market)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    body = assert_problem(Client().get(POSTINGS, **bearer(token)), 401)

    assert "Bearer" in Client().get(POSTINGS, **bearer(token))["WWW-Authenticate"]
    assert body["detail"]


def test_a_revoked_token_is_a_401_problem_even_on_a_public_address(
    nanning_market: Market,
) -> None:
    record, secret = client_make(market=nanning_market)
    token = token_for(record, secret)
    api_client_deactivate(client=record, actor=None)

    assert_problem(Client().get(POSTINGS, **bearer(token)), 401)
    assert_problem(Client().get("/api/v1/postings/", **bearer(token)), 401)
    assert AuditEvent.objects.filter(action="api.client_deactivated").count() == 1


def test_an_unknown_token_is_a_401_problem() -> None:
    assert_problem(Client().get(POSTINGS, **bearer("not-a-token")), 401)


def test_no_token_is_a_401_problem() -> None:
    assert_problem(Client().get(POSTINGS), 401)


# --- Scopes and markets --------------------------------------------------------------------------


def test_a_client_reads_the_postings_of_its_market_only(
    officer: User, published: Posting, liuzhou_market: Market
) -> None:
    own = _writer(published.market)
    other = _writer(liuzhou_market)

    listed = Client().get(POSTINGS, **bearer(own)).json()["results"]

    assert [p["id"] for p in listed] == [published.pk]
    assert listed[0]["contact_phone"] == published.contact_phone_masked
    assert "0001" in listed[0]["contact_phone"] and "0771" not in listed[0]["contact_phone"]
    assert Client().get(POSTINGS, **bearer(other)).json()["results"] == []
    assert_problem(Client().get(f"{POSTINGS}{published.pk}/", **bearer(other)), 404)


def test_a_client_of_a_region_reads_every_market_in_it(published: Posting, guangxi: Region) -> None:
    record, secret = client_make(scopes=("postings:read",), region=guangxi)

    listed = Client().get(POSTINGS, **bearer(token_for(record, secret))).json()["results"]

    assert [p["id"] for p in listed] == [published.pk]


def test_a_client_without_the_scope_is_refused_403(published: Posting) -> None:
    reader = _writer(published.market, scopes=("postings:read",))
    before = Posting.objects.count()

    assert_problem(
        post_json(Client(), POSTINGS, _new_posting(published.market), **bearer(reader)), 403
    )
    assert_problem(Client().get("/api/v1/client/cases/", **bearer(reader)), 403)
    assert Posting.objects.count() == before


def test_a_token_narrower_than_the_client_is_held_to_its_scope(published: Posting) -> None:
    record, secret = client_make(
        scopes=("postings:read", "postings:write"), market=published.market
    )
    token = token_for(record, secret, scope="postings:read")

    response = post_json(Client(), POSTINGS, _new_posting(published.market), **bearer(token))

    assert_problem(response, 403)


# --- Writes ------------------------------------------------------------------------------------


def test_a_client_takes_a_posting_in_through_the_counter_s_service(
    nanning_market: Market, qingxiu: Region
) -> None:
    token = _writer(nanning_market)

    response = post_json(
        Client(),
        POSTINGS,
        _new_posting(nanning_market, status="published", screening_justification="x"),
        **bearer(token),
    )

    assert response.status_code == 201, response.content
    posting = Posting.objects.get(pk=response.json()["id"])
    assert posting.status == Status.IN_REVIEW  # "status" in the body is ignored
    assert posting.case is not None
    assert posting.case.channel == Channel.PLATFORM
    assert posting.case.state == State.NEW  # waits in the market's queue
    assert response["Location"] == f"{POSTINGS}{posting.pk}/"
    event = AuditEvent.objects.get(action="api.posting_created")
    assert event.new_values["client"] == "省平台"
    taken_in = AuditEvent.objects.get(action="posting.taken_in")
    assert taken_in.actor is not None
    assert taken_in.actor.full_name.endswith("省平台")


def test_a_client_cannot_take_a_posting_in_for_another_market(
    nanning_market: Market, liuzhou_market: Market, qingxiu: Region
) -> None:
    token = _writer(nanning_market)

    response = post_json(Client(), POSTINGS, _new_posting(liuzhou_market), **bearer(token))

    assert_problem(response, 403)
    assert Posting.objects.count() == 0
    assert Case.objects.count() == 0


def test_invalid_details_are_a_400_problem_per_field(
    nanning_market: Market, qingxiu: Region
) -> None:
    token = _writer(nanning_market)

    response = post_json(
        Client(),
        POSTINGS,
        _new_posting(nanning_market, pay_min="50", pay_max="10"),
        **bearer(token),
    )

    body = assert_problem(response, 400)
    assert body["errors"]
    assert Posting.objects.count() == 0


def test_a_client_withdraws_extends_and_fills_through_the_services(
    published: Posting,
) -> None:
    token = _writer(published.market)
    later = (published.end_date + timedelta(days=3)).isoformat()

    extended = post_json(
        Client(), f"{POSTINGS}{published.pk}/extend/", {"end_date": later}, **bearer(token)
    )
    filled = post_json(Client(), f"{POSTINGS}{published.pk}/fill/", {}, **bearer(token))
    again = post_json(
        Client(), f"{POSTINGS}{published.pk}/withdraw/", {"reason": "不招了"}, **bearer(token)
    )

    assert extended.status_code == 200, extended.content
    assert extended.json()["end_date"] == later
    assert filled.status_code == 200, filled.content
    assert filled.json()["status"] == Status.FILLED
    assert_problem(again, 409)  # a filled posting cannot be withdrawn
    published.refresh_from_db()
    assert published.status == Status.FILLED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"api.posting_extended", "api.posting_filled", "posting.filled"} <= actions
    assert "api.posting_withdrawn" not in actions


def test_a_client_withdraws_a_posting(published: Posting) -> None:
    token = _writer(published.market)

    response = post_json(
        Client(), f"{POSTINGS}{published.pk}/withdraw/", {"reason": "不招了"}, **bearer(token)
    )

    assert response.status_code == 200, response.content
    published.refresh_from_db()
    assert published.status == Status.WITHDRAWN
    assert AuditEvent.objects.filter(action="api.posting_withdrawn").count() == 1


def test_a_client_cannot_change_another_region_s_posting(
    published: Posting, liuzhou_market: Market
) -> None:
    token = _writer(liuzhou_market)

    response = post_json(
        Client(), f"{POSTINGS}{published.pk}/withdraw/", {"reason": "x"}, **bearer(token)
    )

    assert_problem(response, 404)
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


# --- Cases ---------------------------------------------------------------------------------------


def test_cases_read_masks_the_applicant(published: Posting, liuzhou_market: Market) -> None:
    record, secret = client_make(scopes=("cases:read",), market=published.market)
    other, other_secret = client_make(
        name="柳州系统", scopes=("cases:read",), market=liuzhou_market
    )

    cases = Client().get("/api/v1/client/cases/", **bearer(token_for(record, secret))).json()
    none = Client().get("/api/v1/client/cases/", **bearer(token_for(other, other_secret))).json()

    assert published.case is not None
    assert [c["reference"] for c in cases["results"]] == [published.case.reference]
    assert cases["results"][0]["applicant_mobile"] == "139****0001"
    assert none["results"] == []


# --- The command ---------------------------------------------------------------------------------


def test_the_command_prints_the_client_id_and_secret_once(nanning_market: Market) -> None:
    out = StringIO()

    call_command(
        "api_client_create",
        "--name=人社厅",
        "--scopes=postings:read,cases:read",
        f"--market={nanning_market.pk}",
        stdout=out,
    )

    client = ApiClient.objects.get(name="人社厅")
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    assert lines["client_id"] == client.application.client_id
    assert client.application.client_secret != lines["client_secret"]  # stored hashed
    assert client.scopes == ["cases:read", "postings:read"]
    assert token_for(client, lines["client_secret"])
    assert AuditEvent.objects.filter(action="api.client_created").count() == 1
