"""The rating link of the completion text message (短信评价链接): signed, single use, expiring.

The token is ``django.core.signing`` of ``{"c": case id, "n": nonce}`` with its own salt and a
timestamp: a token changed by one character fails its signature (``LinkTampered``), one older
than ``LGSC_RATING_LINK_DAYS`` fails its age (``LinkExpired``). The nonce is a stored
``RatingLink`` row, marked used by the rating given through it (``LinkUsed`` afterwards), so a
link forwarded or opened twice rates nothing twice. The case itself can be rated once only,
whatever the channel (``services.rating_record``).

The link is added to the text message by the case engine's hook
(``cases.services.applicant_sms.resolved_sms_link_register``): the engine may not import the
services above it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.kinds import kind_is_rated
from cases.models import Case

from .models import Rating, RatingLink

SALT = "ratings.sms-link"


class LinkRefused(Exception):
    """The link rates nothing; ``message`` says why, for the applicant; ``reason`` for the
    audit log."""

    reason = "refused"
    message = _("This link cannot be used.")


class LinkTampered(LinkRefused):
    reason = "tampered"
    message = _(
        "This rating link is not valid. Copy the whole link from the text message, or rate "
        "the service at the market's kiosk."
    )


class LinkExpired(LinkRefused):
    reason = "expired"
    message = _(
        "This rating link has expired. You can still rate the service at the market's kiosk "
        "with your reference number."
    )


class LinkUsed(LinkRefused):
    reason = "used"
    message = _("This rating link has been used already: each link rates once.")


def link_max_age() -> timedelta:
    return timedelta(days=settings.LGSC_RATING_LINK_DAYS)


def rating_link_create(*, case: Case) -> str:
    """A new link's token for ``case`` (its nonce stored, unused)."""
    link = RatingLink.objects.create(case=case, nonce=secrets.token_urlsafe(12))
    return signing.dumps({"c": case.pk, "n": link.nonce}, salt=SALT, compress=True)


def rating_link_read(token: str) -> RatingLink:
    """The unused link ``token`` stands for, with its case; ``LinkRefused`` otherwise. Reads
    only: the link is marked used by the rating given through it."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_max_age())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkTampered from error
    if not isinstance(data, dict):
        raise LinkTampered
    nonce, case_id = data.get("n"), data.get("c")
    if not isinstance(nonce, str) or not isinstance(case_id, int):
        raise LinkTampered
    link = (
        RatingLink.objects.select_related("case", "case__market")
        .filter(nonce=nonce, case_id=case_id)
        .first()
    )
    if link is None:
        raise LinkTampered
    if link.used_at is not None:
        raise LinkUsed
    return link


def rating_link_for_sms(case: Case) -> str:
    """The address of a new rating link for the completion message of ``case``; "" for a case
    that is not rated (a rectification, or one rated already). Called inside the resolution's
    transaction."""
    if not kind_is_rated(case.kind) or Rating.objects.filter(case=case).exists():
        return ""
    token = rating_link_create(case=case)
    path = reverse("portal:rate_link", args=[token])
    return f"{settings.LGSC_PUBLIC_BASE_URL}{path}"
