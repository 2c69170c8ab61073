"""The event log's "About" column names what an event is about in words: the kind of record
and a readable label, never bare numbers such as "1: 49"."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from training_support import COOK, regions_make, seeker_make

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market
from workflows.postings.models import Occupation
from workflows.training.services import training_wish_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "kind"), [("zh-hans", "培训意愿"), ("en", "Training wish")])
def test_a_training_wish_is_shown_by_kind_seeker_and_occupation(
    officer: User,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
    language: str,
    kind: str,
) -> None:
    regions_make()
    seeker = seeker_make(officer, nanning_market)
    cook = Occupation.objects.get(code=COOK)
    wish = training_wish_record(actor=officer, seeker=seeker, occupation=cook)
    client = verified_client(team_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get("/audit/events/").content.decode()

    event = AuditEvent.objects.get(target_type="training.trainingwish", target_id=str(wish.pk))
    assert event.target_label == f"{seeker} · {cook.name}"
    [about] = [
        cells[-1]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        if (cells := re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        and f">{event.pk}<" in f">{cells[0]}<"
    ]
    assert kind in about
    assert cook.name in about and "韦小宝0" in about
    assert f"{seeker.pk}: {cook.pk}" not in about
    assert seeker.applicant.id_number not in html  # the seeker's ID number stays masked
