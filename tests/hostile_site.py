"""What tests/config/test_hostile_input.py walks: every non-admin address of the site (from the
URL resolver), a small world for their placeholders, and, found by crawling the pages as the
people who use them, each address's GET parameters and the forms that post to it.

Plain functions and data classes, beside conftest.py so any test may use them; no tests here.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from conftest import MarketFactory, RegionFactory, _signed_in_client, _staff, case_make
from counter_support import posting_make, seeker_make
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accounts.models import User
from cases.models import ChecklistItem
from cases.services import case_request_materials
from markets.models import Market, Role

# Another helper walks the administration site; the set-language view only redirects.
SKIPPED_PREFIXES = ("admin/",)
# Pages of the public and the sign-in: visited anonymously. Every other page as a team lead
# with both factors (the role that reaches every page of its market).
ANONYMOUS_PREFIXES = ("portal/", "accounts/login/", "i18n/", "health/")
CRAWL_LIMIT = 400
PER_ROUTE_LIMIT = 2


def routes() -> list[str]:
    """Every route of the resolver, as its full pattern (``cases/<int:pk>/``)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    found = dict.fromkeys(walk(get_resolver().url_patterns, ""))
    return [route for route in found if not route.startswith(SKIPPED_PREFIXES)]


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def is_anonymous(route: str) -> bool:
    return route.startswith(ANONYMOUS_PREFIXES) or route == ""


# --- The pages' forms and links ------------------------------------------------------------


@dataclass
class Form:
    action: str  # a path
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values as rendered
    choices: dict[str, list[str]] = field(default_factory=dict)  # select / radio options
    files: set[str] = field(default_factory=set)


class _PageParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        form = self._form
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif form is None:
            return
        elif tag == "option" and self._select is not None:
            form.choices[self._select].append(a.get("value", ""))
            if "selected" in a:
                form.fields.setdefault(self._select, []).append(a.get("value", ""))
        elif not a.get("name"):
            return
        elif tag in {"input", "button"}:
            self._field(form, a, a.get("type", "text" if tag == "input" else "submit"))
        elif tag == "select":
            self._select = a["name"]
            form.choices.setdefault(self._select, [])
        elif tag == "textarea":
            self._textarea = a["name"]
            form.fields.setdefault(self._textarea, []).append("")

    @staticmethod
    def _field(form: Form, a: dict[str, str], kind: str) -> None:
        name = a["name"]
        if kind == "file":
            form.files.add(name)
        elif kind in {"checkbox", "radio"}:
            form.choices.setdefault(name, []).append(a.get("value", "on"))
            if "checked" in a:
                form.fields.setdefault(name, []).append(a.get("value", "on"))
        elif kind == "submit":
            form.choices.setdefault(name, []).append(a.get("value", ""))
        else:
            form.fields.setdefault(name, []).append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form.fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


_SOURCE_PARAM = re.compile(r"""\b(GET|POST)\s*(?:\.get\(|\.getlist\(|\[)\s*["']([\w-]+)["']""")


def source_params(path: str) -> dict[str, set[str]]:
    """The parameter names the view's own code reads from request.GET / request.POST."""
    found: dict[str, set[str]] = {"GET": set(), "POST": set()}
    try:
        view = inspect.unwrap(resolve(path).func)
        module = inspect.getmodule(view)
        source = inspect.getsource(module) if module else ""
    except (Resolver404, OSError, TypeError):
        return found
    for method, name in _SOURCE_PARAM.findall(source):
        found[method].add(name)
    return found


@dataclass
class Page:
    route: str
    paths: list[str] = field(default_factory=list)  # concrete addresses of the route
    get_params: set[str] = field(default_factory=set)
    post_forms: list[Form] = field(default_factory=list)
    post_params: set[str] = field(default_factory=set)


@dataclass
class Site:
    pages: dict[str, Page]
    team_lead: User

    def client_for(self, route: str) -> Client:
        return Client() if is_anonymous(route) else _signed_in_client(self.team_lead, verified=True)

    def page(self, route: str) -> Page:
        """The page as crawled, or, for a route no page links to, its pattern with every
        placeholder filled with 1 (an object that may not exist: a 404 is an answer too)."""
        if route in self.pages and self.pages[route].paths:
            return self.pages[route]
        path = "/" + re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", route
        )
        page = self.pages.setdefault(route, Page(route=route))
        page.paths = [path]
        params = source_params(path)
        page.get_params |= params["GET"]
        page.post_params |= params["POST"]
        return page


