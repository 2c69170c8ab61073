"""Who may call an endpoint: another system whose client holds the endpoint's scope (in its
record and in its token), or the signed-in applicant. Anonymous callers are answered 401, a
caller of the wrong kind or without the scope 403."""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import AccessToken
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .authentication import caller_of


class ClientScope(BasePermission):
    """The view's ``required_scope`` (``postings:read`` …); for unsafe methods its
    ``required_write_scope`` when it has one."""

    def has_permission(self, request: Request, view: Any) -> bool:
        caller = caller_of(request)
        if caller.client is None or not isinstance(request.auth, AccessToken):
            return False
        scope: str = view.required_scope
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            scope = getattr(view, "required_write_scope", scope)
        granted = set((request.auth.scope or "").split())
        return scope in granted and caller.client.has_scope(scope)


class SignedInApplicant(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return caller_of(request).applicant is not None
