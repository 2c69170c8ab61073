"""The case page's timeline shows what an event recorded in words: a service item and its
outcome by their labels in the reader's language, never their codes ("training", "provided")."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from startup_support import startup_make

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market
from workflows.startup.services import startup_item_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "item", "outcome"),
    [("zh-hans", "创业培训", "已提供"), ("en", "Start-up training", "Provided")],
)
def test_a_service_outcome_is_shown_by_its_labels(
    officer: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
    language: str,
    item: str,
    outcome: str,
) -> None:
    case = startup_make(officer, nanning_market)
    startup_item_record(actor=officer, case=case, item="training", outcome="provided")
    client = verified_client(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(f"/cases/{case.pk}/").content.decode()

    event = AuditEvent.objects.get(action="startup.item_recorded")
    assert (event.new_values["item"], event.new_values["outcome"]) == ("training", "provided")
    details = re.findall(r'<td class="text">(.*?)</td>', html, re.S)
    assert f"{outcome} · {item}" in details
    pieces = {piece for text in details for piece in text.split(" · ")}
    assert not pieces & {"training", "provided"}
