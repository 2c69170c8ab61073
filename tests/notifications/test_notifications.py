"""In-app notifications (the bell): send, count the unread, mark read only one's own."""

from __future__ import annotations

import pytest
from conftest import UserFactory
from django.core.exceptions import ValidationError

from notifications.models import Notification
from notifications.selectors import notification_list_unread, notification_unread_count
from notifications.services import notification_mark_read, notification_send

pytestmark = pytest.mark.django_db


def test_a_sent_notification_is_unread_in_the_recipients_bell_only() -> None:
    officer, colleague = UserFactory.create(), UserFactory.create()

    older = notification_send(recipient=officer, text="案件已转交给您", link="/cases/1/")
    newer = notification_send(recipient=officer, text="案件即将超时")

    assert notification_unread_count(recipient=officer) == 2
    assert list(notification_list_unread(recipient=officer)) == [newer, older]
    assert notification_unread_count(recipient=colleague) == 0
    assert older.link == "/cases/1/"
    assert older.read_at is None


def test_marking_read_takes_it_out_of_the_unread_count() -> None:
    officer = UserFactory.create()
    notification = notification_send(recipient=officer, text="案件已转交给您")
    other = notification_send(recipient=officer, text="案件即将超时")

    notification_mark_read(recipient=officer, notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.read_at is not None
    assert notification_unread_count(recipient=officer) == 1
    assert list(notification_list_unread(recipient=officer)) == [other]


def test_marking_read_twice_keeps_the_first_read_time() -> None:
    officer = UserFactory.create()
    notification = notification_send(recipient=officer, text="案件已转交给您")
    notification_mark_read(recipient=officer, notification_id=notification.pk)
    first_read_at = Notification.objects.get(pk=notification.pk).read_at

    notification_mark_read(recipient=officer, notification_id=notification.pk)

    assert Notification.objects.get(pk=notification.pk).read_at == first_read_at


def test_nobody_can_mark_someone_elses_notification_read() -> None:
    officer, colleague = UserFactory.create(), UserFactory.create()
    notification = notification_send(recipient=officer, text="案件已转交给您")

    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(recipient=colleague, notification_id=notification.pk)

    assert Notification.objects.get(pk=notification.pk).read_at is None
    assert notification_unread_count(recipient=officer) == 1


@pytest.mark.parametrize("link", ["https://example.com/", "//example.com/x", "cases/1/"])
def test_a_notification_links_only_to_a_path_on_this_site(link: str) -> None:
    with pytest.raises(ValueError, match="path on this site"):
        notification_send(recipient=UserFactory.create(), text="x", link=link)

    assert Notification.objects.count() == 0


def test_a_notification_text_is_at_most_500_characters() -> None:
    with pytest.raises(ValidationError):
        notification_send(recipient=UserFactory.create(), text="字" * 501)
