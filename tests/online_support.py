"""Helpers of the online self-service tests: the code of the last text message to a mobile,
read from the outbox as the gateway would send it; a browser session signed in with it; an
employer registered online; a posting as the online form posts it; a posting submitted online
and returned for correction, whose single notice waits for one item."""

from __future__ import annotations

import re
from typing import Any

from counter_support import CREDIT_CODE, posting_form, qingxiu_make
from django.test import Client

from accounts.models import User
from cases.models import ChecklistItem, NoticeItem
from cases.services import case_claim
from markets.models import Market, Region
from notifications.channels import address_resolve
from notifications.models import OutboxMessage
from workflows.postings.models import Occupation, Posting
from workflows.postings.services import posting_return_for_correction

MOBILE = "13911112222"


def last_code_sent_to(mobile: str) -> str:
    for message in OutboxMessage.objects.filter(channel="sms").order_by("-pk"):
        if address_resolve(message.to) == mobile:
            found = re.search(r"\d{6}", message.body)
            assert found is not None
            return found.group(0)
    raise AssertionError(f"no code sent to {mobile}")


def signed_in(mobile: str = MOBILE) -> Client:
    client = Client()
    client.post("/portal/online/", {"mobile": mobile})
    client.post("/portal/online/code/", {"code": last_code_sent_to(mobile)})
    return client


def employer_signed_in(market: Market, mobile: str = MOBILE, **numbers: str) -> Client:
    """An organisation (or, given ``kind="person"`` and an ID number, a person) registered as
    an employer online with ``mobile``, signed in."""
    client = signed_in(mobile)
    data = {"market": market.pk, "kind": "organisation", "name": "南宁市邕江餐饮有限公司"}
    data |= numbers or {"credit_code": CREDIT_CODE}
    response = client.post("/portal/online/register/employer/", data)
    assert response.status_code == 302, response.content.decode()
    return client


def posting_post(market: Market, **extra: Any) -> dict[str, Any]:
    """The counter's lawful waiter's job as the online posting form posts it."""
    skip = {"employer_name", "credit_code", "employer_id_number", "employer_mobile", "decision"}
    data: dict[str, Any] = {k: v for k, v in posting_form().items() if k not in skip}
    data["occupation"] = Occupation.objects.get(code=data["occupation"]).pk
    data["county"] = Region.objects.get(code=data["county"]).pk
    data["market"] = market.pk
    return data | extra


def posting_submitted_online(market: Market) -> tuple[Client, Posting]:
    """An employer signed in online who has submitted the waiter's job: the client and the
    posting, in review."""
    qingxiu_make()
    client = employer_signed_in(market)
    client.post("/portal/online/postings/new/", posting_post(market))
    return client, Posting.objects.get()


def posting_returned(officer: User, posting: Posting) -> NoticeItem:
    """The posting's review case claimed by ``officer`` and returned for correction for the
    last item of the posting checklist: the single notice's one item, still to hand in."""
    assert posting.case is not None
    case_claim(actor=officer, case=posting.case)
    item = ChecklistItem.objects.filter(kind="posting_review").order_by("position").last()
    assert item is not None
    posting_return_for_correction(actor=officer, posting=posting, items=[item])
    notice_item: NoticeItem = posting.case.notices.get().items.get()
    return notice_item
