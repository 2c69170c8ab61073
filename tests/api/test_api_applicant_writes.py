"""Applicants write through the API with their online session (CSRF as DRF does, an
Idempotency-Key on every POST): the same online services as the pages, an audit event naming
the applicant for each write; mass assignment is ignored or refused, another applicant's
record is 404, every error a problem."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from api_support import assert_problem, post_json, published, qingxiu  # noqa: F401
from conftest import ID_NUMBERS, MarketFactory, applicant_make
from counter_support import posting_form, posting_make, seeker_make
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from audit.actions import action_label
from audit.models import AuditEvent
from cases.applicant_session import SESSION_KEY
from cases.models import Applicant, Case, CaseAttachment, Channel, ChecklistItem, State
from markets.models import Market, Region
from online.desk import online_desk
from workflows.guidance.models import Referral
from workflows.postings.models import Posting, Status
from workflows.postings.services import posting_return_for_correction
from workflows.seekers.models import SeekerProfile

pytestmark = pytest.mark.django_db

CSRF = "c" * 32
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _signed_in(applicant: Applicant) -> Client:
    """A browser signed in on the online pages, holding the CSRF cookie it sends back."""
    client = Client(enforce_csrf_checks=True)
    session = client.session
    session[SESSION_KEY] = applicant.pk
    session.save()
    client.cookies["csrftoken"] = CSRF
    return client


def _post(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return post_json(client, url, data, HTTP_X_CSRFTOKEN=CSRF, **extra)


def _patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(
        url, json.dumps(data), content_type="application/json", HTTP_X_CSRFTOKEN=CSRF
    )


def _details(**changes: Any) -> dict[str, Any]:
    form = posting_form()
    for name in ("employer_name", "credit_code", "employer_id_number", "employer_mobile"):
        form.pop(name)
    form.pop("decision")
    return {**form, **changes}


def _api_events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def _returned(officer: User, posting: Posting) -> ChecklistItem:
    item = ChecklistItem.objects.filter(kind="posting_review", is_active=True).first()
    assert item is not None
    posting_return_for_correction(actor=officer, posting=posting, items=[item])
    return item


@pytest.fixture
def employer(officer: User, published: Posting) -> Applicant:
    applicant: Applicant = published.employer
    return applicant


@pytest.fixture
def seeker(officer: User, nanning_market: Market, qingxiu: Region) -> SeekerProfile:
    return seeker_make(officer, nanning_market)


# --- Submitting a posting -------------------------------------------------------------------------


def test_a_piece_rate_is_submitted_with_its_daily_output(
    employer: Applicant, nanning_market: Market
) -> None:
    details = _details(
        market=nanning_market.pk,
        pay_method="piece",
        pay_min="2",
        pay_max="2",
        piece_daily_output="150",
    )

    response = _post(_signed_in(employer), "/api/v1/me/postings/", details)

    assert response.status_code == 201, response.content
    assert Posting.objects.get(pk=response.json()["id"]).piece_daily_output == 150
    assert response.json()["piece_daily_output"] == 150


def test_an_employer_submits_a_posting_through_the_online_service(
    employer: Applicant, nanning_market: Market
) -> None:
    response = _post(
        _signed_in(employer), "/api/v1/me/postings/", _details(market=nanning_market.pk)
    )

    assert response.status_code == 201, response.content
    posting = Posting.objects.get(pk=response.json()["id"])
    assert response["Location"] == f"/api/v1/me/postings/{posting.pk}/"
    assert posting.employer == employer
    assert posting.status == Status.IN_REVIEW
    assert posting.case is not None
    assert posting.case.channel == Channel.ONLINE
    assert posting.case.owner is None  # waits in the market's queue, as online
    assert posting.case.first_contact_officer == online_desk(market=nanning_market)
    [event] = _api_events("api.posting_submitted")
    assert event.new_values["applicant_id"] == employer.pk
    assert event.new_values["applicant"] == employer.name  # an organisation is named
    assert event.target_id == str(posting.pk)
    taken_in = AuditEvent.objects.get(action="posting.taken_in", target_id=str(posting.pk))
    assert taken_in.actor == online_desk(market=nanning_market)


def test_a_submitted_posting_ignores_state_employer_owner_and_case_in_the_body(
    officer: User, employer: Applicant, nanning_market: Market, published: Posting
) -> None:
    other = applicant_make(officer, name="覃某", id_number=ID_NUMBERS[1])

    response = _post(
        _signed_in(employer),
        "/api/v1/me/postings/",
        _details(
            market=nanning_market.pk,
            status="published",
            state="closed",
            employer=other.pk,
            employer_id=other.pk,
            owner=officer.pk,
            case=published.case_id,
            screening_exceptions=["x"],
            screening_justification="x",
        ),
    )

    assert response.status_code == 201, response.content
    posting = Posting.objects.get(pk=response.json()["id"])
    assert posting.status == Status.IN_REVIEW
    assert posting.employer == employer
    assert posting.case_id != published.case_id
    assert posting.case is not None
    assert posting.case.owner is None
    assert posting.case.state == State.NEW
    assert posting.screening_exception_by is None
    assert not Posting.objects.filter(employer=other).exists()


def test_a_posting_for_an_unknown_or_inactive_market_is_a_400_problem(
    employer: Applicant, nanning_market: Market
) -> None:
    nanning_market.is_active = False
    nanning_market.save(update_fields=["is_active"])
    before = Posting.objects.count()

    response = _post(
        _signed_in(employer), "/api/v1/me/postings/", _details(market=nanning_market.pk)
    )

    body = assert_problem(response, 400)
    assert "market" in body["errors"]
    assert Posting.objects.count() == before
    assert not _api_events("api.posting_submitted")


def test_invalid_details_are_refused_per_field_by_the_postings_rules(
    employer: Applicant, nanning_market: Market
) -> None:
    before = Posting.objects.count()

    response = _post(
        _signed_in(employer),
        "/api/v1/me/postings/",
        _details(market=nanning_market.pk, pay_min="50", pay_max="10"),
    )

    body = assert_problem(response, 400)
    assert body["errors"]
    assert Posting.objects.count() == before


def test_a_repeated_submit_with_the_same_key_makes_one_posting(
    employer: Applicant, nanning_market: Market
) -> None:
    client = _signed_in(employer)
    key = str(uuid.uuid4())
    data = _details(market=nanning_market.pk)

    first = _post(client, "/api/v1/me/postings/", data, key=key)
    again = _post(client, "/api/v1/me/postings/", data, key=key)
    other_body = _post(client, "/api/v1/me/postings/", {**data, "headcount": "6"}, key=key)

    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert_problem(other_body, 409)
    assert Posting.objects.filter(employer=employer).count() == 2  # the fixture's and this one
    assert len(_api_events("api.posting_submitted")) == 1


def test_a_write_without_the_csrf_token_is_refused_and_changes_nothing(
    employer: Applicant, nanning_market: Market
) -> None:
    before = Posting.objects.count()

    response = post_json(
        _signed_in(employer), "/api/v1/me/postings/", _details(market=nanning_market.pk)
    )

    body = assert_problem(response, 403)
    assert "CSRF" in body["detail"]
    assert Posting.objects.count() == before


def test_a_write_without_a_session_is_401(nanning_market: Market) -> None:
    response = post_json(Client(), "/api/v1/me/postings/", _details(market=nanning_market.pk))

    assert_problem(response, 401)


# --- Own postings: withdraw, fill, extend, resubmit -----------------------------------------------


def test_an_employer_extends_then_fills_their_published_posting(
    employer: Applicant, published: Posting
) -> None:
    client = _signed_in(employer)
    later = (published.end_date + timedelta(days=3)).isoformat()
    url = f"/api/v1/me/postings/{published.pk}"

    extended = _post(client, f"{url}/extend/", {"end_date": later})
    filled = _post(client, f"{url}/fill/", {})
    withdrawn = _post(client, f"{url}/withdraw/", {"reason": "不招了"})

    assert extended.status_code == 200, extended.content
    assert extended.json()["end_date"] == later
    assert filled.status_code == 200, filled.content
    assert filled.json()["status"] == Status.FILLED
    assert_problem(withdrawn, 409)  # a filled posting cannot be withdrawn
    published.refresh_from_db()
    assert published.status == Status.FILLED
    desk = online_desk(market=published.market)
    assert AuditEvent.objects.get(action="posting.filled").actor == desk
    assert AuditEvent.objects.get(action="posting.extended").actor == desk
    [fill] = _api_events("api.posting_filled")
    assert fill.new_values["applicant_id"] == employer.pk
    assert len(_api_events("api.posting_extended")) == 1
    assert not _api_events("api.posting_withdrawn")
    written = AuditEvent.objects.filter(action__startswith="api.").values_list("action", flat=True)
    assert all(action_label(action) != action for action in written)  # in words in the log


def test_an_employer_withdraws_their_posting_in_review_with_its_case(
    officer: User, employer: Applicant, published: Posting
) -> None:
    in_review = posting_make(officer, published.market)

    response = _post(
        _signed_in(employer), f"/api/v1/me/postings/{in_review.pk}/withdraw/", {"reason": "不招了"}
    )

    assert response.status_code == 200, response.content
    in_review.refresh_from_db()
    assert in_review.status == Status.WITHDRAWN
    assert in_review.case is not None
    assert in_review.case.state == State.WITHDRAWN
    assert len(_api_events("api.posting_withdrawn")) == 1


def test_an_employer_resubmits_a_posting_returned_for_correction(
    officer: User, employer: Applicant, published: Posting
) -> None:
    returned = posting_make(officer, published.market)
    _returned(officer, returned)
    assert returned.case is not None

    response = _post(
        _signed_in(employer),
        f"/api/v1/me/postings/{returned.pk}/resubmit/",
        {"address": "南宁市青秀区民族大道 200 号", "status": "published", "employer": 1},
    )

    assert response.status_code == 200, response.content
    returned.refresh_from_db()
    assert returned.address == "南宁市青秀区民族大道 200 号"
    assert returned.status == Status.IN_REVIEW  # "status" in the body is ignored
    assert returned.employer == employer
    assert Case.objects.get(pk=returned.case_id).state == State.IN_PROGRESS
    resubmitted = AuditEvent.objects.get(action="posting.resubmitted")
    assert resubmitted.actor == online_desk(market=returned.market)
    assert len(_api_events("api.posting_resubmitted")) == 1


def test_resubmitting_a_posting_not_returned_is_a_409_problem(
    officer: User, employer: Applicant, published: Posting
) -> None:
    in_review = posting_make(officer, published.market)

    response = _post(
        _signed_in(employer),
        f"/api/v1/me/postings/{in_review.pk}/resubmit/",
        {"address": "南宁市青秀区民族大道 200 号"},
    )

    assert_problem(response, 409)
    in_review.refresh_from_db()
    assert in_review.address != "南宁市青秀区民族大道 200 号"
    assert not _api_events("api.posting_resubmitted")


@pytest.mark.parametrize(
    ("verb", "body"),
    [
        ("withdraw", {"reason": "x"}),
        ("fill", {}),
        ("extend", {"end_date": "2099-01-01"}),
        ("resubmit", {"address": "别处"}),
    ],
)
def test_another_employer_s_posting_is_not_found_for_every_verb(
    officer: User, published: Posting, verb: str, body: dict[str, Any]
) -> None:
    stranger = applicant_make(officer, name="覃某", id_number=ID_NUMBERS[1])

    response = _post(_signed_in(stranger), f"/api/v1/me/postings/{published.pk}/{verb}/", body)

    assert_problem(response, 404)
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.address != "别处"
    assert not AuditEvent.objects.filter(action__startswith="api.").exists()


# --- Own cases: withdraw, hand in materials -------------------------------------------------------


def test_an_applicant_withdraws_their_own_case(
    officer: User, employer: Applicant, published: Posting
) -> None:
    in_review = posting_make(officer, published.market)
    owner = Case.objects.get(pk=in_review.case_id).owner
    other_market = MarketFactory.create(region=published.market.region, name="另一个市场")

    response = _post(
        _signed_in(employer),
        f"/api/v1/me/cases/{in_review.case_id}/withdraw/",
        # Only the reason is the applicant's: the rest is ignored.
        {"reason": "不招了", "market": other_market.pk, "state": "closed", "owner": None},
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.WITHDRAWN
    case = Case.objects.get(pk=in_review.case_id)
    assert case.market == published.market
    assert case.owner == owner
    in_review.refresh_from_db()
    assert in_review.status == Status.WITHDRAWN  # the posting with its case, as at the counter
    [event] = _api_events("api.case_withdrawn")
    assert event.new_values["applicant_id"] == employer.pk


def test_materials_are_handed_in_with_a_file_per_missing_item(
    officer: User, employer: Applicant, published: Posting
) -> None:
    returned = posting_make(officer, published.market)
    _returned(officer, returned)
    case = Case.objects.get(pk=returned.case_id)
    [item] = case.notices.get().items.all()
    client = _signed_in(employer)

    response = client.post(
        f"/api/v1/me/cases/{case.pk}/materials/",
        {"item": [item.pk], "file": [SimpleUploadedFile("营业执照.pdf", PDF, "application/pdf")]},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        HTTP_X_CSRFTOKEN=CSRF,
    )

    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    item.refresh_from_db()
    assert item.received_at is not None
    assert CaseAttachment.objects.filter(case=case).count() == 1
    [event] = _api_events("api.materials_handed_in")
    assert event.new_values["items"] == [item.pk]


def test_a_scanned_document_larger_than_a_json_body_is_handed_in(
    officer: User, employer: Applicant, published: Posting
) -> None:
    """The API's bodies are JSON of at most 1 MiB, but the materials address takes a file as
    large as the counter's (a phone photo of a licence is several MiB)."""
    returned = posting_make(officer, published.market)
    _returned(officer, returned)
    case = Case.objects.get(pk=returned.case_id)
    [item] = case.notices.get().items.all()
    scan = PDF.replace(b"\n1 0 obj", b"\n%" + b"x" * (3 * 1024 * 1024) + b"\n1 0 obj", 1)

    response = _signed_in(employer).post(
        f"/api/v1/me/cases/{case.pk}/materials/",
        {"item": [item.pk], "file": [SimpleUploadedFile("执照.pdf", scan, "application/pdf")]},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        HTTP_X_CSRFTOKEN=CSRF,
    )

    assert response.status_code == 200, response.content
    assert CaseAttachment.objects.get(case=case).size == len(scan)


