"""Locust: officers working the back office through its real pages (see bench/README.md,
"Load (50 officers)"). Run by ``bench/load/run.py``, which seeds the database and writes the
plan this file reads (``LOAD_PLAN``: a JSON file naming the officers, their passwords and
authenticator keys, cases to work on and people to take in).

Each simulated user is one officer: signs in on ``/accounts/login/`` (user name, password and
the current TOTP code computed from the device's key), then does a weighted mix of
workbench, case page, search, note, intake at the counter, transfer to an officer of another
market, and accepting what other officers transferred to them. Every response is checked: its
status, where a POST redirects to, and that no form error or error message came back; a check
that fails is a Locust failure of that request type.

Sent to loopback only (the runner starts gunicorn on 127.0.0.1). The production settings
redirect plain HTTP to HTTPS, so every request says it came through a TLS proxy
(``X-Forwarded-Proto: https``, honoured with ``LGSC_BEHIND_PROXY=true``), and the session's
Secure cookies are sent back over the loopback's plain HTTP.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from django_otp.oath import totp
from locust import HttpUser, between, events, task
from locust.clients import ResponseContextManager

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_officers = itertools.count()
_CASE_URL = re.compile(r"^/cases/(\d+)/$")
_ACCEPT = re.compile(r'action="(/cases/transfers/(\d+)/accept/)"')
# What the pages show when something went wrong: a field's or the form's error, an error message.
_ERROR_MARKS = ('role="alert"', 'class="message error"')


class Forms(HTMLParser):
    """The forms of a page: action -> the named inputs' values (hidden ones are what we need:
    the CSRF token and the form's submit-once token)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(values.get("action") or "", {})
        elif tag == "input" and self._current is not None and values.get("name"):
            self._current.setdefault(str(values["name"]), values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _error_in(html: str) -> str:
    for mark in _ERROR_MARKS:
        at = html.find(mark)
        if at >= 0:
            text = re.sub(r"<[^>]+>", " ", html[at : at + 600])
            return " ".join(text.split())[:300]
    return ""


class Officer(HttpUser):
    wait_time = between(*PLAN["wait"])

    def on_start(self) -> None:
        number = next(_officers)
        if number >= len(PLAN["officers"]):
            raise RuntimeError(f"more users than officers in the plan ({len(PLAN['officers'])})")
        self.me: dict[str, Any] = PLAN["officers"][number]
        self.rng = random.Random(number)  # noqa: S311 (made-up work, nothing secret)
        self.own: list[int] = list(self.me["own_cases"])  # in progress, mine: notes, transfers
        self.market_cases: list[int] = list(self.me["market_cases"])
        self.people = itertools.cycle(self.me["people"])
        self.origin = f"https://{urlsplit(str(self.host)).netloc}"
        self.client.headers.update({"X-Forwarded-Proto": "https"})
        self.sign_in()

    # --- helpers -----------------------------------------------------------------------------

    def _cookies_sent_over_http(self) -> None:
        """Production sets Secure cookies, and the loopback is plain HTTP behind the "proxy":
        keep sending them (a cookie policy would not do: requests copies the jar into a new
        one, with the default policy, for every request)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def send(self, method: str, path: str, name: str, **kwargs: Any) -> ResponseContextManager:
        """One request, its redirect not followed, its outcome decided by the caller."""
        self._cookies_sent_over_http()
        return self.client.request(
            method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
        )

    def get_page(self, path: str, name: str) -> str:
        with self.send("GET", path, name) as r:
            return self._page_checked(r)

    def _page_checked(self, r: ResponseContextManager) -> str:
        if r.status_code != 200:
            r.failure(f"{r.status_code} {r.headers.get('Location', '')}")
            return ""
        r.success()
        return r.text

    def post_form(
        self,
        page: str,
        action: str,
        data: dict[str, str],
        name: str,
        *,
        form: str | None = None,
        then: str = "case page",
    ) -> str:
        """POST ``data`` with the tokens of the form at ``action`` on ``page``; it must
        redirect (PRG) somewhere other than the form; the page it leads to is fetched (as
        ``then``) and must show no error message. Returns the redirect's path ("" on failure).
        ``form``: the form's action attribute when it is not ``action`` ("": none, the page's
        own address)."""
        tokens = Forms(page).forms.get(action if form is None else form)
        if tokens is None:
            self._failure_record(name, action, f"no form posting to {action} on the page")
            return ""
        body = {k: v for k, v in tokens.items() if k in ("csrfmiddlewaretoken", "form_token")}
        body.update(data)
        headers = {"Origin": self.origin, "Referer": self.origin + action}
        with self.send("POST", action, name, data=body, headers=headers) as r:
            location = urlsplit(r.headers.get("Location", "")).path
            if r.status_code != 302 or not location or location == action:
                error = _error_in(r.text) if r.status_code == 200 else ""
                r.failure(f"{r.status_code} {location} {error}".strip())
                return ""
            r.success()
        with self.send("GET", location, then) as r:
            text = self._page_checked(r)
            error = _error_in(text)
            if error:
                r.failure(f"after {name}: {error}")
                return ""
        return location

    def _failure_record(self, name: str, path: str, message: str) -> None:
        events.request.fire(
            request_type="POST",
            name=name,
            response_time=0,
            response_length=0,
            exception=RuntimeError(message),
            context={},
            url=path,
        )

    # --- sign-in -----------------------------------------------------------------------------

    def sign_in(self) -> None:
        page = self.get_page("/accounts/login/", "sign-in page")
        tokens = Forms(page).forms.get("", {}) or next(iter(Forms(page).forms.values()), {})
        code = f"{totp(bytes.fromhex(self.me['totp_key'])):06d}"
        data = {
            "csrfmiddlewaretoken": tokens.get("csrfmiddlewaretoken", ""),
            "username": self.me["username"],
            "password": self.me["password"],
            "otp_token": code,
        }
        headers = {"Origin": self.origin, "Referer": self.origin + "/accounts/login/"}
        with self.send("POST", "/accounts/login/", "sign-in", data=data, headers=headers) as r:
            location = urlsplit(r.headers.get("Location", "")).path
            if r.status_code != 302 or location.startswith("/accounts/"):
                r.failure(f"{r.status_code} {location} {_error_in(r.text)}".strip())
                time.sleep(1)
                return
            r.success()
        self.workbench()

    # --- the mix -----------------------------------------------------------------------------

    @task(30)
    def workbench(self) -> None:
        """The officer's desk; a transfer waiting there is accepted (now and then declined
        would send it back: accepting keeps the cases moving between markets)."""
        page = self.get_page("/cases/", "workbench")
        for action, _pk in _ACCEPT.findall(page)[:1]:
            location = self.post_form(page, action, {}, "transfer accept")
            found = _CASE_URL.match(location)
            if found:
                self.own.append(int(found.group(1)))

    @task(30)
    def case_page(self) -> None:
        pool = self.own if self.own and self.rng.random() < 0.5 else self.market_cases
        self.get_page(f"/cases/{self.rng.choice(pool)}/", "case page")

    @task(10)
    def search(self) -> None:
        term = self.rng.choice(PLAN["search_terms"])
        self.get_page(f"/search/?q={term}", "search")

    @task(10)
    def note(self) -> None:
        if not self.own:
            return
        case = self.rng.choice(self.own)
        page = self.get_page(f"/cases/{case}/", "case page")
        if page:
            text = f"电话联系申请人，已告知所需材料。（{time.strftime('%H:%M:%S')}）"
            self.post_form(page, f"/cases/{case}/note/", {"text": text}, "note")

    @task(8)
    def intake(self) -> None:
        page = self.get_page("/cases/new/", "intake form")
        if not page:
            return
        name, id_number, mobile = next(self.people)
        data = {
            "name": name,
            "id_number": id_number,
            "mobile": mobile,
            "kind": PLAN["kind"],
            "channel": "counter",
            "priority": "normal",
            "subject": "灵活就业社保补贴政策咨询",
            "description": "来窗口咨询补贴申领条件和所需材料。",
        }
        self.post_form(page, "/cases/new/", data, "intake", form="")

    @task(4)
    def transfer(self) -> None:
        """One of my cases in progress to an officer of another market, who accepts it from
        their workbench."""
        if not self.own:
            return
        case = self.own.pop(self.rng.randrange(len(self.own)))
        page = self.get_page(f"/cases/{case}/", "case page")
        if not page:
            return
        market, officer = self.rng.choice(self.me["transfer_to"])
        data = {"to_market": str(market), "to_user": str(officer), "reason": "申请人户籍在该市"}
        self.post_form(page, f"/cases/{case}/transfer/", data, "transfer request")
