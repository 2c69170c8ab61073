"""The client's address behind a reverse proxy (issue 15, deployment): from a proxy named in
LGSC_TRUSTED_PROXIES, ``X-Forwarded-For`` names the client; from anyone else it is ignored, so
a client cannot pick the address its kiosk lookups or sign-ins are counted under."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from config.middleware import TrustedProxyMiddleware
from config.proxies import client_address, networks_parse

PROXIES = networks_parse(["127.0.0.1", "10.20.0.0/16"])


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "client"),
    [
        # nginx on the same host, overwriting the header with the address it was reached from.
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # a balancer in front of nginx: each appends; the first untrusted from the right.
        ("127.0.0.1", "203.0.113.7, 10.20.1.5", "203.0.113.7"),
        # a client's own header is only ever on the left of what the proxies add.
        ("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.20.1.5", "203.0.113.7"),
        # not from a trusted proxy: the header is the client's word, and ignored.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # no header at all, or garbage in it: the proxy's address stays.
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        # IPv6 clients.
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(
    remote_addr: str, forwarded_for: str, client: str
) -> None:
    assert client_address(remote_addr, forwarded_for, PROXIES) == client


def _seen_by_the_view(settings: object, **meta: str) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.META["REMOTE_ADDR"])
        return HttpResponse()

    TrustedProxyMiddleware(view)(RequestFactory().get("/", **meta))  # type: ignore[arg-type]
    return seen[0]


def test_the_views_see_the_client_behind_a_trusted_proxy(settings: object) -> None:
    settings.LGSC_TRUSTED_PROXIES = ["127.0.0.1"]  # type: ignore[attr-defined]

    seen = _seen_by_the_view(settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert seen == "203.0.113.7"


def test_without_trusted_proxies_the_header_changes_nothing(settings: object) -> None:
    settings.LGSC_TRUSTED_PROXIES = []  # type: ignore[attr-defined]

    seen = _seen_by_the_view(settings, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert seen == "127.0.0.1"