def test_an_upload_repeated_with_its_key_is_kept_once_and_another_file_is_409(
    officer: User, employer: Applicant, published: Posting
) -> None:
    returned = posting_make(officer, published.market)
    _returned(officer, returned)
    case = Case.objects.get(pk=returned.case_id)
    [item] = case.notices.get().items.all()
    client = _signed_in(employer)
    key = str(uuid.uuid4())

    def upload(content: bytes) -> Any:
        return client.post(
            f"/api/v1/me/cases/{case.pk}/materials/",
            {"item": [item.pk], "file": [SimpleUploadedFile("a.pdf", content, "application/pdf")]},
            HTTP_IDEMPOTENCY_KEY=key,
            HTTP_X_CSRFTOKEN=CSRF,
        )

    first, again = upload(PDF), upload(PDF)
    other = upload(PDF.replace(b"1 0 obj", b"2 0 obj"))

    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert_problem(other, 409)
    assert CaseAttachment.objects.filter(case=case).count() == 1


def test_a_json_body_of_the_same_size_is_still_a_413_problem(
    employer: Applicant, published: Posting
) -> None:
    response = _post(
        _signed_in(employer),
        f"/api/v1/me/cases/{published.case_id}/withdraw/",
        {"reason": "x" * (3 * 1024 * 1024)},
    )

    assert_problem(response, 413)
    assert Case.objects.get(pk=published.case_id).state != State.WITHDRAWN


