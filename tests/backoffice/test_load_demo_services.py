"""The demo services (``load_demo_services``): after ``make run``'s loaders the kiosk, the big
screen, matching, training and the notice board have something to show; everything came
through the services with its trail; loading again adds nothing; production refuses it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from conftest import FROZEN_AT
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, State
from markets.models import Market, Region
from noticeboard.models import PolicyArticle
from portal.selectors import posting_list_public
from workflows.guidance.matching import match_postings
from workflows.postings.models import Posting, Status
from workflows.seekers.models import SeekerProfile
from workflows.training.models import Programme

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]


def load() -> None:
    call_command("load_demo", verbosity=0)
    call_command("load_demo_services", verbosity=0)


def counts() -> dict[str, int]:
    return {
        "postings": Posting.objects.count(),
        "seekers": SeekerProfile.objects.count(),
        "programmes": Programme.objects.count(),
        "policies": PolicyArticle.objects.count(),
        "cases": Case.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_the_kiosk_and_the_big_screen_show_published_demo_postings(client: Client) -> None:
    load()

    nanning = Market.objects.get(name="南宁市零工市场")
    liuzhou = Market.objects.get(name="柳州市零工市场")
    assert posting_list_public(market=nanning).count() >= 5
    assert posting_list_public(market=liuzhou).count() >= 2
    kiosk = client.get(f"/portal/{nanning.pk}/kiosk/").content.decode()
    screen = client.get(f"/portal/{nanning.pk}/screen/").content.decode()
    assert "餐厅服务员" in kiosk and "餐厅服务员" in screen
    assert "武鸣区" in kiosk  # a county beyond the demo organisation's, from the division table


def test_every_demo_posting_was_screened_reviewed_and_published_with_its_trail() -> None:
    load()

    postings = list(Posting.objects.select_related("case"))
    assert postings and all(p.status == Status.PUBLISHED for p in postings)
    assert all(p.case.state == State.CLOSED for p in postings)
    assert not any(f.get("severity") == "block" for p in postings for f in p.screening_findings)
    published = AuditEvent.objects.filter(action="posting.published").count()
    assert published == len(postings)


def test_matching_finds_demo_postings_for_the_demo_seekers() -> None:
    load()

    seekers = list(SeekerProfile.objects.select_related("applicant", "home_county"))
    assert len(seekers) >= 4
    for seeker in seekers:
        assert match_postings(seeker, 5), seeker.applicant.name
    wuming = SeekerProfile.objects.get(applicant__name="覃春燕")
    assert wuming.home_county == Region.objects.get(code="450110")


def test_training_and_the_notice_board_have_programmes_and_policies(
    verified_client: Clients,
) -> None:
    load()
    nanning = Market.objects.get(name="南宁市零工市场")
    lead = User.objects.get(username="teamlead")

    programmes = verified_client(lead).get("/training/programmes/").content.decode()
    board = Client().get(f"/portal/{nanning.pk}/board/").content.decode()

    assert Programme.objects.filter(market=nanning, is_published=True).count() >= 3
    assert "中式面点师晚间班" in programmes
    assert "灵活就业人员社会保险补贴申领指南" in board
    assert "中式面点师晚间班" in board


def test_loading_the_demo_services_again_adds_nothing() -> None:
    load()
    first = counts()

    call_command("load_demo_services", verbosity=0)

    assert counts() == first
    assert all(first.values()), first


def test_expired_demo_postings_are_replaced_by_new_ones_on_a_later_run(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    time_machine.move_to(FROZEN_AT)
    load()
    first = Posting.objects.count()
    Posting.objects.filter(status=Status.PUBLISHED).update(status=Status.EXPIRED)

    call_command("load_demo_services", verbosity=0)

    assert Posting.objects.count() == 2 * first
    assert Posting.objects.filter(status=Status.PUBLISHED).count() == first


def test_the_demo_services_are_refused_where_demo_data_is_not_allowed(
    settings: Settings,
) -> None:
    call_command("load_demo", verbosity=0)
    settings.LGSC_ALLOW_DEMO_DATA = False

    with pytest.raises(CommandError):
        call_command("load_demo_services", verbosity=0)

    assert counts()["postings"] == counts()["seekers"] == 0
