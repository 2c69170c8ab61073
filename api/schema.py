"""The OpenAPI document (drf-spectacular): every operation lists the problems it may answer,
so that a client, and schemathesis, know each error's shape."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .models import Scope
from .problems import CONTENT_TYPE


class ProblemSerializer(serializers.Serializer[Any]):
    """An RFC 9457 problem."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


# Answered by every operation: a malformed request or query, a token that is not valid, a
# method the address does not take, an Accept header we cannot honour, throttling, our fault.
ALWAYS = ("400", "401", "405", "406", "429", "500")


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = list(ALWAYS)
        view = self.view
        if getattr(view, "permission_classes", None) or self.path.count("{"):
            codes += ["403", "404"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["403", "404", "409", "413", "415"]
        if self.method in ("GET", "HEAD"):
            responses.setdefault("304", {"description": "Not modified (If-None-Match)"})
        for code in sorted(set(codes)):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[CONTENT_TYPE], direction=direction
                )
        return responses

    def get_override_parameters(self) -> list[Any]:
        parameters: list[Any] = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    {"type": "string", "pattern": "^[!-~]{1,255}$"},
                    OpenApiParameter.HEADER,
                    required=True,
                    description=(
                        "A key of your choosing, unique per request you mean once (a UUID). "
                        "A repeat with the same body within 24 hours answers the first "
                        "response and does nothing again; with another body, 409."
                    ),
                )
            )
        return parameters


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ClientTokenAuthentication"
    name = "clientCredentials"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/oauth/token/",
                    "scopes": {scope.value: str(scope.label) for scope in Scope},
                }
            },
        }


class ApplicantSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApplicantSessionAuthentication"
    name = "applicantSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The session of the online pages (and X-CSRFToken on writes).",
        }