def crawl(seeds: list[str], team_lead: User) -> dict[str, Page]:
    """Visit the pages reachable from ``seeds`` by GET (at most PER_ROUTE_LIMIT addresses of a
    route), and note for each route its addresses, the GET parameters of its links and forms,
    and the forms that post to it."""
    clients = {True: Client(), False: _signed_in_client(team_lead, verified=True)}
    pages: dict[str, Page] = {}
    seen: set[str] = set()
    queue = deque(seeds)
    visits = 0
    while queue and visits < CRAWL_LIMIT:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
            continue
        route = route_of(parts.path)
        if route is None or route.startswith(SKIPPED_PREFIXES):
            continue
        page = pages.setdefault(route, Page(route=route))
        page.get_params |= {name for name, _value in parse_qsl(parts.query)}
        if parts.path in page.paths or len(page.paths) >= PER_ROUTE_LIMIT:
            continue
        if parts.path in seen:
            continue
        seen.add(parts.path)
        page.paths.append(parts.path)
        params = source_params(parts.path)
        page.get_params |= params["GET"]
        page.post_params |= params["POST"]
        response = clients[is_anonymous(route)].get(url)
        visits += 1
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = _PageParser(parts.path)
        parser.feed(response.content.decode("utf-8", "replace"))
        queue.extend(parser.links)
        for form in parser.forms:
            target = urlsplit(form.action)
            target_route = route_of(target.path)
            if target_route is None or target_route.startswith(SKIPPED_PREFIXES):
                continue
            target_page = pages.setdefault(target_route, Page(route=target_route))
            if form.method == "post":
                form.action = target.path
                target_page.post_forms.append(form)
            else:
                target_page.get_params |= set(form.fields) | set(form.choices)
            queue.append(target.path)
    return pages


# --- The world ------------------------------------------------------------------------------


def world_make() -> tuple[User, list[str]]:
    """A market with staff, a case with its single notice, a posting in review and a published
    one, a registered seeker; the team lead and the addresses to start crawling from."""
    RegionFactory.create(code="450000", name="广西壮族自治区")
    nanning = RegionFactory.create(code="450100", name="南宁市")
    RegionFactory.create(code="450103", name="青秀区")
    market: Market = MarketFactory.create(region=nanning, name="南宁市零工市场")
    officer = _staff("officer", Role.OFFICER, market=market)
    team_lead = _staff("teamlead", Role.TEAM_LEAD, market=market)
    case = case_make(officer)
    items = list(ChecklistItem.objects.filter(kind=case.kind)[:2])
    if items:
        case_request_materials(actor=officer, case=case, items=items)
    review = posting_make(officer, market)
    published = posting_make(officer, market, publish=True, address="南宁市青秀区金湖路 1 号")
    seeker = seeker_make(officer, market)
    extra = _more_records(officer, team_lead, market, seeker)
    seeds = [
        *extra,
        "/",
        f"/cases/{case.pk}/",
        f"/counter/postings/{review.pk}/",
        f"/counter/postings/{published.pk}/",
        f"/counter/seekers/{seeker.pk}/",
        f"/ledger/{market.pk}/",
        f"/sla/market/{market.pk}/",
        f"/cases/market/{market.pk}/",
        f"/noticeboard/{market.pk}/",
        f"/portal/{market.pk}/kiosk/",
        f"/portal/{market.pk}/kiosk/status/",
        f"/portal/{market.pk}/kiosk/postings/{published.pk}/",
        f"/portal/{market.pk}/screen/",
        f"/portal/{market.pk}/board/",
        "/accounts/login/",
        "/accounts/password/",
        f"/welfare/apply/?seeker={seeker.pk}&posting={published.pk}",
        f"/training/refer/?seeker={seeker.pk}",
        f"/guidance/new/?seeker={seeker.pk}",
        "/training/report/",
        "/training/wishes/",
        "/training/providers/new/",
        "/training/programmes/new/",
    ]
    return team_lead, seeds


def _support(relative: str) -> Any:
    """A helper module of another test folder (tests/<area>/<name>_support.py)."""
    path = Path(__file__).parent / relative
    spec = importlib.util.spec_from_file_location(f"hostile_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _more_records(officer: User, team_lead: User, market: Market, seeker: Any) -> list[str]:
    """A complaint, a campaign, a career-guidance case, a policy article and a room with a
    booking: the addresses of their pages."""
    from workflows.guidance.models import Room
    from workflows.guidance.services import guidance_open

    complaint = _support("complaints/complaints_support.py").complaint_make(officer, market)
    campaign = _support("campaigns/campaigns_support.py").spring_breeze_make(team_lead, market)
    article = _support("noticeboard/noticeboard_support.py").article_make(team_lead, market)
    guidance = guidance_open(
        actor=officer, market=market, seeker=seeker, channel="counter", topic="想找餐饮类零工"
    )
    Room.objects.create(market=market, name="职业指导室", kind="guidance", capacity=4)
    return [
        f"/complaints/{complaint.pk}/",
        f"/campaigns/{campaign.pk}/",
        f"/noticeboard/articles/{article.pk}/edit/",
        f"/guidance/{guidance.pk}/",
        "/guidance/rooms/",
    ]
