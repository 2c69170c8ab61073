"""Every page the resolver knows, rendered for a team lead (who works in a market, leads it and
reads its event log) in Chinese and in English, with records on it to show: no page shows a
raw choice code ("career_guidance", "counter") where its label belongs, no Chinese page shows
an English source string of the catalogue that should have been translated, and no English
page shows a choice label still written in Chinese.

One GET per page and language. Pages that only answer POST, and file exports, are left out by
what they answer (405, or not HTML); a page whose record is missing answers its 404 page,
which is checked too.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from conftest import REPO_ROOT, case_make
from counter_support import posting_make, qingxiu_make, seeker_make
from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation

from accounts.models import User
from cases.kinds import KINDS
from cases.models import Case, ChecklistItem
from cases.services import case_reassign, case_request_materials, case_resolve
from exports.lists import CASE_LIST
from exports.services import export_request
from markets.absences import absence_record
from markets.models import Market
from notifications.models import Notification
from workflows.inspections.checklist import FACILITY_CODES
from workflows.inspections.services import ItemGiven, inspection_record
from workflows.ratings.services import rating_record

# The helpers of the service tests live beside them.
for folder in ("complaints", "startup", "campaigns", "guidance", "training", "noticeboard"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / folder))

from campaigns_support import spring_breeze_make  # noqa: E402
from complaints_support import complaint_make  # noqa: E402
from guidance_support import guidance_make  # noqa: E402
from noticeboard_support import article_make  # noqa: E402
from startup_support import startup_make  # noqa: E402
from training_support import programme_make, provider_make  # noqa: E402

pytestmark = pytest.mark.django_db

ZH, EN = "zh-hans", "en"
CJK = re.compile(r"[\u3400-\u9fff]")
LETTERS = re.compile(r"[A-Za-z]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
# Pieces of one text node: "按日 · 日结", "甲、乙", "类别：值", "（gender）". English prose is not
# cut at its commas and brackets: "(organisation)" in a sentence is a word, not a code.
SEPARATORS = re.compile(r"\s*(?:·|、|，|；|：|（|）|\|)\s*")
MISSING = 999_999_999

# The kind of record each placeholder of a route stands for: its first row, else a number no
# row has (the page then answers 404, which is checked like any page).
Row = Callable[[], Model | None]


def _first(label: str) -> Row:
    return lambda: apps.get_model(label).objects.order_by("pk").first()


def _case_of(kind: str) -> Row:
    return lambda: Case.objects.filter(kind=kind).order_by("pk").first()


ROWS: dict[str, Row] = {
    # Before "rectifications/<int:pk>/" (a rating's, keyed by its case): a facility one.
    "scorecard/rectifications/<int:pk>/": _first("inspections.facilityrectification"),
    "scorecard/inspections/<int:pk>/": _first("inspections.inspection"),
    "scorecard/photos/<int:pk>/": _first("inspections.inspectionphoto"),
    "cases/<int:pk>/": _case_of("policy_consultation"),
    "noticeboard/cases/<int:case_pk>/": _case_of("policy_consultation"),
    "counter/postings/<int:pk>/": _first("postings.posting"),
    "counter/seekers/<int:pk>/": _first("seekers.seekerprofile"),
    "applicants/<int:pk>/": _first("cases.applicant"),
    "guidance/<int:pk>/": _case_of("career_guidance"),
    "guidance/rooms/<int:pk>/": _first("guidance.room"),
    "training/programmes/<int:pk>/": _first("training.programme"),
    "training/providers/<int:pk>/": _first("training.provider"),
    "training/<int:pk>/": _first("training.trainingreferral"),
    "startup/<int:pk>/": _case_of("startup_help"),
    "complaints/<int:pk>/": _first("complaints.complaint"),
    "welfare/<int:pk>/": _first("welfare.application"),
    "campaigns/<int:pk>/": _first("campaigns.campaign"),
    "noticeboard/articles/<int:pk>/": _first("noticeboard.policyarticle"),
    "kiosk/postings/<int:pk>/": _first("postings.posting"),
    "exports/<int:pk>/": _first("exports.exportjob"),
    "rectifications/<int:pk>/": _case_of("rating_rectification"),
}
# Routes that must answer 200 with the records made below: the walk is only worth something
# if the pages show them.
MUST_SHOW = {
    "",
    "cases/",
    "cases/<int:pk>/",
    "cases/<int:pk>/notice/",
    "cases/market/<int:market_id>/",
    "audit/events/",
    "ledger/<int:market_id>/",
    "scorecard/",
    "scorecard/market/<int:market_id>/",
    "scorecard/market/<int:market_id>/facility/",
    "scorecard/market/<int:market_id>/facility/edit/",
    "scorecard/inspections/<int:pk>/",
    "scorecard/rectifications/",
    "scorecard/rectifications/<int:pk>/",
    "ledger/<int:market_id>/events/",
    "sla/market/<int:market_id>/",
    "counter/postings/",
    "counter/postings/new/",
    "counter/postings/<int:pk>/",
    "counter/seekers/<int:pk>/",
    "applicants/<int:pk>/",
    "complaints/",
    "complaints/<int:pk>/",
    "startup/",
    "startup/<int:pk>/",
    "campaigns/",
    "campaigns/<int:pk>/",
    "guidance/<int:pk>/",
    "training/programmes/",
    "training/programmes/<int:pk>/edit/",
    "training/providers/<int:pk>/edit/",
    "noticeboard/<int:market_id>/",
    "noticeboard/articles/<int:pk>/edit/",
    "portal/<int:market_id>/kiosk/",
    "portal/<int:market_id>/kiosk/postings/<int:pk>/",
    "portal/<int:market_id>/board/",
    "notifications/",
    "absences/",
    "absences/covering/",
    "exports/",
    "exports/<int:pk>/",
    "ratings/cases/<int:pk>/tablet/",
    "ratings/rectifications/<int:pk>/",
    "portal/<int:market_id>/kiosk/rate/",
}
# Not pages: the health checks and the metrics answer JSON and text for machines.
SKIPPED = {
    "accounts/logout/",
    "i18n/setlang/",
    "health/",
    "health/live/",
    "health/ready/",
    "metrics",
}


def routes() -> Iterator[str]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    seen = dict.fromkeys(walk(get_resolver().url_patterns, ""))
    return (route for route in seen if not route.startswith("admin/") and route not in SKIPPED)


def fill(route: str, market: Market) -> str:
    """The route with its placeholders filled in."""

    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        if name == "market_id":
            return str(market.pk)
        if converter in {"str", "slug"}:
            return "x"
        head = route[: match.start()] + match.group(0)
        for prefix, row in ROWS.items():
            if head == prefix[:-1] or head.endswith("/" + prefix[:-1]):
                found = row()
                return str(found.pk if found is not None else MISSING)
        return str(MISSING)

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


class TextNodes(HTMLParser):
    """The text of a page's body, node by node: no script, style or attribute values, and
    nothing marked ``translate="no"`` (technical identifiers such as a chain's key)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skipping: list[str] = []  # the open elements whose text is skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "title"} or ("translate", "no") in attrs:
            self._skipping.append(tag)
        elif self._skipping and tag == self._skipping[-1]:
            self._skipping.append(tag)  # the same element nested inside a skipped one

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skipping:
            self.nodes.append(text)


def pieces(html: str) -> set[str]:
    """Each text node, and each piece of it between separators."""
    parser = TextNodes()
    parser.feed(html)
    found = set(parser.nodes)
    for node in parser.nodes:
        found.update(piece for piece in SEPARATORS.split(node) if piece)
    return found


def raw_codes() -> set[str]:
    """Every choice value of every model field and case kind that differs from its English
    label and reads as a word (letters in it): what must never be shown for the label."""
    codes = set()
    with translation.override(EN):
        for model in apps.get_models():
            for field in model._meta.get_fields():
                for value, label in getattr(field, "flatchoices", None) or []:
                    if isinstance(value, str) and LETTERS.search(value) and value != str(label):
                        codes.add(value)
        codes.update(code for code, kind in KINDS.items() if code != str(kind.label))
    return codes


def chinese_choice_labels() -> set[str]:
    """Choice labels that are still Chinese in English mode."""
    labels = set()
    with translation.override(EN):
        for model in apps.get_models():
            for field in model._meta.get_fields():
                for _value, label in getattr(field, "flatchoices", None) or []:
                    if CJK.search(str(label)):
                        labels.add(str(label))
    return labels


def english_sources() -> set[str]:
    """Source strings of the Chinese catalogue that must not appear on a Chinese page: every
    msgid with letters whose translation differs from it (placeholders cannot appear as they
    are, and "ID" or "CSV" translated as themselves are no fault)."""
    po = polib.pofile(str(REPO_ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    return {
        entry.msgid
        for entry in po
        if not entry.obsolete
        and LETTERS.search(entry.msgid)
        and not PLACEHOLDER.search(entry.msgid)
        and entry.msgstr
        and entry.msgstr != entry.msgid
    }


@pytest.fixture
def chinese() -> Iterator[None]:
    """The records are made as the system makes them by default, in Chinese: texts stored when
    a record is made (a case's subject, a notice's legal basis, the event log's labels) keep
    the language of that moment, whichever language the page is read in later."""
    with translation.override(ZH):
        yield


@pytest.fixture
def records(
    chinese: None,
    officer: User,
    team_lead: User,
    inspector: User,
    nanning_market: Market,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Something on every list: a case with its single notice, a published posting and one in
    review, a seeker, a complaint, a start-up case, a campaign, a guidance case, a training
    programme, a policy article, an export of the team lead's, and a notification in the team
    lead's bell (sent while Chinese was active, as a worker sends them)."""
    qingxiu_make()
    case = case_make(officer)
    items = list(ChecklistItem.objects.filter(kind=case.kind)[:2])
    case_request_materials(actor=officer, case=case, items=items)
    with django_capture_on_commit_callbacks(execute=True):
        case_reassign(actor=team_lead, case=case_make(officer), to_user=team_lead)
    assert Notification.objects.filter(recipient=team_lead).exists()
    posting_make(officer, nanning_market, publish=True)
    posting_make(officer, nanning_market, contact_phone="13907710002")
    seeker = seeker_make(officer, nanning_market)
    complaint_make(officer, nanning_market)
    startup_make(officer, nanning_market)
    spring_breeze_make(team_lead, nanning_market)
    guidance_make(officer, nanning_market, seeker)
    programme_make(provider_make(nanning_market), nanning_market)
    article_make(team_lead, nanning_market)
    # A poor rating (好差评), the rectification it opened, and the dashboard's figures.
    rated = case_resolve(actor=officer, case=case_make(officer), outcome="已答复")
    rating_record(case=rated, level="dissatisfied", comment="等候太久", channel="kiosk")
    # A facility inspection (设施督查) with a failed item, and the rectification it opened.
    inspection_record(
        actor=inspector,
        market=nanning_market,
        visited_on=timezone.localdate(),
        items={
            code: ItemGiven(result="fail" if code == "accessibility" else "pass", note="坡道缺失")
            for code in FACILITY_CODES
        },
    )
    # Absence cover (AB岗): the team lead covers for the officer, away today and tomorrow.
    today = timezone.localdate()
    absence_record(
        actor=team_lead,
        market=nanning_market,
        officer=officer,
        deputy=team_lead,
        starts_on=today,
        ends_on=today + timedelta(days=1),
    )
    export_request(
        actor=team_lead,
        export_list=CASE_LIST,
        criteria={"market_id": nanning_market.pk},
        fmt="xlsx",
    )


def test_the_walk_reaches_the_pages_that_matter() -> None:
    walked = set(routes())

    assert walked >= MUST_SHOW
    assert len(walked) > 80


def test_the_checks_catch_what_they_look_for() -> None:
    codes = raw_codes()
    assert {"counter", "policy_consultation", "wage_arrears", "daily"} <= codes
    assert "Content screen" in english_sources()
    html = (
        "<main><td>counter</td><p>Per day · daily</p><h2>Content screen</h2>"
        '<p>不得使用（gender）</p><td translate="no">market:1</td></main>'
    )
    assert {"counter", "daily", "Content screen", "gender"} <= pieces(html)
    assert "market:1" not in pieces(html) and "market" not in pieces(html)


def test_every_page_in_chinese_and_in_english_shows_labels_and_translations(
    records: None,
    team_lead: User,
    nanning_market: Market,
    verified_client: Callable[[User], Client],
) -> None:
    codes, sources, chinese_labels = raw_codes(), english_sources(), chinese_choice_labels()
    clients = {}
    for language in (ZH, EN):
        clients[language] = verified_client(team_lead)
        clients[language].cookies[settings.LANGUAGE_COOKIE_NAME] = language
    faults: list[str] = []
    shown: set[str] = set()
    # What people typed is data, not a code: user names ("officer") may look like one.
    data = set(User.objects.values_list("username", flat=True))
    # A notification's text as stored (Chinese) must not be what an English page shows.
    notifications = set(Notification.objects.exclude(message="").values_list("text", flat=True))
    assert notifications

    for route in routes():
        url = fill(route, nanning_market)
        for language, client in clients.items():
            response = client.get(url)
            if response.status_code not in {200, 403, 404}:
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            if response.status_code == 200:
                shown.add(route)
            found = pieces(response.content.decode()) - data
            for code in sorted(found & codes):
                faults.append(f"{language} {url}: raw code {code!r}")
            if language == ZH:
                for source in sorted(found & sources):
                    faults.append(f"{language} {url}: untranslated {source!r}")
            else:
                for label in sorted(found & chinese_labels):
                    faults.append(f"{language} {url}: Chinese label {label!r}")
                for text in sorted(found & notifications):
                    faults.append(f"{language} {url}: notification in Chinese {text!r}")

    assert not faults, "\n".join(faults)
    assert shown >= MUST_SHOW, sorted(MUST_SHOW - shown)
