"""The case lists as staff use them: the workbench and the market's list filtered and sorted
from the address, a bad value answered with a form error (never a 500), counts that stop at a
cap, a bounded number of queries for every filter, saved views that only their owner sees,
and the team lead's bulk reassign with one confirmation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from conftest import MarketFactory, RegionFactory, applicant_make, case_make
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from test_case_query_bounds import assert_flat, bulk_cases, bulk_deadlines
from test_case_support import staff_make

from accounts.models import SavedView, User
from audit.models import AuditEvent
from backoffice.common.pages import LIST_PLAN_SETTINGS, list_plans
from cases.models import Case, Channel, State
from cases.selectors import case_list_unclaimed, cases_filtered
from markets.models import Market, Role, ServiceStation
from sla.models import Deadline, Target

Clients = Callable[[User], Client]


@pytest.fixture
def verified_client(verified_client: Clients) -> Clients:
    """Signed-in clients reading English (the messages asserted below); the test of both
    languages sets its own."""

    def make(user: User) -> Client:
        client = verified_client(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def audit_mark() -> int:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def trail(since: int) -> list[Any]:
    return list(AuditEvent.objects.filter(pk__gt=since).order_by("pk"))


def market_make(code: str, name: str) -> Market:
    return MarketFactory.create(region=RegionFactory.create(code=code, name=name), name=name)


def _set(case: Case, **fields: Any) -> Case:
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def _listed(response: Any) -> list[str]:
    return [case.subject for case in response.context["cases"]]


@pytest.fixture
def three(officer: User, team_lead: User) -> list[Case]:
    applicant = applicant_make(officer)
    counter = case_make(officer, applicant=applicant, subject="柜台咨询")
    phone = _set(case_make(officer, applicant=applicant, subject="电话咨询"), channel=Channel.PHONE)
    closed = _set(case_make(officer, applicant=applicant, subject="已办结"), state=State.CLOSED)
    return [counter, phone, closed]


# --- Filters from the address -------------------------------------------------------------


@pytest.mark.django_db
def test_the_market_list_is_filtered_and_sorted_from_its_address(
    verified_client: Clients, team_lead: User, nanning_market: Market, three: list[Case]
) -> None:
    client = verified_client(team_lead)
    url = f"/cases/market/{nanning_market.pk}/"

    assert sorted(_listed(client.get(url))) == sorted(c.subject for c in three)
    assert _listed(client.get(f"{url}?channel=phone")) == ["电话咨询"]
    assert _listed(client.get(f"{url}?state=closed")) == ["已办结"]
    newest = _listed(client.get(f"{url}?sort=newest"))
    assert _listed(client.get(f"{url}?sort=oldest")) == newest[::-1]


@pytest.mark.django_db
def test_a_due_filter_lists_the_most_urgent_first_whatever_sort_the_form_sent(
    verified_client: Clients, team_lead: User, nanning_market: Market, three: list[Case]
) -> None:
    counter, phone, _closed = three
    now = timezone.now()
    for case, due in ((counter, now - timedelta(hours=1)), (phone, now - timedelta(days=2))):
        Deadline.objects.filter(
            subject_type="cases.case", subject_id=case.pk, target=Target.COMPLETION
        ).update(due_at=due, warn_at=due)

    response = verified_client(team_lead).get(
        f"/cases/market/{nanning_market.pk}/?due=overdue&sort=newest"
    )

    assert _listed(response) == ["电话咨询", "柜台咨询"]  # two days late, then one hour
    form = response.context["filters"]
    assert not form.errors
    assert '<option value="due" selected>' in response.content.decode()


@pytest.mark.django_db
def test_the_workbench_filters_my_cases_and_the_unclaimed_ones_alike(
    verified_client: Clients, officer: User, three: list[Case]
) -> None:
    response = verified_client(officer).get("/cases/?channel=phone")

    assert response.status_code == 200
    assert [case.subject for case in response.context["mine"]] == ["电话咨询"]
    assert "owner" not in response.context["filters"].fields  # the workbench's are mine


@pytest.mark.django_db
@pytest.mark.parametrize("due", ["overdue", "today", "week"])
@time_machine.travel("2026-03-11 02:00:00+00:00", tick=False)  # a Wednesday, 10:00 in Nanning
def test_the_workbench_lists_the_unclaimed_cases_due_and_only_those(
    verified_client: Clients, officer: User, team_lead: User, nanning_market: Market, due: str
) -> None:
    """The unclaimed list narrowed by each due filter: the unclaimed case due is listed, a
    claimed one due is not (it is the officer's), nor an unclaimed one due later."""
    now = timezone.now()
    when = {
        "overdue": now - timedelta(hours=1),
        "today": now + timedelta(hours=2),
        "week": now + timedelta(days=2),
    }[due]
    waiting = case_make(officer, subject="待认领", claimed=False)
    later = case_make(officer, subject="下月到期", claimed=False)
    claimed = case_make(officer, subject="已认领")
    for case, due_at in ((waiting, when), (later, now + timedelta(days=40)), (claimed, when)):
        Deadline.objects.filter(
            subject_type="cases.case", subject_id=case.pk, target=Target.COMPLETION
        ).update(due_at=due_at, warn_at=due_at)

    response = verified_client(team_lead).get(f"/cases/?due={due}")

    assert response.status_code == 200
    assert [case.subject for case in response.context["unclaimed"]] == ["待认领"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [
        "state=bogus",
        "due=yesterday",
        "sort=opened_at%3B%20drop%20table",
        "owner=999999999",
        "owner=abc",
        "station=-1",
        "opened_from=2026-13-01",
        "opened_from=0001-01-01",
        "opened_from=2026-03-10&opened_to=2026-03-01",
        "sort=due",  # most urgent first, but no due filter
        "kind=%F0%9F%99%82",
        f"channel={'x' * 2000}",
    ],
)
def test_a_bad_value_is_a_form_error_and_the_other_values_still_apply(
    verified_client: Clients,
    team_lead: User,
    nanning_market: Market,
    three: list[Case],
    bad: str,
) -> None:
    url = f"/cases/market/{nanning_market.pk}/?channel=phone&{bad}"
    if bad.startswith("channel="):
        url = f"/cases/market/{nanning_market.pk}/?state=in_progress&{bad}"

    response = verified_client(team_lead).get(url)

    assert response.status_code == 200
    form = response.context["filters"]
    assert form.errors
    assert "Some values could not be used" in response.content.decode()
    kept = "state" if bad.startswith("channel=") else "channel"
    assert form.cleaned_data[kept]  # the valid value is kept on the form …
    expected = ["柜台咨询", "电话咨询"] if kept == "state" else ["电话咨询"]
    assert sorted(_listed(response)) == sorted(expected)  # … and filters the list


@pytest.mark.django_db
def test_the_count_stops_at_the_cap(
    verified_client: Clients,
    team_lead: User,
    officer: User,
    nanning_market: Market,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("backoffice.common.pages.COUNT_CAP", 5)
    bulk_cases(
        7,
        market=nanning_market,
        applicant=applicant_make(officer),
        opener=officer,
        owner=officer,
        state=State.IN_PROGRESS,
    )
    client = verified_client(team_lead)

    over = client.get(f"/cases/market/{nanning_market.pk}/").content.decode()
    under = client.get(f"/cases/market/{nanning_market.pk}/?sort=oldest&state=closed")

    assert '<span class="count">5+</span>' in over
    assert '<span class="count">0</span>' in under.content.decode()


@pytest.mark.django_db
def test_the_officers_desk_counts_to_its_own_smaller_cap(
    verified_client: Clients,
    team_lead: User,
    officer: User,
    nanning_market: Market,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("backoffice.cases.views.DESK_COUNT_CAP", 5)
    bulk_cases(
        7,
        market=nanning_market,
        applicant=applicant_make(officer),
        opener=officer,
        owner=officer,
        state=State.IN_PROGRESS,
    )

    desk = verified_client(officer).get("/cases/").content.decode()
    market = verified_client(team_lead).get(f"/cases/market/{nanning_market.pk}/")

    assert '<span class="count">5+</span>' in desk
    assert '<span class="count">7</span>' in market.content.decode()


@pytest.mark.django_db
def test_the_station_filter_offers_the_stations_as_they_are_now(
    verified_client: Clients, officer: User, nanning_market: Market
) -> None:
    """The choices are kept per process (no query of their own on each list); a station
    added, renamed or removed shows at the next request."""
    client = verified_client(officer)

    def offered() -> list[str]:
        response = client.get("/cases/")
        assert response.status_code == 200
        field = response.context["filters"]["station"].field
        return [str(label) for value, label in field.choices if value != ""]

    assert offered() == []
    east = ServiceStation.objects.create(market=nanning_market, name="朝阳站", address="朝阳路")
    assert offered() == ["朝阳站"]
    east.name = "东葛站"
    east.save()
    ServiceStation.objects.create(market=nanning_market, name="北湖站", address="北湖路")
    assert offered() == ["东葛站", "北湖站"]  # by name (code points)
    east.delete()
    assert offered() == ["北湖站"]
    response = client.get(f"/cases/?station={east.pk}")
    assert list(response.context["filters"].errors) == ["station"]


# --- Bounded queries for every filter -------------------------------------------------------

FILTERS = [
    "",
    "state=in_progress",
    "kind=policy_consultation",
    "owner={officer}",
    "channel=counter",
    "station={station}",
    "due=overdue",
    "due=today",
    "due=week",
    "opened_from=2020-01-01&opened_to=2099-12-31",
    "sort=oldest",
    "sort=reference",
    "sort=-reference",
    "state=in_progress&kind=policy_consultation&owner={officer}&channel=counter&due=overdue"
    "&opened_from=2020-01-01&sort=oldest",
    "station={station}&state=in_progress&due=overdue",  # read whole, counted in order
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", FILTERS)
def test_the_market_list_queries_do_not_grow_with_the_cases_for_any_filter(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    django_assert_max_num_queries: Callable[[int], object],
    query: str,
) -> None:
    station = ServiceStation.objects.create(market=nanning_market, name="朝阳站", address="朝阳路")
    applicant = applicant_make(officer)

    def fill(n: int) -> None:
        cases = bulk_cases(
            n,
            market=nanning_market,
            applicant=applicant,
            opener=officer,
            owner=officer,
            state=State.IN_PROGRESS,
        )
        Case.objects.filter(pk__in=[c.pk for c in cases[::2]]).update(station=station)
        bulk_deadlines(cases, due_in=-timedelta(hours=1))

    url = f"/cases/market/{nanning_market.pk}/?" + query.format(
        officer=officer.pk, station=station.pk
    )
    assert_flat(verified_client(team_lead), url, fill, django_assert_max_num_queries)


def _overdue_cases_at_a_station(
    market: Market, officer: User, n: int, *, every: int = 1, state: str = State.IN_PROGRESS
) -> ServiceStation:
    """``n`` cases of ``officer`` in ``state``, overdue by an hour, every ``every``-th of them
    at a new service station of ``market`` (returned)."""
    station = ServiceStation.objects.create(market=market, name="朝阳站", address="朝阳路")
    cases = bulk_cases(
        n,
        market=market,
        applicant=applicant_make(officer),
        opener=officer,
        owner=officer,
        state=state,
    )
    Case.objects.filter(pk__in=[c.pk for c in cases[::every]]).update(station=station)
    bulk_deadlines(cases, due_in=-timedelta(hours=1))
    return station


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "in_order"),
    [
        ("station={station}&state=transfer_pending&due=overdue", True),
        ("station={station}&due=overdue", False),
        ("state=transfer_pending&due=overdue", False),
    ],
)
def test_a_stations_due_cases_in_a_state_few_are_in_are_counted_with_the_page_in_one_walk(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    query: str,
    in_order: bool,
) -> None:
    """The market list of a station's cases in a state few are in (transfers waiting) with a
    due filter reads them whole (``cases.selectors.cases_read_whole``): its count is its ids
    read in due order, which the page then shows, instead of a count that reads them all and
    a page that reads them all again. The other due lists walk the clocks in due order and
    count apart."""
    station = _overdue_cases_at_a_station(
        nanning_market, officer, 20, every=2, state=State.TRANSFER_PENDING
    )
    url = f"/cases/market/{nanning_market.pk}/?" + query.format(station=station.pk)

    with CaptureQueriesContext(connection) as queries:
        response = verified_client(team_lead).get(url)

    assert response.status_code == 200
    page = response.context["cases"]
    assert (page.row_ids is not None) is in_order
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
    assert len(counts) == (0 if in_order else 1), counts
    expected = 10 if "station" in query else 20
    assert page.paginator.count == expected and len(page.object_list) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["due=overdue&kind=policy_consultation", "station=1&sort=oldest"])
def test_the_filtered_workbench_queries_do_not_grow_with_the_cases(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    django_assert_max_num_queries: Callable[[int], object],
    query: str,
) -> None:
    applicant = applicant_make(officer)

    def fill(n: int) -> None:
        common = {"market": nanning_market, "applicant": applicant, "opener": team_lead}
        mine = bulk_cases(n, owner=officer, state=State.IN_PROGRESS, **common)
        bulk_deadlines(mine, due_in=-timedelta(hours=1))
        bulk_cases(n, owner=None, state=State.NEW, **common)

    assert_flat(verified_client(officer), f"/cases/?{query}", fill, django_assert_max_num_queries)


@pytest.mark.django_db
def test_the_market_list_reads_its_staff_once_for_the_owner_filter_and_the_reassign_list(
    verified_client: Clients, officer: User, team_lead: User, nanning_market: Market
) -> None:
    client = verified_client(team_lead)
    url = f"/cases/market/{nanning_market.pk}/?owner={officer.pk}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["filters"].criteria()["owner_id"] == officer.pk
    owners = {value for value, _label in response.context["filters"]["owner"].field.choices}
    assert owners == {"", officer.pk, team_lead.pk}  # All, and the market's staff
    assert {user.pk for user in response.context["staff"]} == {officer.pk, team_lead.pk}
    staff_reads = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT DISTINCT "accounts_user"')
    ]
    assert len(staff_reads) == 1


