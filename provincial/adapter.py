"""The boundary with the provincial platform: an abstract client, and an HTTP client for the
contract we defined (docs/provincial-sync.md). The real platform's client, once its interface
is known, replaces ``HttpPlatformClient`` behind the same two methods; nothing else changes.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

ERROR_MAX = 500


class PlatformUnavailable(Exception):
    """The platform could not take or give anything this time (down, timed out, 5xx, 429,
    an answer we cannot read): everything asked for is tried again later."""


@dataclass(frozen=True)
class InboundPage:
    """One page of the platform's feed: its items in order, and the cursor after them."""

    items: list[dict[str, Any]]
    next_cursor: str
    has_more: bool = False
    raw_count: int = field(default=0)


class PlatformClient(ABC):
    @abstractmethod
    def deliver(self, messages: Sequence[Mapping[str, Any]]) -> dict[str, str]:
        """Hand over a batch of messages, in order. Returns, per idempotency key, "" when the
        platform has it (accepted now or before: a duplicate) or the reason it refused it.
        A key missing from the answer counts as refused. Raises ``PlatformUnavailable``."""

    @abstractmethod
    def pull(self, *, cursor: str, limit: int) -> InboundPage:
        """The records changed on the platform after ``cursor`` (oldest first, at most
        ``limit``). Raises ``PlatformUnavailable``."""


class HttpPlatformClient(PlatformClient):
    """Our contract over HTTP(S) with a bearer token."""

    def __init__(self, *, base_url: str, token: str = "", timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 (the address is the settings')
            self.base_url + path, data=data, method=method
        )
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json; charset=utf-8")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            detail = error.read(ERROR_MAX).decode("utf-8", "replace")
            raise PlatformUnavailable(f"HTTP {error.code}: {detail}"[:ERROR_MAX]) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise PlatformUnavailable(f"unreachable: {error}"[:ERROR_MAX]) from error
        except (ValueError, UnicodeDecodeError) as error:
            raise PlatformUnavailable(f"unreadable answer: {error}"[:ERROR_MAX]) from error

    def deliver(self, messages: Sequence[Mapping[str, Any]]) -> dict[str, str]:
        answer = self._call(
            "POST",
            "/v1/messages",
            {"sender": settings.PROVINCIAL_SENDER_ID, "messages": list(messages)},
        )
        try:
            results = answer["results"]
            return {
                str(item["idempotency_key"]): (
                    ""
                    if item.get("status") in ("accepted", "duplicate")
                    else str(item.get("error") or item.get("status") or "refused")[:ERROR_MAX]
                )
                for item in results
            }
        except (KeyError, TypeError) as error:
            raise PlatformUnavailable(f"unreadable answer: {error!r}") from error

    def pull(self, *, cursor: str, limit: int) -> InboundPage:
        query = urllib.parse.urlencode({"cursor": cursor, "limit": limit})
        answer = self._call("GET", f"/v1/records?{query}")
        try:
            items = list(answer["items"])
            return InboundPage(
                items=[dict(item) for item in items],
                next_cursor=str(answer["next_cursor"]),
                has_more=bool(answer.get("has_more", False)),
                raw_count=len(items),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise PlatformUnavailable(f"unreadable answer: {error!r}") from error


def platform_client() -> PlatformClient | None:
    """The configured client (``PROVINCIAL_CLIENT``, default our HTTP contract at
    ``PROVINCIAL_URL``), or None when no platform is configured: nothing is sent then."""
    if not settings.PROVINCIAL_URL:
        return None
    factory = import_string(settings.PROVINCIAL_CLIENT)
    client: PlatformClient = factory(
        base_url=settings.PROVINCIAL_URL,
        token=settings.PROVINCIAL_TOKEN,
        timeout=settings.PROVINCIAL_TIMEOUT_SECONDS,
    )
    return client
