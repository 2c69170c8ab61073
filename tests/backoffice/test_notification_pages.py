"""The bell (站内通知): the unread count in the top bar, the list of one's own notifications
(unread first), and marking one read, which leads to what it is about."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from notifications.models import Notification
from notifications.services import notification_mark_read, notification_send

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def bell(html: str) -> str:
    found = re.search(r'<a class="bell[^"]*" href="/notifications/"[^>]*>([^<]*)</a>', html)
    assert found is not None, "no bell on the page"
    return found.group(1)


def _bell_and_counts(client: Client) -> tuple[str, int]:
    """The bell of the home page, and how many statements read the notifications for it."""
    with CaptureQueriesContext(connection) as context:
        html = client.get("/").content.decode()
    counts = [q for q in context.captured_queries if "notifications_notification" in q["sql"]]
    return bell(html), len(counts)


def test_the_bell_shows_the_number_of_unread_notifications_counted_once_until_one_changes(
    officer: User, team_lead: User, verified_client: Clients
) -> None:
    transferred = notification_send(recipient=officer, text="案件已转交给您", link="/cases/1/")
    notification_send(recipient=officer, text="案件即将超时")
    read = notification_send(recipient=officer, text="已读的通知")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    notification_send(recipient=team_lead, text="别人的通知")
    client = english(verified_client(officer))

    assert _bell_and_counts(client) == ("Notifications (2)", 1)
    assert _bell_and_counts(client) == ("Notifications (2)", 0)  # kept (shared cache)

    notification_send(recipient=officer, text="新的通知")
    assert _bell_and_counts(client) == ("Notifications (3)", 1)
    notification_mark_read(recipient=officer, notification_id=transferred.pk)
    assert _bell_and_counts(client) == ("Notifications (2)", 1)
    notification_send(recipient=team_lead, text="别人的又一条通知")  # not the officer's
    assert _bell_and_counts(client) == ("Notifications (2)", 0)
    Notification.objects.get(pk=transferred.pk).delete()
    assert _bell_and_counts(client) == ("Notifications (2)", 1)


def test_administrators_have_the_bell_too_and_unverified_sessions_do_not(
    system_admin: User,
    newcomer: User,
    verified_client: Clients,
    password_only_client: Clients,
) -> None:
    notification_send(recipient=system_admin, text="2027 年的日历需要录入", link="/admin/sla/")

    assert bell(english(verified_client(system_admin)).get("/").content.decode()).endswith("(1)")
    setup = password_only_client(newcomer).get("/accounts/second-factor/setup/").content.decode()
    assert 'class="who"' in setup  # the top bar is there, without the bell
    assert 'class="bell' not in setup


def test_the_list_shows_my_notifications_unread_first_and_nobody_elses(
    frozen_time: time_machine.Traveller,
    officer: User,
    team_lead: User,
    verified_client: Clients,
) -> None:
    oldest = notification_send(recipient=officer, text="最早的通知", link="/cases/1/")
    frozen_time.shift(timedelta(minutes=1))
    read = notification_send(recipient=officer, text="已读的通知")
    frozen_time.shift(timedelta(minutes=1))
    newest = notification_send(recipient=officer, text="最新的通知", link="/cases/2/")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    notification_send(recipient=team_lead, text="别人的通知")

    response = verified_client(officer).get("/notifications/")

    html = response.content.decode()
    assert [n.pk for n, _link in response.context["rows"]] == [newest.pk, oldest.pk, read.pk]
    assert "别人的通知" not in html
    assert f'action="/notifications/{newest.pk}/read/"' in html
    assert f'action="/notifications/{read.pk}/read/"' not in html  # read already


def test_the_list_is_paginated(officer: User, verified_client: Clients) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=officer, text=f"通知{n}") for n in range(30)
    )
    client = verified_client(officer)

    first = client.get("/notifications/")
    second = client.get("/notifications/?page=2")

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert 'href="?page=2"' in first.content.decode()


def test_marking_read_leads_to_what_the_notification_is_about(
    officer: User, verified_client: Clients
) -> None:
    notification = notification_send(recipient=officer, text="案件即将超时", link="/cases/7/")

    response = verified_client(officer).post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == "/cases/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_a_notification_without_a_link_goes_back(
    officer: User, verified_client: Clients
) -> None:
    notification = notification_send(recipient=officer, text="案件即将超时")
    client = verified_client(officer)

    back = client.post(
        f"/notifications/{notification.pk}/read/", {"next": "/notifications/?page=2"}
    )
    elsewhere = client.post(
        f"/notifications/{notification.pk}/read/", {"next": "https://evil.example/"}
    )

    assert back["Location"] == "/notifications/?page=2"
    assert elsewhere["Location"] == "/notifications/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_a_link_to_another_site_is_never_followed(officer: User, verified_client: Clients) -> None:
    # Written past the service (which refuses such links), as a bad import might.
    notification = Notification.objects.create(
        recipient=officer, text="钓鱼", link="//evil.example/"
    )
    client = verified_client(officer)

    page = client.get("/notifications/").content.decode()
    response = client.post(f"/notifications/{notification.pk}/read/")

    assert "evil.example" not in page
    assert response["Location"] == "/notifications/"


def test_someone_elses_notification_is_404_and_stays_unread(
    officer: User, team_lead: User, verified_client: Clients
) -> None:
    notification = notification_send(recipient=team_lead, text="别人的通知", link="/cases/1/")

    response = verified_client(officer).post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_marking_read_takes_a_post(officer: User, verified_client: Clients) -> None:
    notification = notification_send(recipient=officer, text="案件即将超时")

    response = verified_client(officer).get(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None
