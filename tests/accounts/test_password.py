"""Periodic password change (PASSWORD_MAX_AGE) and the password policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import pytest
import time_machine
from conftest import PASSWORD, is_signed_in
from django.conf import settings
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
)
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from accounts.validators import CharacterClassValidator

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

CHANGE = "/accounts/password/"
NEW_PASSWORD = "Fresh-Lantern-73?"


def expire_password(user: User) -> None:
    user.password_changed_at = timezone.now() - settings.PASSWORD_MAX_AGE - timedelta(days=1)
    user.save(update_fields=["password_changed_at"])


def change_password(client: Client, new: str, old: str = PASSWORD) -> Response:
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def in_chinese(text: object) -> str:
    with translation.override("zh-hans"):
        return str(text)


@pytest.mark.django_db
def test_a_password_older_than_the_maximum_age_must_be_changed_first(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    expire_password(officer)
    client = verified_client(officer)

    for url in ["/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == CHANGE, url
    assert client.get(CHANGE).status_code == 200


@pytest.mark.django_db
def test_a_password_just_within_the_maximum_age_is_accepted(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    officer.password_changed_at = timezone.now() - settings.PASSWORD_MAX_AGE + timedelta(hours=1)
    officer.save(update_fields=["password_changed_at"])

    assert verified_client(officer).get("/").status_code == 200


@pytest.mark.django_db
def test_changing_the_expired_password_lets_the_user_through_in_the_same_session(
    frozen_time: time_machine.Traveller,
    officer: User,
    verified_client: Callable[[User], Client],
) -> None:
    expire_password(officer)
    client = verified_client(officer)
    other_session = verified_client(officer)

    response = change_password(client, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert is_signed_in(client)
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert officer.password_changed_at == timezone.now()
    assert not officer.password_expired
    # Another session, still with the old password, ends.
    assert other_session.get("/")["Location"] == "/accounts/login/?next=/"
    assert not is_signed_in(other_session)


@pytest.mark.django_db
def test_a_password_change_without_the_old_password_is_refused(
    officer: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(officer)

    response = change_password(client, NEW_PASSWORD, old="Not-My-Password-1")

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_password", "expected_message"),
    [
        pytest.param(
            "Ab1!xyz",
            lambda: MinimumLengthValidator(min_length=12).get_error_message(),
            id="too short",
        ),
        pytest.param(
            "lanternharbourmeadow",
            lambda: CharacterClassValidator(min_classes=3).get_help_text(),
            id="lower-case only",
        ),
        pytest.param(
            "lanternharbour2026",
            lambda: CharacterClassValidator(min_classes=3).get_help_text(),
            id="two kinds of character",
        ),
        pytest.param(
            "Qwerty123456",
            lambda: CommonPasswordValidator().get_error_message(),
            id="common",
        ),
    ],
)
def test_a_weak_new_password_is_refused_with_the_reason(
    officer: User,
    verified_client: Callable[[User], Client],
    new_password: str,
    expected_message: Callable[[], str],
) -> None:
    client = verified_client(officer)

    response = change_password(client, new_password)

    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    with translation.override("zh-hans"):
        message = expected_message()
        if "%(min_length)d" in message:
            message %= {"min_length": 12}
    assert message in errors
    assert message in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_the_policy_asks_for_twelve_characters_of_three_kinds() -> None:
    configured = cast("list[dict[str, Any]]", settings.AUTH_PASSWORD_VALIDATORS)
    validators = {v["NAME"].rsplit(".", 1)[1]: v for v in configured}

    assert validators["MinimumLengthValidator"]["OPTIONS"] == {"min_length": 12}
    assert validators["CharacterClassValidator"]["OPTIONS"] == {"min_classes": 3}
    assert "CommonPasswordValidator" in validators


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefgh", 1), ("abcdEFGH", 2), ("abcdEF12", 3), ("abEF12!?", 4), ("中文密码abc1", 2)],
)
def test_character_classes_are_counted(password: str, classes: int) -> None:
    for required in range(1, 5):
        validator = CharacterClassValidator(min_classes=required)
        if classes >= required:
            validator.validate(password)
        else:
            with pytest.raises(ValidationError):
                validator.validate(password)
