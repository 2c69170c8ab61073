"""Every staff page runs the same number of SQL queries however much there is to show (issue 14:
"a fixed query count that a test asserts").

The pages are not listed by hand: the walk takes every URL the resolver knows, as the role
matrix does (``test_role_url_matrix._patterns``), leaves out the public pages, the API and the
POST-only actions, fills each route's placeholders as the both-languages walk does (``fill``:
the first row of the record's kind) and opens the page as each staff role that may. The
administration site's changelists are walked the same way, as each administrator.

The data set is made through the services (so every row has its trail: history, audit events,
deadlines, reminders, notifications) in units; every unit adds cases, notes, transfers,
postings, seekers, referrals, complaints, start-up and guidance cases, programmes, articles,
ratings, inspections, absences, exports, a member of staff and a market, and lengthens the
trail of the first case and the history of the first applicant, seeker and posting (the records
the pages of one record show). Each page is counted with one unit and again with three: the
counts must be equal. Every page whose count grows is reported with its URL name and both
counts, and a page the walk cannot open (no role gets a 200) fails too, unless named below.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import ID_NUMBERS, MarketFactory, applicant_make, case_make
from counter_support import posting_make, qingxiu_make, seeker_make
from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, include, path, reverse
from django.utils import timezone
from test_case_support import staff_make
from test_every_page_in_both_languages import fill
from test_role_url_matrix import ACTIONS_POST_ONLY, _patterns

from accounts.models import User
from cases.identity import resident_id_check_character
from cases.models import Case, ChecklistItem
from cases.services import (
    case_note_add,
    case_reassign,
    case_request_materials,
    case_resolve,
    case_transfer,
)
from exports.lists import CASE_LIST
from exports.services import export_request
from markets.absences import absence_record
from markets.models import Market, Region, Role
from workflows.guidance.services import referral_record
from workflows.inspections.checklist import FACILITY_CODES
from workflows.inspections.services import ItemGiven, inspection_record
from workflows.postings.services import occupation_local_add
from workflows.ratings.services import rating_record
from workflows.training.services import training_referral_open
from workflows.welfare.services import welfare_apply, welfare_approve, welfare_place

# The helpers of the service tests live beside them.
for folder in (
    "complaints",
    "startup",
    "campaigns",
    "guidance",
    "training",
    "noticeboard",
    "welfare",
):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / folder))

from campaigns_support import spring_breeze_make  # noqa: E402
from complaints_support import complaint_make  # noqa: E402
from guidance_support import guidance_make, room_make  # noqa: E402
from noticeboard_support import article_make  # noqa: E402
from startup_support import startup_make  # noqa: E402
from training_support import programme_make, provider_make  # noqa: E402
from welfare_support import seeker_with, welfare_posting_make  # noqa: E402

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1, 3  # units of data
# No page runs more, whatever it shows: a page of 100 seeded rows (the admin's occupations)
# reading one row more each is found here though the seeded rows do not grow.
MAX_QUERIES = 40

STAFF = ["officer", "team_lead", "inspector", "system_admin"]
ADMINS = ["system_admin", "security_admin", "audit_admin"]

# Pages whose count may legitimately follow the data, each with its reason. Keep it short:
# a page listed here is not checked at all.
GROWING_BY_DESIGN: dict[str, str] = {
    # A full verification: every chain of the reader's markets walked row by row (its work
    # follows the rows by design; it is asked for, not a list to page through).
    "backoffice:audit_chains": "one walk and one head read per chain of the markets read",
    # One section, paged on its own, per officer the deputy covers today (each absence names
    # one deputy: a handful of sections at most, never the market's cases).
    "backoffice:absences_covering": "one paged list per officer covered today",
}

# Pages walked again with a query string, where the page without one shows no rows (a search
# box, a form about one record) or leaves out a view of its rows (a month, one officer). The
# placeholders name records of the first unit (World.first).
VARIANTS: dict[str, list[str]] = {
    "backoffice:search": ["?q=韦小宝", "?q=南宁市邕江餐饮", "?q=13800138000"],
    "backoffice:guidance_new": ["?seeker={seeker}"],
    "backoffice:training_refer": ["?seeker={seeker}"],
    "backoffice:welfare_apply": ["?seeker={welfare_seeker}&posting={welfare_posting}"],
    "backoffice:ledger": ["?month={month}"],
    "backoffice:ledger_events": ["?month={month}", "?officer={officer}"],
    "backoffice:audit_events": ["?actor=officer"],
    "backoffice:complaints_list": ["?state=received"],
}

# Pages no role opens with the walk's records (each has its own test file): named so that a new
# page the walk cannot open fails rather than passing unchecked.
NOT_OPENED: dict[str, str] = {
    # Files, shown one at a time.
    "backoffice:case_attachment_download": "a stored file (backoffice/test_attachment_views.py)",
    "backoffice:inspection_photo": "a stored photo (inspections/test_inspection_pages.py)",
    # A form about one text of the board, named in the route.
    "backoffice:noticeboard_block_edit": "<kind> of a text of the board",
}


def _public(name: str) -> bool:
    """Pages that are not the back office's: the public site, the API, the sign-in steps."""
    if name == "accounts:password_change":
        return False
    machines = {"health", "health_live", "health_ready", "metrics"}
    return name in machines | {"set_language"} or name.split(":")[0] in {
        "api",
        "portal",
        "accounts",
    }


