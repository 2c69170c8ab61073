"""The one body the API takes: JSON, strictly.

Not UTF-8, not JSON, NaN or Infinity, nested deeper than ``API_JSON_MAX_DEPTH``: 400 (never a
500 from a parser's recursion). Larger than ``API_BODY_MAX_BYTES`` (a body sent without a
declared length): 413. Any other content type: 415 (DRF, as no parser takes it)."""

from __future__ import annotations

import json
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, MultiPartParser

from .problems import PayloadTooLarge


def _constant(name: str) -> Any:
    raise ValueError(name)


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True when ``value`` nests lists and objects deeper than ``limit`` (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        if stream is None:
            return {}
        limit: int = settings.API_BODY_MAX_BYTES
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge(_("The request body is larger than the API takes (1 MiB)."))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ParseError(_("The body is not valid UTF-8.")) from error
        try:
            data = json.loads(text, parse_constant=_constant)
        except RecursionError as error:
            raise ParseError(_("The JSON body is nested too deeply.")) from error
        except ValueError as error:
            raise ParseError(_("The body is not valid JSON.")) from error
        if json_depth_exceeds(data, settings.API_JSON_MAX_DEPTH):
            raise ParseError(_("The JSON body is nested too deeply."))
        return data


class StrictMultiPartParser(MultiPartParser):
    """``multipart/form-data`` for the few uploads the API takes: a body Django refuses (too
    many files or fields) is a 400, not a server error."""

    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except SuspiciousOperation as error:
            raise ParseError(
                _("The form holds more files or fields than the API takes.")
            ) from error
