"""Helpers of the online self-service tests: the code of the last text message to a mobile,
read from the outbox as the gateway would send it; a browser session signed in with it; an
employer registered online; a posting as the online form posts it."""

from __future__ import annotations

import re
from typing import Any

from counter_support import CREDIT_CODE, posting_form
from django.test import Client

from markets.models import Market, Region
from notifications.channels import address_resolve
from notifications.models import OutboxMessage
from workflows.postings.models import Occupation

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
