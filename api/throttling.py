"""Rate limits on the configured cache (Redis in production): per address for everyone, and
per client for other systems. The address is the one the server saw (``REMOTE_ADDR``, set by
the web server in front), never a forwarded header a caller could write."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .authentication import caller_of


class _Throttle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read when used, so that a changed setting (a test, a deploy) applies.
        rate: str | None = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return rate


class AddressThrottle(_Throttle):
    scope = "address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": caller_of(request).address}


class ClientThrottle(_Throttle):
    scope = "client"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = caller_of(request).client
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
