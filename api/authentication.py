"""Who calls the API: another system with an OAuth 2.0 access token (client credentials), an
applicant with the session of the online pages, or nobody (the public reads).

Never a password: staff have a second factor the API cannot ask for, and stay on the pages.
``request.user`` is always anonymous for the API; the caller is ``request.auth`` (an
``AccessToken`` or an ``Applicant``), read through ``caller_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from audit.events import request_ip
from cases.applicant_session import applicant_from_request
from cases.models import Applicant

from .models import ApiClient


class ClientTokenAuthentication(OAuth2Authentication):
    """A bearer token of an active API client. A request that carries a token which is not
    valid (unknown, expired, revoked, of an inactive client) is refused with 401, whatever the
    address: it is never treated as anonymous."""

    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.lower().startswith("bearer "):
            return None
        # The toolkit reads the body's form fields through DRF, which consumes the stream.
        body_keep(request)
        result = super().authenticate(request)
        if result is None:
            raise AuthenticationFailed(_("The access token is invalid, expired or revoked."))
        user, token = result
        client = ApiClient.objects.filter(application_id=token.application_id).first()
        if user is not None or client is None or not client.is_active:
            raise AuthenticationFailed(_("The access token is invalid, expired or revoked."))
        token.api_client = client
        return AnonymousUser(), token


def body_keep(request: Request) -> None:
    """Read the raw body before anything consumes the stream, so that it stays available for
    the Idempotency-Key's hash. Not a ``multipart/form-data`` upload: it may be larger than
    Django keeps in memory, and the key's hash is taken from its parsed parts instead."""
    if not (request.content_type or "").startswith("multipart/form-data"):
        request._request.body  # noqa: B018 (read and kept)


class ApplicantSessionAuthentication(SessionAuthentication):
    """The session of an applicant signed in on the online pages (``cases.applicant_session``),
    with Django's CSRF check on unsafe methods, as DRF's session authentication does."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        applicant = applicant_from_request(request._request)
        if applicant is None:
            return None
        # The CSRF check may read the form fields through DRF, which consumes the stream.
        body_keep(request)
        self.enforce_csrf(request)
        return AnonymousUser(), applicant

    def authenticate_header(self, request: Request) -> str:
        # A 401 (not 403) for a missing sign-in, naming the token as the way in.
        return 'Bearer realm="api"'


@dataclass(frozen=True)
class Caller:
    """Who is calling: ``client`` (another system), ``applicant`` (online session) or neither
    (the public). ``key`` names them for idempotency records and throttles."""

    client: ApiClient | None
    applicant: Applicant | None
    address: str

    @property
    def key(self) -> str:
        if self.client is not None:
            return f"client:{self.client.pk}"
        if self.applicant is not None:
            return f"applicant:{self.applicant.pk}"
        return f"address:{self.address}"


def caller_of(request: Request) -> Caller:
    auth = request.auth
    client = getattr(auth, "api_client", None) if isinstance(auth, AccessToken) else None
    applicant = auth if isinstance(auth, Applicant) else None
    return Caller(client=client, applicant=applicant, address=request_ip(request._request) or "")
