"""The registry of notification messages: what a notification says, kept as a key and its
parameters and rendered in the reader's language when it is shown.

A notification is often made where no reader is present (the SLA sweep runs in a Celery
worker), so its text cannot be finished when it is made. Instead each app that tells people
things registers its messages here from its own code (a lower layer must not know the higher
ones, so this module imports none of them)::

    CASE_REASSIGNED = message_register(
        "cases.reassigned", gettext_lazy("Case %(reference)s has been assigned to you.")
    )

and sends ``notification_send(recipient=…, message=CASE_REASSIGNED, params={...})``. The
parameters are stored as JSON (strings and numbers: names, references, dates already
formatted); the text is a gettext msgid with named placeholders, translated when shown.

Languages of the messages that leave the system (the outbox):

- text messages to applicants are always in ``applicant_language()``, Chinese: applicants are
  residents using a Chinese public service, and no other language is recorded for them;
- e-mails to staff are in ``recipient_language(user)``: Chinese (``settings.LANGUAGE_CODE``),
  since ``accounts`` stores no language preference for a member of staff; the language they
  choose in the browser is a cookie, unknown to a worker sending mail.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from accounts.models import User

logger = logging.getLogger(__name__)

MESSAGE_KEY_MAX_LENGTH = 100


@dataclass(frozen=True)
class Message:
    """One registered message: its key and its translatable text (a lazy gettext msgid)."""

    key: str
    text: _StrPromise | str


_REGISTRY: dict[str, Message] = {}


def message_register(key: str, text: _StrPromise | str) -> str:
    """Register ``text`` (``gettext_lazy("… %(name)s …")``) under ``key`` and return the key.

    Keys are ``"<app>.<what>"``; registering a key again with another text is a programming
    error (two messages would share one key and old rows would change meaning)."""
    if not key or len(key) > MESSAGE_KEY_MAX_LENGTH:
        raise ValueError(f"a message key is 1 to {MESSAGE_KEY_MAX_LENGTH} characters: {key!r}")
    existing = _REGISTRY.get(key)
    if existing is not None and existing.text is not text:
        raise ValueError(f"the notification message {key!r} is registered twice")
    _REGISTRY[key] = Message(key=key, text=text)
    return key


def message_registered(key: str) -> bool:
    return key in _REGISTRY


def message_keys() -> list[str]:
    """Every registered key, sorted (for tests and checks)."""
    return sorted(_REGISTRY)


def message_source(key: str) -> str:
    """The source text (the gettext msgid) of the message ``key``."""
    with translation.override(None):
        return str(_REGISTRY[key].text)


def message_render(key: str, params: Mapping[str, Any] | None, *, fallback: str = "") -> str:
    """The message ``key`` with ``params``, in the active language; ``fallback`` when the key
    is empty or unknown (a row written before messages had keys, or a message since removed)
    or the parameters do not fit the text."""
    message = _REGISTRY.get(key) if key else None
    if message is None:
        if key:
            logger.warning("unknown notification message %r: its stored text is shown", key)
        return fallback
    try:
        return str(message.text) % dict(params or {})
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("notification message %r does not fit its parameters: %s", key, exc)
        return fallback


def message_render_in(
    language: str, key: str, params: Mapping[str, Any] | None, *, fallback: str = ""
) -> str:
    """``message_render`` in ``language``, whatever language is active."""
    with translation.override(language):
        return message_render(key, params, fallback=fallback)


def default_language() -> str:
    return str(settings.LANGUAGE_CODE)


def applicant_language() -> str:
    """The language of text messages to applicants: Chinese (see the module's docstring)."""
    return default_language()


def recipient_language(user: User) -> str:
    """The language of e-mails to a member of staff: their stored preference if the account
    has one, else Chinese (the default language)."""
    preferred = getattr(user, "language", "")
    languages = {code for code, _name in settings.LANGUAGES}
    return preferred if preferred in languages else default_language()
