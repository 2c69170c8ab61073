"""How a message leaves the system: one backend per channel.

Text messages go through an SMS gateway adapter chosen by ``settings.SMS_BACKEND`` (a dotted
path to a subclass of ``SmsBackend``). The default, ``ConsoleSmsBackend``, writes each message
to the ``notifications.sms`` logger: it is the working backend wherever no gateway can be
reached (the embedded default, development, tests). A real gateway (the province's 政务短信
platform, a carrier's API) is one more subclass and one setting.

E-mail goes through Django's ``send_mail``; ``settings.EMAIL_BACKEND`` decides where it goes.

A backend raises on failure (any exception); ``notifications.services.outbox_deliver`` records
the error and tries again later.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

DEFAULT_SMS_BACKEND = "notifications.channels.ConsoleSmsBackend"

sms_logger = logging.getLogger("notifications.sms")


class SmsBackend(ABC):
    """The SMS gateway adapter: deliver ``body`` to the mobile number ``to`` or raise."""

    @abstractmethod
    def send(self, to: str, body: str) -> None: ...


def phone_masked(to: str) -> str:
    """``13812345678`` → ``138****5678``: enough to tell messages apart in a log, no more."""
    if len(to) < 8:
        return "*" * len(to)
    return f"{to[:3]}{'*' * (len(to) - 7)}{to[-4:]}"


def email_masked(to: str) -> str:
    """``zhang.wei@example.com`` → ``z***@example.com``: the domain and the first letter only."""
    local, at, domain = to.rpartition("@")
    if not at:
        return phone_masked(to)
    return f"{local[:1]}***@{domain}"


# What a gateway or mail server may echo back in its error text. An ID number first (18 or 15
# digits, the 18 perhaps ending in X, perhaps grouped 6-8-4), so that its digits are never
# mistaken for a mobile; then a mobile (1[3-9] and nine more digits, perhaps after +86, 0086 or 0,
# perhaps grouped with spaces or dashes); then an e-mail address. A run of digits longer than
# these is left alone (it is some other number: a timestamp, a request id).
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{6}[\s-]?\d{8}[\s-]?\d{3}[0-9Xx]|\d{15})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]?|0)?1[3-9](?:[\s-]?\d){9}(?!\d)")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


# --- Addresses held elsewhere ---------------------------------------------------------------------
# An outbox message to an applicant names where the address is kept ("case-contact:123": the
# contact mobile of case 123, encrypted in the case's row) instead of the address itself, so
# the outbox never holds an applicant's mobile, pending or settled. The layer that keeps the
# address registers how to read it (notifications may not import it); read only when sending.

AddressResolver = Callable[[str], str]
_RESOLVERS: dict[str, AddressResolver] = {}


def address_resolver_register(scheme: str, resolver: AddressResolver) -> None:
    """``resolver(rest)`` gives the address of ``"<scheme>:<rest>"`` ("" when it is gone)."""
    _RESOLVERS[scheme] = resolver


def address_is_reference(to: str) -> bool:
    scheme, colon, _rest = to.partition(":")
    return bool(colon) and scheme in _RESOLVERS


def address_resolve(to: str) -> str:
    """The address to send to: ``to`` itself, or what its registered scheme reads."""
    scheme, colon, rest = to.partition(":")
    resolver = _RESOLVERS.get(scheme) if colon else None
    return resolver(rest) if resolver is not None else to


def personal_data_scrubbed(text: str) -> str:
    """``text`` without the mobiles, ID numbers and e-mail addresses in it, each replaced by a
    placeholder: for error texts kept in the outbox (``OutboxMessage.last_error``), which a
    gateway may have filled with the very address it could not reach."""
    text = _ID_NUMBER.sub("[ID number]", text)
    text = _MOBILE.sub("[mobile]", text)
    return _EMAIL.sub("[e-mail]", text)


class ConsoleSmsBackend(SmsBackend):
    """Writes the message to the ``notifications.sms`` logger instead of sending it."""

    def send(self, to: str, body: str) -> None:
        sms_logger.info("SMS to %s: %s", phone_masked(to), body)


def sms_backend() -> SmsBackend:
    """A new instance of the configured SMS backend."""
    backend_class = import_string(getattr(settings, "SMS_BACKEND", DEFAULT_SMS_BACKEND))
    backend = backend_class()
    if not isinstance(backend, SmsBackend):
        raise TypeError(f"settings.SMS_BACKEND is not an SmsBackend: {backend_class!r}")
    return backend


def email_send(*, to: str, subject: str, body: str) -> None:
    """Send one e-mail from ``settings.DEFAULT_FROM_EMAIL``."""
    send_mail(subject, body, None, [to], fail_silently=False)