def staff_pages() -> Iterator[tuple[str, str]]:
    """(URL name, route) of every GET page of the back office the resolver knows."""
    post_only = {f"backoffice:{name}" for name in ACTIONS_POST_ONLY}
    for name, route in _patterns(get_resolver().url_patterns):
        if route.startswith("admin/") or _public(name) or name in post_only:
            continue
        yield name, route


def admin_pages() -> Iterator[tuple[str, str]]:
    """(URL name, URL) of the administration site's index and every changelist."""
    yield "admin:index", reverse("admin:index")
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        yield name, reverse(name)


# --- The data ---------------------------------------------------------------------------------


def _id_number(unit: int, serial: int) -> str:
    first_17 = f"45010219800101{unit:01d}{serial:02d}"
    return first_17 + resident_id_check_character(first_17)


@dataclass
class World:
    officer: User
    team_lead: User
    inspector: User
    market: Market
    region: Region
    capture: Callable[..., AbstractContextManager[Any]]
    units: int = 0
    first: dict[str, Any] = field(default_factory=dict)


def unit_add(world: World) -> None:
    """One more unit of everything the back office lists."""
    unit = world.units
    world.units += 1
    officer, lead, market = world.officer, world.team_lead, world.market
    today = timezone.localdate()
    if unit == 0:
        qingxiu_make()
        # The first case of its kind and the first applicant: the records the pages of one
        # record show (their trail grows with each unit below).
        world.first["case"] = case_make(officer)
        world.first["applicant"] = world.first["case"].applicant
        items = list(ChecklistItem.objects.filter(kind=world.first["case"].kind)[:2])
        case_request_materials(actor=officer, case=world.first["case"], items=items)
        world.first["posting"] = posting_make(officer, market, publish=True)
        world.first["seeker"] = seeker_make(officer, market)
        world.first["provider"] = provider_make(market)
        world.first["welfare_seeker"] = seeker_with(
            officer, market, ["dibao"], id_number=_id_number(9, 9)
        )
        world.first["welfare_posting"] = welfare_posting_make(
            officer, market, contact_phone="13907710399"
        )
    colleague = staff_make(f"officer_{unit}", Role.OFFICER, market=market)
    other = MarketFactory.create(region=world.region, name=f"南宁市第{unit}分零工市场")
    staff_make(f"other_officer_{unit}", Role.OFFICER, market=other)

    # Cases: the first case's trail, the first applicant's cases, another applicant's, one
    # handed to the team lead (a notification), one on its way to a colleague.
    first_case = world.first["case"]
    case_note_add(actor=officer, case=first_case, text=f"第{unit}次电话回访")
    case = case_make(officer, applicant=world.first["applicant"])
    items = list(ChecklistItem.objects.filter(kind=case.kind)[:2])
    case_request_materials(actor=officer, case=case, items=items)
    stranger = applicant_make(officer, name=f"申请人{unit}", id_number=_id_number(unit, 1))
    case_make(officer, applicant=stranger)
    with world.capture(execute=True):
        case_reassign(actor=lead, case=case_make(officer), to_user=lead)
    case_transfer(
        actor=officer,
        case=case_make(officer),
        to_market=market,
        to_user=colleague,
        reason="请接手",
    )
    # A poor rating (好差评) and the rectification it opens.
    rated = case_resolve(actor=officer, case=case_make(officer), outcome="已答复")
    rating_record(case=rated, level="dissatisfied", comment="等候太久", channel="kiosk")

    # The counter: postings, seekers and the first seeker's and posting's referrals.
    posting = posting_make(officer, market, publish=True, contact_phone=f"139077100{unit:02d}")
    posting_make(officer, market, contact_phone=f"139077101{unit:02d}")
    seeker = seeker_make(officer, market, id_number=_id_number(unit, 2))
    referral_record(actor=officer, seeker=world.first["seeker"], posting=posting)
    referral_record(actor=officer, seeker=seeker, posting=world.first["posting"])

    # The supporting services.
    complaint_make(officer, market)
    startup_make(officer, market)
    spring_breeze_make(lead, market)
    guidance_make(officer, market, seeker)
    programme = programme_make(
        world.first["provider"], market, title=f"餐厅服务员晚间班{unit}", capacity=10
    )
    training_referral_open(
        actor=officer, market=market, seeker=seeker, programme=programme, channel="counter"
    )
    article_make(lead, market, title=f"灵活就业人员社会保险补贴政策{unit}")
    room_make(market, name=f"职业指导室{unit}")
    occupation_local_add(actor=lead, market=market, middle_code="4-03", name=f"本市场工种{unit}")
    # A public-welfare job (公益性岗位) filled: applied for, approved, placed.
    application = welfare_apply(
        actor=officer,
        market=market,
        seeker=seeker_with(officer, market, ["dibao"], id_number=_id_number(unit, 3)),
        posting=welfare_posting_make(officer, market, contact_phone=f"139077102{unit:02d}"),
        channel="counter",
    )
    welfare_approve(actor=lead, application=application)
    welfare_place(
        actor=officer,
        application=application,
        starts_on=today,
        subsidy_months=1,
        subsidy_monthly_amount=Decimal("1500"),
    )
    inspection_record(
        actor=world.inspector,
        market=market,
        visited_on=today - timedelta(days=unit),
        items={
            code: ItemGiven(result="fail" if code == "accessibility" else "pass", note="坡道缺失")
            for code in FACILITY_CODES
        },
    )
    absence_record(
        actor=lead,
        market=market,
        officer=colleague,
        deputy=lead,
        starts_on=today,
        ends_on=today + timedelta(days=1),
    )
    export_request(actor=lead, export_list=CASE_LIST, criteria={"market_id": market.pk}, fmt="xlsx")