def test_materials_for_an_item_not_missing_are_a_400_problem(
    officer: User, employer: Applicant, published: Posting
) -> None:
    returned = posting_make(officer, published.market)
    _returned(officer, returned)
    case = Case.objects.get(pk=returned.case_id)

    response = _signed_in(employer).post(
        f"/api/v1/me/cases/{case.pk}/materials/",
        {"item": [999999], "file": [SimpleUploadedFile("a.pdf", PDF, "application/pdf")]},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        HTTP_X_CSRFTOKEN=CSRF,
    )

    assert_problem(response, 400)
    case.refresh_from_db()
    assert case.state == State.AWAITING_MATERIALS
    assert not CaseAttachment.objects.filter(case=case).exists()


def test_materials_as_json_are_a_415_problem(
    officer: User, employer: Applicant, published: Posting
) -> None:
    response = _post(
        _signed_in(employer), f"/api/v1/me/cases/{published.case_id}/materials/", {"item": [1]}
    )

    assert_problem(response, 415)


def test_another_applicant_s_case_is_not_found_for_withdraw_and_materials(
    officer: User, published: Posting
) -> None:
    in_review = posting_make(officer, published.market)
    _returned(officer, in_review)
    [item] = Case.objects.get(pk=in_review.case_id).notices.get().items.all()
    stranger = _signed_in(applicant_make(officer, name="覃某", id_number=ID_NUMBERS[1]))

    withdrawn = _post(stranger, f"/api/v1/me/cases/{in_review.case_id}/withdraw/", {"reason": "x"})
    handed_in = stranger.post(
        f"/api/v1/me/cases/{in_review.case_id}/materials/",
        {"item": [item.pk], "file": [SimpleUploadedFile("a.pdf", PDF, "application/pdf")]},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        HTTP_X_CSRFTOKEN=CSRF,
    )

    assert_problem(withdrawn, 404)
    assert_problem(handed_in, 404)
    assert Case.objects.get(pk=in_review.case_id).state == State.AWAITING_MATERIALS
    assert not CaseAttachment.objects.exists()


