"""The employer keeps their postings current online (standard art. 26–27): the list of their
postings, a posting returned with a single notice corrected on a form filled in from the record
(checked and screened again, back in review), a published one marked filled, extended or
withdrawn; another employer's posting is 404 and nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from counter_support import qingxiu_make
from django.test import Client
from django.utils import timezone
from online_support import employer_signed_in, posting_post

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, ChecklistItem, State
from cases.services import case_claim
from markets.models import Market
from workflows.postings.models import Posting, Status
from workflows.postings.services import posting_publish, posting_return_for_correction

pytestmark = pytest.mark.django_db


def _submitted(market: Market) -> tuple[Client, Posting]:
    qingxiu_make()
    client = employer_signed_in(market)
    response = client.post("/portal/online/postings/new/", posting_post(market))
    assert response.status_code == 302, response.content.decode()
    return client, Posting.objects.get()


def _returned(officer: User, posting: Posting) -> None:
    assert posting.case is not None
    case_claim(actor=officer, case=posting.case)
    item = ChecklistItem.objects.filter(kind="posting_review", is_active=True).first()
    assert item is not None
    posting_return_for_correction(actor=officer, posting=posting, items=[item])


def _published(officer: User, market: Market) -> tuple[Client, Posting]:
    client, posting = _submitted(market)
    assert posting.case is not None
    case_claim(actor=officer, case=posting.case)
    return client, posting_publish(actor=officer, posting=posting)


def test_the_home_page_leads_to_the_employers_postings(nanning_market: Market) -> None:
    client, posting = _submitted(nanning_market)

    home = client.get("/portal/online/home/").content.decode()
    page = client.get("/portal/online/postings/").content.decode()

    assert 'href="/portal/online/postings/"' in home
    assert f'href="/portal/online/postings/{posting.pk}/"' in page
    assert "审核中" in page  # its state, in the default language


def test_a_returned_posting_is_corrected_and_back_in_review(
    officer: User, nanning_market: Market
) -> None:
    client, posting = _submitted(nanning_market)
    _returned(officer, posting)
    page = client.get(f"/portal/online/postings/{posting.pk}/").content.decode()
    assert f'href="/portal/online/postings/{posting.pk}/correct/"' in page
    form = client.get(f"/portal/online/postings/{posting.pk}/correct/").content.decode()
    assert "南宁市青秀区民族大道 100 号" in form  # filled in from the record

    response = client.post(
        f"/portal/online/postings/{posting.pk}/correct/",
        posting_post(nanning_market, address="南宁市青秀区民族大道 200 号", status="published")
        | {"market": 999},
    )

    assert response.status_code == 302
    posting.refresh_from_db()
    assert (posting.address, posting.status) == ("南宁市青秀区民族大道 200 号", Status.IN_REVIEW)
    assert posting.market_id == nanning_market.pk
    case = Case.objects.get(pk=posting.case_id)
    assert case.state == State.IN_PROGRESS
    assert case.notices.get().items.filter(received_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(
        action="posting.resubmitted", target_id=str(posting.pk)
    ).exists()


def test_a_correction_that_breaks_a_rule_is_shown_on_the_form_and_changes_nothing(
    officer: User, nanning_market: Market
) -> None:
    client, posting = _submitted(nanning_market)
    _returned(officer, posting)
    screened = posting_post(nanning_market, description="限男性，女性勿扰。")

    response = client.post(f"/portal/online/postings/{posting.pk}/correct/", screened)

    assert response.status_code == 200
    assert "限男性，女性勿扰。" in response.content.decode()  # what was typed is kept
    posting.refresh_from_db()
    assert posting.description != "限男性，女性勿扰。"
    assert Case.objects.get(pk=posting.case_id).state == State.AWAITING_MATERIALS


def test_a_posting_not_returned_offers_no_correction(nanning_market: Market) -> None:
    client, posting = _submitted(nanning_market)

    response = client.post(
        f"/portal/online/postings/{posting.pk}/correct/",
        posting_post(nanning_market, address="别处 1 号"),
    )

    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.address == "南宁市青秀区民族大道 100 号"


def test_a_published_posting_is_extended_then_marked_filled(
    officer: User, nanning_market: Market
) -> None:
    client, posting = _published(officer, nanning_market)
    later = posting.end_date + timedelta(days=7)
    url = f"/portal/online/postings/{posting.pk}/"

    client.post(url, {"action": "extend", "end_date": later.isoformat()})
    posting.refresh_from_db()
    assert posting.end_date == later

    client.post(url, {"action": "fill"})
    posting.refresh_from_db()
    assert posting.status == Status.FILLED
    actions = set(
        AuditEvent.objects.filter(target_id=str(posting.pk)).values_list("action", flat=True)
    )
    assert {"posting.extended", "posting.filled"} <= actions
    page = client.get(url).content.decode()
    assert 'value="fill"' not in page and 'value="extend"' not in page


def test_an_extension_into_the_past_is_shown_on_the_page_and_changes_nothing(
    officer: User, nanning_market: Market
) -> None:
    client, posting = _published(officer, nanning_market)
    before = posting.end_date

    response = client.post(
        f"/portal/online/postings/{posting.pk}/",
        {"action": "extend", "end_date": (timezone.localdate() - timedelta(days=3)).isoformat()},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="online-error"' in page
    assert "须晚于当前的最后工作日" in page
    posting.refresh_from_db()
    assert posting.end_date == before


def test_a_published_posting_is_withdrawn_with_a_reason(
    officer: User, nanning_market: Market
) -> None:
    client, posting = _published(officer, nanning_market)
    url = f"/portal/online/postings/{posting.pk}/"

    empty = client.post(url, {"action": "withdraw", "reason": "  "})
    assert empty.status_code == 200
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED

    client.post(url, {"action": "withdraw", "reason": "已在别处招满"})
    posting.refresh_from_db()
    assert posting.status == Status.WITHDRAWN


def test_a_filled_posting_refuses_another_fill_with_a_message(
    officer: User, nanning_market: Market
) -> None:
    client, posting = _published(officer, nanning_market)
    url = f"/portal/online/postings/{posting.pk}/"
    client.post(url, {"action": "fill"})
    events = AuditEvent.objects.count()

    response = client.post(url, {"action": "withdraw", "reason": "再撤"}, follow=True)

    assert response.status_code == 200
    posting.refresh_from_db()
    assert posting.status == Status.FILLED
    assert AuditEvent.objects.count() == events


def test_another_employers_posting_is_404_and_unchanged(
    officer: User, nanning_market: Market
) -> None:
    _client, posting = _published(officer, nanning_market)
    from conftest import ID_NUMBERS

    stranger = employer_signed_in(
        nanning_market, mobile="13911113333", credit_code="", kind="person", id_number=ID_NUMBERS[1]
    )

    url = f"/portal/online/postings/{posting.pk}/"
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"action": "fill"}).status_code == 404
    assert stranger.get(f"{url}correct/").status_code == 404
    assert (
        f"/postings/{posting.pk}/" not in stranger.get("/portal/online/postings/").content.decode()
    )
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED


def test_the_postings_list_reads_in_a_bounded_number_of_queries(
    officer: User, nanning_market: Market, django_assert_max_num_queries: object
) -> None:
    client, _posting = _submitted(nanning_market)
    for _ in range(3):
        client.post("/portal/online/postings/new/", posting_post(nanning_market))
    assert Posting.objects.count() == 4

    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = client.get("/portal/online/postings/")
    assert response.content.decode().count('href="/portal/online/postings/') >= 4


def test_a_piece_rate_is_submitted_online_with_its_daily_output(nanning_market: Market) -> None:
    qingxiu_make()
    client = employer_signed_in(nanning_market)
    piece = posting_post(
        nanning_market, pay_method="piece", pay_min="2", pay_max="2", piece_daily_output="150"
    )

    response = client.post("/portal/online/postings/new/", piece)

    assert response.status_code == 302, response.content.decode()
    assert Posting.objects.get().piece_daily_output == 150
