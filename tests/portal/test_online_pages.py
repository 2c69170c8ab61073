"""The online self-service pages: registration (seeker, employer), a posting submitted, the
applicant's case page (single notice, hand in, withdraw), the receipt, jobs and applying;
another applicant's case by id is 404; fields an applicant may not set are ignored."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ID_NUMBERS
from counter_support import SEEKER_ID, posting_make, qingxiu_make
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from online_support import (
    MOBILE,
    employer_signed_in,
    posting_post,
    posting_returned,
    posting_submitted_online,
    signed_in,
)

from accounts.models import User
from cases.applicant_session import SESSION_KEY
from cases.models import Applicant, Case, State
from markets.models import Market
from workflows.guidance.matching import match_postings
from workflows.guidance.models import Referral
from workflows.postings.models import Posting, Status
from workflows.seekers.models import SeekerProfile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


SEEKER_POST = {
    "name": "韦小宝",
    "id_number": SEEKER_ID,
    "household_type": "rural",
    "home_county": "450103",
    "wanted_occupations": ["4-03-02-05"],
    "wanted_areas": ["450100"],
    "available_days": ["1", "2", "3", "4", "5"],
    "available_from": "08:00",
    "available_until": "20:00",
    "skills": "餐厅服务",
}


def test_a_seeker_registers_on_the_page_and_is_signed_in(nanning_market: Market) -> None:
    qingxiu_make()
    client = signed_in()

    response = client.post(
        "/portal/online/register/seeker/", {**SEEKER_POST, "market": nanning_market.pk}
    )

    assert response["Location"] == "/portal/online/home/"
    seeker = SeekerProfile.objects.get()
    assert client.session[SESSION_KEY] == seeker.applicant_id
    assert seeker.applicant.mobile == MOBILE
    assert Case.objects.get().channel == "online"


def test_a_seeker_online_may_consent_to_the_platform_and_withdraw_it(
    nanning_market: Market,
) -> None:
    """The consent the counter records (the provincial platform link) is asked online too:
    given at registration, the registration goes out; withdrawn on the profile, it stops."""
    from provincial.models import OutboundMessage

    qingxiu_make()
    client = signed_in()
    client.post(
        "/portal/online/register/seeker/",
        {**SEEKER_POST, "market": nanning_market.pk, "platform_consent": "on"},
    )
    seeker = SeekerProfile.objects.get()
    assert seeker.platform_consent and seeker.platform_consent_at is not None
    profile = client.get("/portal/online/profile/").content.decode()
    assert 'name="platform_consent"' in profile and "checked" in profile

    data = {k: v for k, v in SEEKER_POST.items() if k not in ("name", "id_number")}
    client.post("/portal/online/profile/", data)  # the box left unticked

    seeker.refresh_from_db()
    assert not seeker.platform_consent
    changes = list(OutboundMessage.objects.order_by("sequence").values_list("change", flat=True))
    assert changes == ["registered", "consent_withdrawn"]


def test_a_mobile_typed_on_the_registration_form_is_ignored(nanning_market: Market) -> None:
    qingxiu_make()
    client = signed_in()
    client.post(
        "/portal/online/register/seeker/",
        {**SEEKER_POST, "market": nanning_market.pk, "mobile": "13700000000"},
    )
    assert SeekerProfile.objects.get().applicant.mobile == MOBILE


def test_registration_needs_a_mobile_proven_by_a_code(nanning_market: Market) -> None:
    response = Client().post(
        "/portal/online/register/seeker/", {**SEEKER_POST, "market": nanning_market.pk}
    )
    assert response["Location"] == "/portal/online/"
    assert not Applicant.objects.exists()


def test_a_bad_id_number_is_shown_on_the_form(nanning_market: Market) -> None:
    qingxiu_make()
    client = signed_in()
    response = client.post(
        "/portal/online/register/seeker/",
        {**SEEKER_POST, "market": nanning_market.pk, "id_number": "450102199003071239"},
    )
    assert response.status_code == 200
    assert not Applicant.objects.exists()


def test_an_employer_submits_a_posting_that_waits_for_review(nanning_market: Market) -> None:
    qingxiu_make()
    client = employer_signed_in(nanning_market)

    response = client.post(
        "/portal/online/postings/new/",
        posting_post(nanning_market, status="published", employer="1", case="1", owner="1"),
    )

    posting = Posting.objects.get()
    assert response["Location"] == f"/portal/online/cases/{posting.case_id}/"
    assert posting.status == Status.IN_REVIEW
    assert posting.employer.mobile == MOBILE
    case = posting.case
    assert case is not None
    assert (case.channel, case.state, case.owner_id) == ("online", State.NEW, None)
    page = client.get(f"/portal/online/cases/{case.pk}/")
    assert case.reference in page.content.decode()
    receipt = client.get(f"/portal/online/cases/{case.pk}/receipt/")
    assert receipt.status_code == 200
    assert case.reference in receipt.content.decode()


def test_another_applicants_case_and_receipt_are_404(officer: User, nanning_market: Market) -> None:
    qingxiu_make()
    posting = posting_make(officer, nanning_market)  # another employer's, at the counter
    client = employer_signed_in(
        nanning_market, credit_code="", kind="person", id_number=ID_NUMBERS[1]
    )

    for path in ("", "receipt/"):
        assert client.get(f"/portal/online/cases/{posting.case_id}/{path}").status_code == 404
    response = client.post(
        f"/portal/online/cases/{posting.case_id}/", {"action": "withdraw", "reason": "x"}
    )
    assert response.status_code == 404
    posting.refresh_from_db()
    assert posting.status == Status.IN_REVIEW


def test_the_employer_hands_in_the_missing_document_and_withdraws(
    officer: User, nanning_market: Market
) -> None:
    client, posting = posting_submitted_online(nanning_market)
    notice_item = posting_returned(officer, posting)
    page = client.get(f"/portal/online/cases/{posting.case_id}/")
    assert notice_item.name in page.content.decode()

    response = client.post(
        f"/portal/online/cases/{posting.case_id}/",
        {
            "action": "hand_in",
            f"item_{notice_item.pk}": SimpleUploadedFile("l.pdf", PDF, "application/pdf"),
        },
    )

    assert response.status_code == 302
    case = Case.objects.get(pk=posting.case_id)
    assert case.state == State.IN_PROGRESS
    assert case.attachments.count() == 1

    client.post(f"/portal/online/cases/{case.pk}/", {"action": "withdraw", "reason": "已招满"})
    posting.refresh_from_db()
    assert posting.status == Status.WITHDRAWN


def test_a_scan_of_several_mib_is_handed_in_online(officer: User, nanning_market: Market) -> None:
    """The online page takes a file as large as the counter's (every other page stops at
    2 MiB)."""
    client, posting = posting_submitted_online(nanning_market)
    notice_item = posting_returned(officer, posting)
    scan = PDF.replace(b"\n1 0 obj", b"\n%" + b"x" * (3 * 1024 * 1024) + b"\n1 0 obj", 1)

    response = client.post(
        f"/portal/online/cases/{posting.case_id}/",
        {
            "action": "hand_in",
            f"item_{notice_item.pk}": SimpleUploadedFile("执照.pdf", scan, "application/pdf"),
        },
    )

    assert response.status_code == 302
    assert Case.objects.get(pk=posting.case_id).attachments.get().size == len(scan)


def test_a_program_renamed_pdf_is_refused(officer: User, nanning_market: Market) -> None:
    client, posting = posting_submitted_online(nanning_market)
    notice_item = posting_returned(officer, posting)

    response = client.post(
        f"/portal/online/cases/{posting.case_id}/",
        {
            "action": "hand_in",
            f"item_{notice_item.pk}": SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf"),
        },
    )

    assert response.status_code == 200
    case = Case.objects.get(pk=posting.case_id)
    assert case.state == State.AWAITING_MATERIALS
    assert case.attachments.count() == 0


def test_a_seeker_sees_matching_postings_with_reasons_and_applies(
    officer: User, nanning_market: Market
) -> None:
    qingxiu_make()
    posting = posting_make(officer, nanning_market, publish=True)
    client = signed_in()
    client.post("/portal/online/register/seeker/", {**SEEKER_POST, "market": nanning_market.pk})

    page = client.get("/portal/online/jobs/").content.decode()
    assert posting.occupation.name in page
    match = match_postings(SeekerProfile.objects.get())[0]
    assert match.posting == posting
    assert all(reason.text in page for reason in match.reasons)

    client.post("/portal/online/jobs/", {"posting": posting.pk})

    referral = Referral.objects.get()
    assert referral.posting == posting
    assert referral.officer.username.startswith("online-desk-")
    assert referral.get_outcome_display() in client.get("/portal/online/jobs/").content.decode()


def test_the_home_page_lists_cases_in_a_bounded_number_of_queries(
    nanning_market: Market, django_assert_max_num_queries: Any
) -> None:
    qingxiu_make()
    client = employer_signed_in(nanning_market)
    for _n in range(3):
        client.post("/portal/online/postings/new/", posting_post(nanning_market))
    assert Case.objects.count() == 3
    with django_assert_max_num_queries(12):
        response = client.get("/portal/online/home/")
    assert response.status_code == 200
    for _n in range(3):
        client.post("/portal/online/postings/new/", posting_post(nanning_market))
    with django_assert_max_num_queries(12):
        client.get("/portal/online/home/")


def test_a_seeker_keeps_the_profile_current_and_an_employer_has_none(
    nanning_market: Market,
) -> None:
    qingxiu_make()
    client = signed_in()
    client.post("/portal/online/register/seeker/", {**SEEKER_POST, "market": nanning_market.pk})
    form = client.get("/portal/online/profile/")
    assert form.status_code == 200

    data = {k: v for k, v in SEEKER_POST.items() if k not in ("name", "id_number")}
    response = client.post("/portal/online/profile/", {**data, "skills": "收银、餐厅服务"})

    assert response["Location"] == "/portal/online/home/"
    seeker = SeekerProfile.objects.get()
    assert seeker.skills == "收银、餐厅服务"
    assert seeker.history.count() == 2
    employer = employer_signed_in(nanning_market, mobile="13922223333")
    assert employer.get("/portal/online/profile/").status_code == 404


def test_the_jobs_page_lists_in_a_bounded_number_of_queries(
    officer: User, nanning_market: Market, django_assert_max_num_queries: Any
) -> None:
    qingxiu_make()
    client = signed_in()
    client.post("/portal/online/register/seeker/", {**SEEKER_POST, "market": nanning_market.pk})
    first = posting_make(officer, nanning_market, publish=True)
    client.post("/portal/online/jobs/", {"posting": first.pk})
    with CaptureQueriesContext(connection) as one:
        client.get("/portal/online/jobs/")
    queries_for_one = len(one.captured_queries)
    assert queries_for_one <= 25
    for n in range(3):
        more = posting_make(officer, nanning_market, publish=True, address=f"民族大道 {n} 号")
        client.post("/portal/online/jobs/", {"posting": more.pk})
    assert Referral.objects.count() == 4
    with django_assert_max_num_queries(queries_for_one):
        client.get("/portal/online/jobs/")


def test_the_online_posting_is_in_the_officers_review_queue(
    officer: User, nanning_market: Market, verified_client: Any
) -> None:
    qingxiu_make()
    client = employer_signed_in(nanning_market)
    client.post("/portal/online/postings/new/", posting_post(nanning_market))
    posting = Posting.objects.get()

    queue = verified_client(officer).get("/counter/postings/").content.decode()
    assert f"/counter/postings/{posting.pk}/" in queue