# --- A seeker's own profile -----------------------------------------------------------------------


def test_a_seeker_keeps_their_profile_current(seeker: SeekerProfile) -> None:
    response = _patch(_signed_in(seeker.applicant), "/api/v1/me/", {"skills": "收银，会计"})

    assert response.status_code == 200, response.content
    assert response.json()["profile"]["skills"] == "收银，会计"
    seeker.refresh_from_db()
    assert seeker.skills == "收银，会计"
    assert seeker.history.count() >= 2  # the earlier value is kept
    [event] = _api_events("api.profile_updated")
    assert event.new_values["changed"] == ["skills"]
    assert event.new_values["applicant"] == "韦**"  # a person's name masked


def test_a_seeker_cannot_change_name_id_number_mobile_or_other_records_through_patch(
    officer: User, seeker: SeekerProfile
) -> None:
    applicant = seeker.applicant
    other = applicant_make(officer, name="覃某", id_number=ID_NUMBERS[1])

    response = _patch(
        _signed_in(applicant),
        "/api/v1/me/",
        {
            "name": "改名",
            "id_number": ID_NUMBERS[1],
            "mobile": "13900000000",
            "applicant": other.pk,
            "state": "closed",
            "difficulty_categories": ["disabled"],
            "skills": "收银",
        },
    )
    only_others = _patch(_signed_in(applicant), "/api/v1/me/", {"name": "改名"})

    assert response.status_code == 200, response.content
    applicant.refresh_from_db()
    seeker.refresh_from_db()
    assert applicant.name == "韦小宝"
    assert applicant.mobile == "13800138000"
    assert seeker.skills == "收银"
    assert list(seeker.difficulty_categories) == []
    assert not SeekerProfile.objects.filter(applicant=other).exists()
    assert_problem(only_others, 400)


