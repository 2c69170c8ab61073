"""Every error of the API as an RFC 9457 problem (``application/problem+json``).

A problem has ``type`` (a URI naming the kind of problem; ``about:blank`` when the status says
it all), ``title`` (the status's phrase, in the request's language), ``status``, ``detail``
(what went wrong with this request) and, for invalid input, ``errors``: the messages per field
(``{"field": ["message", …]}``; ``non_field_errors`` for the body as a whole).

DRF's exceptions and the domain's (``PermissionDenied``, ``ValidationError``,
``CaseActionError``, ``Http404``) go through ``exception_handler``; the answers Django gives
before or around a view (404 of an unknown address, 413 of a body too large, 500) are turned
into problems by ``api.middleware.ApiMiddleware``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error

from cases.services import CaseActionError

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://gig.example.gov.cn/api/problems/"


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Not authenticated"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        413: _("Request body too large"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
        500: _("Internal server error"),
    }


def _default_detail(status: int) -> str:
    details = {
        400: _("The request is malformed."),
        401: _("Authentication is needed: a valid access token or an applicant session."),
        403: _("You may not do this."),
        404: _("There is nothing at this address, or it is not yours to see."),
        405: _("This address does not take this method."),
        406: _("This address answers only JSON (application/json)."),
        409: _("The request conflicts with the current state of the record."),
        413: _("The request body is larger than the API takes (1 MiB)."),
        415: _("Send the body as JSON (Content-Type: application/json)."),
        429: _("Too many requests: wait before trying again."),
        500: _("Something went wrong on our side; it has been logged."),
    }
    return details.get(status, "")


def problem_body(
    status: int,
    *,
    detail: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    title = _titles().get(status)
    if title is None:
        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = str(status)
    body: dict[str, Any] = {
        "type": f"{TYPE_BASE}{code}" if code else "about:blank",
        "title": title,
        "status": status,
        "detail": detail if detail is not None else _default_detail(status),
    }
    if errors:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    return body


def problem_response(
    status: int,
    *,
    detail: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(
            problem_body(status, detail=detail, errors=errors, code=code), ensure_ascii=False
        ),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_problem(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith(CONTENT_TYPE)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field" or "field.sub": [messages]}``."""
    if isinstance(detail, Mapping):
        errors: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            errors.update(_flatten(value, name))
        return errors
    if isinstance(detail, list) and detail and all(isinstance(d, Mapping) for d in detail):
        errors = {}
        for index, value in enumerate(detail):
            errors.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return errors
    if isinstance(detail, list):
        return {prefix or "non_field_errors": [str(d) for d in detail]}
    return {prefix or "non_field_errors": [str(detail)]}


def validation_problem(errors: Mapping[str, list[str]]) -> HttpResponse:
    return problem_response(
        400,
        detail=_("The request holds invalid data: see errors, per field."),
        errors=errors,
        code="invalid",
    )


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: a problem for every error it knows; None (→ 500, made a
    problem by the middleware) for anything else."""
    if isinstance(exc, exceptions.ValidationError):
        return validation_problem(_flatten(exc.detail))
    if isinstance(exc, DjangoValidationError):
        return validation_problem(_flatten(as_serializer_error(exc)))
    if isinstance(exc, CaseActionError):
        return problem_response(409, detail=str(exc), code="state")
    if isinstance(exc, Http404):
        return problem_response(404)
    if isinstance(exc, PermissionDenied):
        return problem_response(403)
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait is not None else {}
        return problem_response(429, headers=headers)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response = problem_response(
            401,
            detail=str(exc.detail) if isinstance(exc, exceptions.AuthenticationFailed) else None,
        )
        view = context.get("view")
        request = context.get("request")
        if view is not None and request is not None:
            header = view.get_authenticate_header(request)
            if header:
                response["WWW-Authenticate"] = header
        return response
    if isinstance(exc, exceptions.APIException):
        return problem_response(
            exc.status_code, detail=str(exc.detail), code=getattr(exc, "problem_code", None)
        )
    return None


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "Conflict"
    problem_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "Request body too large"