# --- The walk ---------------------------------------------------------------------------------


def _count(client: Client, url: str) -> tuple[int, int]:
    """(status, queries) of a GET, after one GET to warm the session and the caches; a page
    that sends on to its results (the search, by a token for a number) is counted there."""
    warm = client.get(url, follow=True)
    if warm.redirect_chain:
        url = warm.redirect_chain[-1][0]
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return response.status_code, len(context)


def pages_to_walk(world: World) -> Iterator[tuple[str, str, list[str]]]:
    """(name, URL, roles) of every page the walk opens, its variants named after it."""
    first = world.first
    values = {
        "seeker": first["seeker"].pk,
        "welfare_seeker": first["welfare_seeker"].pk,
        "welfare_posting": first["welfare_posting"].pk,
        "officer": world.officer.pk,
        "month": timezone.localdate().strftime("%Y-%m"),
    }
    for name, route in staff_pages():
        url = fill(route, world.market)
        yield name, url, STAFF
        for query in VARIANTS.get(name, []):
            yield f"{name}{query}", url + query.format(**values), STAFF
    for name, url in admin_pages():
        yield name, url, ADMINS


def counts(
    clients: dict[str, Client], world: World, only: set[str] | None = None
) -> dict[tuple[str, str], int]:
    """(page name, role) → queries, for every page (or those named) each role opens (200)."""
    found: dict[tuple[str, str], int] = {}
    for name, url, roles in pages_to_walk(world):
        if name in GROWING_BY_DESIGN or (only is not None and name not in only):
            continue
        for role in (role for role in roles if role in clients):
            status, queries = _count(clients[role], url)
            if status == 200:
                found[name, role] = queries
    return found