def test_an_invalid_profile_value_is_a_400_problem_per_field(seeker: SeekerProfile) -> None:
    response = _patch(_signed_in(seeker.applicant), "/api/v1/me/", {"home_county": "999999"})

    body = assert_problem(response, 400)
    assert "home_county" in body["errors"]


def test_an_employer_has_no_profile_to_patch(employer: Applicant) -> None:
    response = _patch(_signed_in(employer), "/api/v1/me/", {"skills": "x"})

    assert_problem(response, 403)
    assert not _api_events("api.profile_updated")


# --- Matches and applications ---------------------------------------------------------------------


def test_a_seeker_sees_matches_applies_and_reads_the_outcome(
    seeker: SeekerProfile, published: Posting
) -> None:
    client = _signed_in(seeker.applicant)

    matches = client.get("/api/v1/me/matches/")
    applied = _post(client, "/api/v1/me/referrals/", {"posting": published.pk})
    again = _post(client, "/api/v1/me/referrals/", {"posting": published.pk})
    referrals = client.get("/api/v1/me/referrals/")

    assert matches.status_code == 200, matches.content
    [match] = matches.json()
    assert match["posting"]["id"] == published.pk
    assert match["reasons"] and match["reasons"][0]["text"]
    assert "contact_phone" not in match["posting"]
    assert applied.status_code == 201, applied.content
    assert applied.json()["outcome"] == "recommended"
    assert_problem(again, 400)  # applied already
    [referral] = referrals.json()["results"]
    assert referral["posting"]["id"] == published.pk
    assert referral["outcome_label"]
    assert Referral.objects.get().seeker == seeker
    [event] = _api_events("api.applied")
    assert event.new_values["posting"] == published.pk