# --- A list page's plans (PostgreSQL) ----------------------------------------------------------

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the settings are PostgreSQL's planner's"
)


def _plan_settings() -> dict[str, str]:
    with connection.cursor() as cursor:
        settings_now = {}
        for name in LIST_PLAN_SETTINGS:
            cursor.execute(f"SHOW {name}")
            settings_now[name] = str(cursor.fetchone()[0])
        return settings_now


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_list_plans_set_the_planner_for_the_queries_inside_only() -> None:
    before = _plan_settings()
    assert before != LIST_PLAN_SETTINGS  # the server's own: parallel workers, disk reads
    with list_plans():
        assert _plan_settings() == LIST_PLAN_SETTINGS
    assert _plan_settings() == before
    with pytest.raises(ZeroDivisionError), list_plans():
        1 / 0  # noqa: B018
    assert _plan_settings() == before


@ON_POSTGRESQL
@pytest.mark.django_db
def test_the_case_lists_read_their_cases_with_a_list_pages_plans(
    verified_client: Clients, officer: User, team_lead: User, nanning_market: Market
) -> None:
    pages = [(officer, "/cases/?due=today"), (team_lead, f"/cases/market/{nanning_market.pk}/")]
    for user, url in pages:
        client = verified_client(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        statements = [q["sql"] for q in queries]
        # The settings, all in one statement, before the first read of a case.
        set_at = [
            at
            for at, sql in enumerate(statements)
            if all(
                f"set_config('{name}', '{value}', true)" in sql
                for name, value in LIST_PLAN_SETTINGS.items()
            )
        ]
        assert len(set_at) == 1
        assert not [sql for sql in statements[: set_at[0]] if "cases_case" in sql]
        assert [sql for sql in statements[set_at[0] :] if "cases_case" in sql]


def _unclaimed_plan(officer: User, market: Market, due: str) -> str:
    ids = cases_filtered(
        case_list_unclaimed(user=officer), market_ids=[market.pk], due=due, sort="due"
    ).values_list("pk", flat=True)[:101]
    sql, params = ids.query.sql_with_params()
    with list_plans(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@ON_POSTGRESQL
@pytest.mark.django_db
@pytest.mark.parametrize("due", ["overdue", "today"])
def test_the_unclaimed_cases_due_are_walked_in_due_order_not_hashed(
    officer: User, nanning_market: Market, due: str
) -> None:
    """The planner cannot know that most clocks due belong to open cases, so it expects few
    of the market's new cases among them and hashes them all against the clocks (22 ms at
    1 000 000 cases, bench/README.md). A list page's plans join by nested loops: the clocks are
    walked in due order and each case probed, to the page's last row."""
    with time_machine.travel("2026-12-09 10:00 +0800", tick=False):  # a Wednesday morning
        cases = bulk_cases(
            300,
            market=nanning_market,
            applicant=applicant_make(officer),
            opener=officer,
            owner=None,
            state=State.NEW,
        )
        bulk_deadlines(cases, due_in=timedelta(hours=-1 if due == "overdue" else 2))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case, sla_deadline")

        plan = _unclaimed_plan(officer, nanning_market, due)

    assert "Nested Loop" in plan, plan
    assert "Hash Join" not in plan and "Merge Join" not in plan, plan


# --- Saved views ---------------------------------------------------------------------------


def _save(client: Client, market: Market, name: str, query: str) -> Any:
    return client.post(
        "/cases/views/save/",
        {"page": "market", "market": market.pk, "name": name, "query": query},
        follow=True,
    )


@pytest.mark.django_db
def test_a_lead_saves_a_filter_under_a_name_and_opens_it_again(
    verified_client: Clients, team_lead: User, nanning_market: Market, three: list[Case]
) -> None:
    client = verified_client(team_lead)

    response = _save(client, nanning_market, " 电话 来的 ", "channel=phone&state=bogus&sort=newest")

    view = SavedView.objects.get(owner=team_lead)
    # The name tidied, only the valid values kept, the default sort left out.
    assert (view.name, view.page, view.market_id, view.query) == (
        "电话 来的",
        "market",
        nanning_market.pk,
        "channel=phone",
    )
    assert _listed(response) == ["电话咨询"]  # back on the list, filtered as saved
    page = client.get(f"/cases/market/{nanning_market.pk}/").content.decode()
    assert f'href="/cases/market/{nanning_market.pk}/?channel=phone">电话 来的</a>' in page


@pytest.mark.django_db
def test_a_duplicate_name_is_refused_with_a_message(
    verified_client: Clients, team_lead: User, nanning_market: Market
) -> None:
    client = verified_client(team_lead)
    _save(client, nanning_market, "逾期", "due=overdue")

    response = _save(client, nanning_market, "逾期", "due=today")

    assert SavedView.objects.get(owner=team_lead).query == "due=overdue"
    assert "You already have a view named" in response.content.decode()


@pytest.mark.django_db
def test_only_the_owner_sees_renames_and_deletes_a_saved_view(
    verified_client: Clients, team_lead: User, officer: User, nanning_market: Market
) -> None:
    other_lead = staff_make("lead2", Role.TEAM_LEAD, market=nanning_market)
    _save(verified_client(team_lead), nanning_market, "我的逾期投诉", "due=overdue")
    view = SavedView.objects.get(owner=team_lead)
    stranger = verified_client(other_lead)

    assert (
        "我的逾期投诉" not in stranger.get(f"/cases/market/{nanning_market.pk}/").content.decode()
    )
    assert "我的逾期投诉" not in stranger.get("/cases/views/").content.decode()
    assert (
        stranger.post(f"/cases/views/{view.pk}/rename/", {f"v{view.pk}-name": "x"}).status_code
        == 404
    )
    assert stranger.post(f"/cases/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.get(pk=view.pk).name == "我的逾期投诉"

    owner = verified_client(team_lead)
    assert "我的逾期投诉" in owner.get("/cases/views/").content.decode()
    owner.post(f"/cases/views/{view.pk}/rename/", {f"v{view.pk}-name": "逾期的"})
    assert SavedView.objects.get(pk=view.pk).name == "逾期的"
    owner.post(f"/cases/views/{view.pk}/delete/")
    assert not SavedView.objects.filter(pk=view.pk).exists()


@pytest.mark.django_db
def test_an_officer_may_not_save_a_view_of_a_market_list_they_cannot_open(
    verified_client: Clients, officer: User, nanning_market: Market
) -> None:
    response = _save(verified_client(officer), nanning_market, "偷看", "due=overdue")

    assert response.status_code == 403
    assert not SavedView.objects.exists()


@pytest.mark.django_db
def test_an_officer_saves_a_view_of_the_workbench(
    verified_client: Clients, officer: User, three: list[Case]
) -> None:
    client = verified_client(officer)

    response = client.post(
        "/cases/views/save/",
        {"page": "workbench", "name": "电话", "query": "channel=phone&owner=1"},
        follow=True,
    )

    assert SavedView.objects.get(owner=officer).query == "channel=phone"  # no owner filter here
    assert [c.subject for c in response.context["mine"]] == ["电话咨询"]


# --- Bulk reassign from the market's list ---------------------------------------------------


@pytest.mark.django_db
def test_the_lead_ticks_cases_confirms_once_and_each_is_reassigned_with_its_event(
    verified_client: Clients,
    team_lead: User,
    officer: User,
    nanning_market: Market,
    three: list[Case],
) -> None:
    colleague = staff_make("colleague", Role.OFFICER, market=nanning_market)
    client = verified_client(team_lead)
    chosen = [three[0].pk, three[1].pk]
    listed = client.get(f"/cases/market/{nanning_market.pk}/").content.decode()
    assert f'name="cases" value="{three[0].pk}" form="bulk-reassign"' in listed
    assert f'name="cases" value="{three[2].pk}"' not in listed  # closed: no box
    mark = audit_mark()

    asked = client.post(
        f"/cases/market/{nanning_market.pk}/reassign/",
        {"cases": chosen, "to_user": colleague.pk},
    )

    assert asked.status_code == 200
    assert "Confirm: reassign" in asked.content.decode()
    assert trail(mark) == []
    assert Case.objects.get(pk=three[0].pk).owner == officer

    done = client.post(
        f"/cases/market/{nanning_market.pk}/reassign/",
        {"cases": chosen, "to_user": colleague.pk, "confirm": "1"},
        follow=True,
    )

    assert "2 cases are now with" in done.content.decode()
    assert set(Case.objects.filter(pk__in=chosen).values_list("owner", flat=True)) == {colleague.pk}
    assert [row.action for row in trail(mark)] == ["case.reassigned", "case.reassigned"]


@pytest.mark.django_db
def test_a_colleague_of_another_market_is_refused_with_a_message(
    verified_client: Clients,
    team_lead: User,
    officer: User,
    nanning_market: Market,
    three: list[Case],
    liuzhou: object,
) -> None:
    stranger = staff_make("stranger", Role.OFFICER, market=market_make("450200", "柳州市"))
    client = verified_client(team_lead)
    mark = audit_mark()

    response = client.post(
        f"/cases/market/{nanning_market.pk}/reassign/",
        {"cases": [three[0].pk], "to_user": stranger.pk, "confirm": "1"},
        follow=True,
    )

    assert "does not work in this market" in response.content.decode()
    assert Case.objects.get(pk=three[0].pk).owner == officer
    assert trail(mark) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to_user": "{colleague}"}, "Tick the cases to reassign."),
        ({"cases": ["abc"], "to_user": "{colleague}"}, "The selection is not understood."),
        ({"cases": ["{case}"]}, "Choose the colleague to give the cases to."),
        ({"cases": ["{case}"], "to_user": "999999"}, "Choose a colleague from the list."),
    ],
)
def test_a_bad_bulk_request_answers_the_list_with_a_message(
    verified_client: Clients,
    team_lead: User,
    nanning_market: Market,
    three: list[Case],
    data: dict[str, Any],
    message: str,
) -> None:
    colleague = staff_make("colleague", Role.OFFICER, market=nanning_market)
    filled = {
        key: (
            [v.format(case=three[0].pk) for v in value]
            if isinstance(value, list)
            else value.format(colleague=colleague.pk)
        )
        for key, value in data.items()
    }

    response = verified_client(team_lead).post(
        f"/cases/market/{nanning_market.pk}/reassign/", filled, follow=True
    )

    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_an_officer_may_not_bulk_reassign(
    verified_client: Clients, officer: User, nanning_market: Market, three: list[Case]
) -> None:
    response = verified_client(officer).post(
        f"/cases/market/{nanning_market.pk}/reassign/",
        {"cases": [three[0].pk], "to_user": officer.pk, "confirm": "1"},
    )

    assert response.status_code == 403


# --- The dashboard's lists open in the market's list ---------------------------------------


@pytest.mark.django_db
def test_the_dashboard_lists_link_to_the_filtered_market_list_for_its_readers(
    verified_client: Clients,
    team_lead: User,
    inspector: User,
    officer: User,
    nanning_market: Market,
) -> None:
    # Opened two months ago and never closed: overdue now, whatever the hour, as the services
    # and the dashboard's counters record it (the counters are not rewritten behind their back).
    with time_machine.travel(timezone.now() - timedelta(days=60), tick=False):
        case = case_make(officer)
    assert (
        Deadline.objects.get(subject_id=case.pk, target=Target.COMPLETION).due_at < timezone.now()
    )
    url = f"/sla/market/{nanning_market.pk}/"

    lead_page = verified_client(team_lead).get(url).content.decode()
    inspector_page = verified_client(inspector).get(url).content.decode()

    assert f"/cases/market/{nanning_market.pk}/?due=overdue" in lead_page
    assert f"/cases/market/{nanning_market.pk}/?due=overdue" in inspector_page


@pytest.mark.django_db
def test_an_inspector_reads_and_exports_the_market_list_but_changes_nothing(
    verified_client: Clients,
    team_lead: User,
    inspector: User,
    officer: User,
    nanning_market: Market,
) -> None:
    case = case_make(officer)
    client = verified_client(inspector)
    url = f"/cases/market/{nanning_market.pk}/?state={case.state}"

    page = client.get(url)
    reassign = client.post(
        f"/cases/market/{nanning_market.pk}/reassign/",
        {"cases": [case.pk], "to_user": team_lead.pk, "confirm": "1"},
    )
    export = client.post(
        "/exports/new/",
        {"list": "cases", "market": nanning_market.pk, "state": case.state, "format": "csv"},
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert case.reference in html
    assert 'id="bulk-reassign"' not in html and 'name="to_user"' not in html
    assert 'name="list" value="cases"' in html  # the export buttons
    assert reassign.status_code == 403
    case.refresh_from_db()
    assert case.owner_id == officer.pk
    assert export.status_code == 302
    assert AuditEvent.objects.filter(action="export.completed", actor=inspector).exists()


# --- Both languages -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["已保存的视图", "已超期", "本周到期", "把勾选的案件"]),
        ("en", ["Saved views", "Overdue", "Due this week", "Give the ticked cases"]),
    ],
)
def test_the_list_reads_in_both_languages(
    verified_client: Clients,
    team_lead: User,
    nanning_market: Market,
    three: list[Case],
    language: str,
    words: list[str],
) -> None:
    client = verified_client(team_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get(f"/cases/market/{nanning_market.pk}/").content.decode()

    for word in words:
        assert word in page, word