@pytest.fixture
def world(
    officer: User,
    team_lead: User,
    inspector: User,
    nanning_market: Market,
    nanning: Region,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
    frozen_time: object,
) -> World:
    return World(
        officer,
        team_lead,
        inspector,
        nanning_market,
        nanning,
        capture=django_capture_on_commit_callbacks,
    )


def test_the_walk_covers_every_page_and_the_exceptions_are_real() -> None:
    names = {name for name, _route in staff_pages()}

    assert {"backoffice:workbench", "backoffice:case_detail", "backoffice:search"} <= names
    assert "backoffice:case_claim" not in names and "portal:kiosk" not in names
    assert set(GROWING_BY_DESIGN) <= names | {name for name, _url in admin_pages()}
    assert set(NOT_OPENED) <= names
    assert set(VARIANTS) <= names
    assert ID_NUMBERS[0] != _id_number(0, 2)


def grown(small: dict[tuple[str, str], int], large: dict[tuple[str, str], int]) -> list[str]:
    """Every page whose count is not the same with three times the data, with both counts."""
    return [
        f"{name} as {role}: {queries} queries with {SMALL} unit, "
        f"{large.get((name, role), 'no 200')} with {LARGE}"
        for (name, role), queries in sorted(small.items())
        if large.get((name, role)) != queries
    ]


def _each_case_with_its_market(request: HttpRequest) -> HttpResponse:
    """A page reading each row's market on its own: the mistake the walk is there to find."""
    return HttpResponse(", ".join(case.market.name for case in Case.objects.all()))


def test_a_new_page_that_grows_fails_the_walk(
    world: World,
    verified_client: Callable[[User], Client],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test of the test: the project's URLs plus one new page, found by the walk from the
    resolver (no list to add it to) and reported with both counts."""
    urlconf = ModuleType("querywalk_throwaway_urls")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        path("", include("config.urls")),
        path("cases/brand-new/", _each_case_with_its_market, name="brand_new_page"),
    ]
    monkeypatch.setitem(sys.modules, urlconf.__name__, urlconf)
    settings.ROOT_URLCONF = urlconf.__name__
    clients = {"officer": verified_client(world.officer)}

    unit_add(world)
    small = counts(clients, world, only={"brand_new_page"})
    while world.units < LARGE:
        unit_add(world)
    large = counts(clients, world, only={"brand_new_page"})

    assert len(grown(small, large)) == 1
    assert grown(small, large)[0].startswith("brand_new_page as officer: ")


def test_every_page_runs_as_many_queries_with_three_times_the_data(
    world: World,
    verified_client: Callable[[User], Client],
    request: pytest.FixtureRequest,
) -> None:
    clients = {role: verified_client(request.getfixturevalue(role)) for role in STAFF + ADMINS}
    unit_add(world)
    small = counts(clients, world)
    while world.units < LARGE:
        unit_add(world)
    large = counts(clients, world)

    opened = {name.split("?")[0] for name, _role in small}
    unopened = sorted(
        name
        for name, _route in staff_pages()
        if name not in opened and name not in NOT_OPENED and name not in GROWING_BY_DESIGN
    )
    faults = grown(small, large) + [
        f"{name}: no role opens it with the walk's records" for name in unopened
    ]
    faults += [
        f"{name}: opened, take it off NOT_OPENED" for name in sorted(opened & set(NOT_OPENED))
    ]
    faults += [
        f"{name} as {role}: {queries} queries (at most {MAX_QUERIES})"
        for (name, role), queries in sorted(large.items())
        if queries > MAX_QUERIES
    ]
    assert not faults, "\n".join(faults)