def test_applying_names_no_other_seeker(
    officer: User, seeker: SeekerProfile, published: Posting, nanning_market: Market
) -> None:
    other = seeker_make(officer, nanning_market, id_number=ID_NUMBERS[1])

    response = _post(
        _signed_in(seeker.applicant),
        "/api/v1/me/referrals/",
        {"posting": published.pk, "seeker": other.pk, "applicant": other.applicant_id},
    )

    assert response.status_code == 201, response.content
    assert Referral.objects.get().seeker == seeker
    assert not Referral.objects.filter(seeker=other).exists()


def test_applying_for_a_posting_not_published_is_not_found(
    officer: User, seeker: SeekerProfile, published: Posting
) -> None:
    in_review = posting_make(officer, published.market)

    response = _post(
        _signed_in(seeker.applicant), "/api/v1/me/referrals/", {"posting": in_review.pk}
    )

    assert_problem(response, 404)
    assert not Referral.objects.exists()


def test_an_employer_has_no_matches_and_no_referrals(employer: Applicant) -> None:
    client = _signed_in(employer)

    assert_problem(client.get("/api/v1/me/matches/"), 404)
    assert client.get("/api/v1/me/referrals/").json()["results"] == []


def test_more_files_than_django_takes_are_a_400_problem(
    officer: User, employer: Applicant, published: Posting
) -> None:
    returned = posting_make(officer, published.market)
    _returned(officer, returned)
    case = Case.objects.get(pk=returned.case_id)
    files = [SimpleUploadedFile(f"{n}.pdf", PDF, "application/pdf") for n in range(6)]

    response = _signed_in(employer).post(
        f"/api/v1/me/cases/{case.pk}/materials/",
        {"item": [1] * 6, "file": files},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        HTTP_X_CSRFTOKEN=CSRF,
    )

    assert_problem(response, 400)
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_MATERIALS
    assert not CaseAttachment.objects.exists()
