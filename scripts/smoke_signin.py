"""Smoke test: sign in over HTTP as the demo officer (password + TOTP) and check the home page.

Usage: python scripts/smoke_signin.py http://127.0.0.1:18765

Standard library only. Credentials come from markets/demo_data.py (DEMO_PASSWORD and the
DEMO_USERS entry whose username is "officer"; its totp_key_hex is the hex TOTP key).
Exit status 0 on success, 1 with a message on failure.
"""

from __future__ import annotations

import hashlib
import hmac
import http.cookiejar
import importlib
import importlib.util
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
OFFICER_USERNAME = "officer"
EXPECTED_TEXT = "零工市场"
TIMEOUT_SECONDS = 30
TOTP_STEP = 30
TOTP_DIGITS = 6


class SmokeError(Exception):
    pass


def totp(
    key: bytes, at: float | None = None, step: int = TOTP_STEP, digits: int = TOTP_DIGITS
) -> str:
    """RFC 6238 TOTP (HMAC-SHA1, T0 = 0) for the given key and Unix time."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % (10**digits)
    return str(code).zfill(digits)


def load_demo_data() -> ModuleType:
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        return importlib.import_module("markets.demo_data")
    except Exception as exc:  # e.g. markets/__init__.py needs Django: load the file directly
        path = REPO_ROOT / "markets" / "demo_data.py"
        spec = importlib.util.spec_from_file_location("lgsc_demo_data", path)
        if spec is None or spec.loader is None or not path.is_file():
            raise SmokeError(f"cannot import markets.demo_data ({exc})") from exc
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def officer_credentials() -> tuple[str, str, bytes]:
    demo = load_demo_data()
    password = getattr(demo, "DEMO_PASSWORD", None)
    users: Any = getattr(demo, "DEMO_USERS", None)
    if not isinstance(password, str) or not isinstance(users, list):
        raise SmokeError("markets.demo_data must define DEMO_PASSWORD (str) and DEMO_USERS (list)")
    for user in users:
        if isinstance(user, dict) and user.get("username") == OFFICER_USERNAME:
            key_hex = user.get("totp_key_hex")
            if not isinstance(key_hex, str):
                raise SmokeError(f"DEMO_USERS entry {OFFICER_USERNAME!r} has no totp_key_hex")
            try:
                key = bytes.fromhex(key_hex)
            except ValueError as exc:
                raise SmokeError(f"totp_key_hex of {OFFICER_USERNAME!r} is not hex") from exc
            return OFFICER_USERNAME, password, key
    raise SmokeError(f"no DEMO_USERS entry with username {OFFICER_USERNAME!r}")


def build_opener(jar: http.cookiejar.CookieJar) -> urllib.request.OpenerDirector:
    # No proxies: the server is local, and CI environments often set http_proxy.
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPCookieProcessor(jar),
    )


def fetch(
    opener: urllib.request.OpenerDirector,
    url: str,
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    """GET (or POST if data is given) url, following redirects. Returns (status, url, body)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.geturl(), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace")
        raise SmokeError(f"{exc.code} from {exc.geturl()}: {excerpt(text)}") from exc
    except urllib.error.URLError as exc:
        raise SmokeError(f"cannot reach {url}: {exc.reason}") from exc


def excerpt(html: str, limit: int = 600) -> str:
    """Visible text of an HTML page, shortened, for error messages."""
    text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] + ("..." if len(text) > limit else "")


def csrf_token(html: str, jar: http.cookiejar.CookieJar) -> str:
    for tag in re.findall(r"<input\b[^>]*>", html, flags=re.IGNORECASE):
        if re.search(r"""name\s*=\s*["']csrfmiddlewaretoken["']""", tag, flags=re.IGNORECASE):
            match = re.search(r"""value\s*=\s*["']([^"']+)["']""", tag, flags=re.IGNORECASE)
            if match:
                return match.group(1)
    for cookie in jar:
        if cookie.name == "csrftoken" and cookie.value:
            print("  (no csrfmiddlewaretoken input found; using the csrftoken cookie)")
            return cookie.value
    raise SmokeError(
        "no CSRF token on the login page (input csrfmiddlewaretoken / cookie csrftoken)"
    )


def fresh_totp(key: bytes) -> str:
    # Avoid generating a code in the last seconds of its 30 s window.
    remaining = TOTP_STEP - (time.time() % TOTP_STEP)
    if remaining < 3:
        time.sleep(remaining + 0.5)
    return totp(key)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} BASE_URL   (e.g. http://127.0.0.1:8000)", file=sys.stderr)
        return 2
    base = argv[1].rstrip("/")
    login_url = f"{base}/accounts/login/"
    try:
        username, password, key = officer_credentials()
        jar = http.cookiejar.CookieJar()
        opener = build_opener(jar)

        status, url, html = fetch(opener, login_url)
        print(f"GET {login_url} -> {status} ({url})")
        token = csrf_token(html, jar)
        cookie_names = sorted(cookie.name for cookie in jar)
        print(
            f"  CSRF token found ({len(token)} chars); cookies: {', '.join(cookie_names) or 'none'}"
        )

        code = fresh_totp(key)
        print(f"  TOTP code for {username!r} computed from totp_key_hex (RFC 6238, SHA-1, 30 s)")
        form = {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "otp_token": code,
        }
        status, url, html = fetch(opener, login_url, data=form, headers={"Referer": login_url})
        path = urllib.parse.urlsplit(url).path
        print(f"POST {login_url} (username={username}) -> {status}, final URL {url}")

        if status != 200:
            raise SmokeError(f"expected HTTP 200 after sign-in, got {status}")
        if path != "/":
            raise SmokeError(
                f"expected to land on '/', landed on {path!r} (sign-in rejected?): {excerpt(html)}"
            )
        if EXPECTED_TEXT not in html:
            raise SmokeError(f"home page does not contain {EXPECTED_TEXT!r}: {excerpt(html)}")
    except SmokeError as exc:
        print(f"SMOKE SIGN-IN FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"OK: signed in as {username!r}; home page at / contains {EXPECTED_TEXT!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
