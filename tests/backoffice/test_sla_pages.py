"""Time limits (限时办结) on the pages: the due time and its badge on every case row and on the
case page, and the team lead's dashboard of a market (lists, figures, breaches, on-time rate),
who may read it, and its query count."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from conftest import PASSWORD, SHANGHAI, applicant_make, case_make
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from test_case_query_bounds import LARGE, SMALL, bulk_cases, bulk_deadlines, queries
from test_case_support import market_make, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, ChecklistItem, State
from cases.services import case_request_materials, case_resolve, case_withdraw
from cases.sla_counters import sla_counters_rebuild
from cases.sla_selectors import BREACHES_PER_PAGE
from markets.models import Market, Region, Role
from sla.counters import reminder_counts_rebuild
from sla.models import Deadline, Level, Reminder, Target

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]


def completion(case: Case) -> Deadline:
    return Deadline.objects.get(subject_id=case.pk, target=Target.COMPLETION)


def badges(html: str, reference: str) -> list[str]:
    """The badges shown in the table row of the case ``reference``."""
    rows = [row for row in re.split(r"<tr[ >]", html) if reference in row]
    assert len(rows) == 1, f"{reference} is on {len(rows)} rows"
    return re.findall(r'class="badge badge-([a-z_]+)"', rows[0])


def case_page_badges(client: Client, case: Case) -> list[str]:
    html = client.get(f"/cases/{case.pk}/").content.decode()
    due = re.search(r'<dd><span class="due">(.*?)</dd>', html, re.S)
    assert due is not None
    return re.findall(r'class="badge badge-([a-z_]+)"', due.group(1))


# --- Badges -----------------------------------------------------------------------------------


def test_an_open_case_shows_its_due_time_and_no_badge_before_the_warning(
    frozen_time: time_machine.Traveller, officer: User, verified_client: Clients
) -> None:
    case = case_make(officer)
    deadline = completion(case)

    html = verified_client(officer).get("/cases/").content.decode()

    due = deadline.due_at.astimezone(SHANGHAI)
    assert f'<time datetime="{due.isoformat()}">' in html
    assert badges(html, case.reference) == []


def test_a_case_past_its_warning_time_is_due_soon_on_the_workbench_and_the_case_page(
    frozen_time: time_machine.Traveller, officer: User, verified_client: Clients
) -> None:
    case = case_make(officer)
    frozen_time.move_to(completion(case).warn_at + timedelta(minutes=1))
    client = verified_client(officer)

    assert badges(client.get("/cases/").content.decode(), case.reference) == ["due_soon"]
    assert case_page_badges(client, case) == ["due_soon"]


def test_a_case_past_its_due_time_is_overdue_on_the_team_leads_list(
    frozen_time: time_machine.Traveller,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    case = case_make(officer)
    frozen_time.move_to(completion(case).due_at + timedelta(seconds=1))
    client = verified_client(team_lead)

    html = client.get(f"/cases/market/{nanning_market.pk}/").content.decode()

    assert badges(html, case.reference) == ["overdue"]
    assert case_page_badges(client, case) == ["overdue"]


def test_a_case_waiting_for_materials_is_paused(
    frozen_time: time_machine.Traveller, officer: User, verified_client: Clients
) -> None:
    case = case_make(officer)
    frozen_time.shift(timedelta(hours=1))
    items = list(ChecklistItem.objects.filter(kind=case.kind)[:1])
    case_request_materials(actor=officer, case=case, items=items)
    client = verified_client(officer)

    assert completion(case).paused_at is not None
    assert badges(client.get("/cases/").content.decode(), case.reference) == ["paused"]
    assert case_page_badges(client, case) == ["paused"]


def test_a_case_resolved_in_time_is_met_and_one_resolved_late_is_late(
    frozen_time: time_machine.Traveller,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    in_time = case_make(officer, subject="按时办结")
    late = case_make(officer, subject="超时办结")
    frozen_time.shift(timedelta(hours=2))
    case_resolve(actor=officer, case=in_time, outcome="已答复")
    frozen_time.move_to(completion(late).due_at + timedelta(hours=1))
    case_resolve(actor=officer, case=late, outcome="已答复")
    client = verified_client(team_lead)

    html = client.get(f"/cases/market/{nanning_market.pk}/").content.decode()

    assert badges(html, in_time.reference) == ["met"]
    assert badges(html, late.reference) == ["late"]
    assert case_page_badges(client, late) == ["late"]


def test_a_due_time_in_a_year_the_calendar_does_not_know_is_marked_estimated(
    frozen_time: time_machine.Traveller, officer: User, verified_client: Clients
) -> None:
    # Five working days from the last Monday of 2026 end in 2027, which the calendar does not
    # know yet: counted Monday to Friday.
    frozen_time.move_to(datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    officer.set_password(PASSWORD)  # changed within the last 90 days, as the policy demands
    officer.save(update_fields=["password", "password_changed_at"])
    case = case_make(officer)
    client = verified_client(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/cases/").content.decode()

    assert completion(case).estimated is True
    assert badges(html, case.reference) == ["estimated"]
    assert re.search(r'class="badge badge-estimated"[^>]*>estimated<', html)
    assert case_page_badges(client, case) == ["estimated"]


def test_the_rows_of_a_page_bring_their_deadlines_in_no_query_of_their_own(
    frozen_time: time_machine.Traveller, officer: User, verified_client: Clients
) -> None:
    cases = [case_make(officer, subject=f"咨询{n}") for n in range(3)]
    client = verified_client(officer)
    client.get("/cases/")

    with CaptureQueriesContext(connection) as context:
        html = client.get("/cases/").content.decode()

    reads = [q["sql"] for q in context.captured_queries if 'FROM "sla_deadline"' in q["sql"]]
    assert reads == []
    for case in cases:
        due = timezone.localtime(completion(case).due_at)
        assert f'<time datetime="{due.isoformat()}">' in html


# --- The dashboard ----------------------------------------------------------------------------

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)  # a Tuesday


def at(day: int, hour: int = 17, minute: int = 30, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def officer2(nanning_market: Market) -> User:
    return staff_make("officer2", Role.OFFICER, market=nanning_market)


@pytest.fixture
def scripted(
    frozen_time: time_machine.Traveller, officer: User, officer2: User, inspector: User
) -> dict[str, Case]:
    """Cases of the Nanning market with their completion clocks set by hand, seen on
    Tuesday 10 March 2026 at 10:00 (the period: March)."""
    plan: dict[str, tuple[User, dict[str, Any]]] = {
        "due_today": (officer, {"due_at": at(10), "warn_at": at(10, 8)}),
        "due_soon": (officer, {"due_at": at(12), "warn_at": at(10, 9)}),
        "on_track": (officer2, {"due_at": at(11), "warn_at": at(11, 12)}),
        "overdue": (officer, {"due_at": at(9)}),
        "overdue2": (officer2, {"due_at": at(6)}),
        "paused": (officer2, {"due_at": at(6), "paused_at": at(5, 10)}),
        "paused_late": (officer, {"due_at": at(6), "paused_at": at(9, 12)}),
        "met": (officer, {"due_at": at(6), "stopped_at": at(4), "met": True}),
        "late": (officer2, {"due_at": at(4), "stopped_at": at(5), "met": False}),
        "met2": (officer2, {"due_at": at(9), "stopped_at": at(6), "met": True}),
        "february": (officer, {"due_at": at(19, month=2), "stopped_at": at(20, month=2)}),
        "other_kind": (
            officer2,
            {"due_at": at(4), "stopped_at": at(3), "met": True, "kind": "job_referral"},
        ),
    }
    cases = {}
    for name, (owner, fields) in plan.items():
        case = case_make(owner, subject=name)
        fields = {"warn_at": fields["due_at"] - timedelta(days=1), **fields}
        if "february" in name:
            fields["met"] = False
        # Set-up only: Deadline is not history-tracked, and these are the figures to check.
        Deadline.objects.filter(pk=completion(case).pk).update(**fields)
        cases[name] = case
    sla_counters_rebuild()  # the clocks were written around the services: counted again

    def remind(name: str, level: str, when: datetime) -> None:
        Reminder.objects.create(deadline=completion(cases[name]), level=level, created_at=when)

    remind("overdue", Level.BREACH, at(9, 17, 31))
    remind("overdue2", Level.BREACH, at(6, 17, 31))
    remind("overdue2", Level.ESCALATION, at(10, 9))
    remind("due_soon", Level.WARNING, at(10, 9))  # a warning is not a breach
    remind("february", Level.BREACH, at(19, 17, 31, month=2))
    reminder_counts_rebuild()  # written around the sweep: the reminders' counters counted again
    frozen_time.move_to(NOW)
    return cases


def subjects(short_list: Any) -> list[str]:
    return [row.case.subject for row in short_list.rows]


def by_label(lines: Any) -> dict[str, tuple[int, int, int]]:
    return {line.label: (line.overdue, line.rate.stopped, line.rate.met) for line in lines}


def test_the_dashboard_lists_and_counts_what_is_due_and_overdue(
    scripted: dict[str, Case],
    team_lead: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    response = verified_client(team_lead).get(f"/sla/market/{nanning_market.pk}/")

    board = response.context["dashboard"]
    assert response.status_code == 200
    assert subjects(board.due_today) == ["due_today"]
    assert subjects(board.due_soon) == ["due_soon"]
    # Earliest due first; the clock paused before its due time is not overdue.
    assert subjects(board.overdue) == ["overdue2", "paused_late", "overdue"]
    assert (board.due_today.total, board.due_soon.total, board.overdue.total) == (1, 1, 3)
    html = response.content.decode()
    assert scripted["overdue"].reference in html
    assert scripted["on_track"].reference not in html


def test_each_short_list_reads_no_more_clocks_than_the_counters_counted(
    scripted: dict[str, Case],
    team_lead: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    """A short list stops at the number of its clocks the counters counted (a list of none
    sends no query): "due soon" is an open range of due times filtered by the warning time,
    and with fewer than ten warned its scan would go on through every later clock looking for
    the rest."""
    client = verified_client(team_lead)
    url = f"/sla/market/{nanning_market.pk}/"
    client.get(url)

    with CaptureQueriesContext(connection) as context:
        client.get(url)
    Deadline.objects.filter(pk=completion(scripted["due_soon"]).pk).update(warn_at=at(11, 9))
    sla_counters_rebuild()  # the one clock due soon is not warned yet: none due soon
    with CaptureQueriesContext(connection) as none_due_soon:
        client.get(url)

    def limits(captured: CaptureQueriesContext) -> list[int]:
        lists = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith('SELECT "sla_deadline"."id"') and "ORDER BY" in q["sql"]
        ]
        return sorted(int(re.findall(r"LIMIT (\d+)", sql)[-1]) for sql in lists)

    assert limits(context) == [1, 1, 3]  # due today, due soon, overdue: the counted numbers
    assert limits(none_due_soon) == [1, 3]
    assert len(none_due_soon.captured_queries) == len(context.captured_queries) - 1


def test_the_dashboard_figures_by_officer_and_kind_match_the_hand_count(
    scripted: dict[str, Case],
    team_lead: User,
    nanning_market: Market,
    officer: User,
    officer2: User,
    verified_client: Clients,
) -> None:
    board = verified_client(team_lead).get(f"/sla/market/{nanning_market.pk}/").context["dashboard"]

    assert (board.period.first.isoformat(), board.period.last.isoformat()) == (
        "2026-03-01",
        "2026-03-31",
    )
    # March: met, late, met2 and other_kind stopped; three of them in time. February's not.
    assert (board.rate.stopped, board.rate.met, board.rate.percent) == (4, 3, 75.0)
    assert by_label(board.by_officer) == {
        str(officer): (2, 1, 1),  # overdue, paused_late | met
        str(officer2): (1, 3, 2),  # overdue2 | late, met2, other_kind
    }
    assert by_label(board.by_kind) == {"政策咨询": (3, 3, 2), "job_referral": (0, 1, 1)}


def test_the_breach_list_shows_the_periods_breaches_and_escalations_newest_first(
    scripted: dict[str, Case],
    team_lead: User,
    nanning_market: Market,
    officer: User,
    officer2: User,
    verified_client: Clients,
) -> None:
    board = verified_client(team_lead).get(f"/sla/market/{nanning_market.pk}/").context["dashboard"]

    assert [
        (row.case.subject, row.reminder.level, row.case.owner) for row in board.breach_rows
    ] == [
        ("overdue2", Level.ESCALATION, officer2),
        ("overdue", Level.BREACH, officer),
        ("overdue2", Level.BREACH, officer2),
    ]


def test_the_dashboards_rows_show_each_case_linked_its_due_time_and_markup_escaped(
    scripted: dict[str, Case],
    team_lead: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    overdue = scripted["overdue"]
    # Set-up only: a subject typed with markup in it.
    Case.objects.filter(pk=overdue.pk).update(subject='<b>欠薪</b> & "x"')

    html = verified_client(team_lead).get(f"/sla/market/{nanning_market.pk}/").content.decode()

    assert "<b>欠薪</b>" not in html
    escaped = "&lt;b&gt;欠薪&lt;/b&gt; &amp; &quot;x&quot;"
    row = (
        f'<td class="mono"><a href="/cases/{overdue.pk}/">{overdue.reference}</a></td>'
        f"<td>{escaped}</td><td>{overdue.owner}</td>"
    )
    # In the overdue short list with its due time and badge, and in the breaches with the
    # breach's time and level.
    assert html.count(row) == 2
    assert f'{row}<td><span class="due"><time datetime="2026-03-09T17:30:00+08:00">' in html
    assert '<tr><td class="when">2026-03-09 17:31</td><td><span class="badge badge-breach">' in html
    assert f'{row}<td class="when">2026-03-09 17:30</td></tr>' in html
    # The figures by officer: overdue now (marked), finished in the period, the on-time rate.
    assert (
        f'<tr><th scope="row">{overdue.owner}</th><td class="num bad">2</td>'
        '<td class="num">1</td><td><strong>100.0%</strong> <span class="hint">'
    ) in html
    assert '<dd><strong>75.0%</strong> <span class="hint">' in html


def test_the_breaches_are_counted_from_the_counters_and_paged_through_their_index(
    scripted: dict[str, Case],
    team_lead: User,
    officer: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    """A busy market's month has tens of thousands of breaches: their number comes from the
    reminders' counters (never a count of the month's reminders) and the pages go on to the
    last."""
    many = bulk_cases(
        200,
        market=nanning_market,
        applicant=scripted["overdue"].applicant,
        opener=officer,
        owner=officer,
        state=State.IN_PROGRESS,
    )
    clocks = bulk_deadlines(many, due_in=-timedelta(days=3))
    Reminder.objects.bulk_create(
        Reminder(deadline=clock, level=Level.BREACH, created_at=at(2) + timedelta(minutes=n))
        for n, clock in enumerate(clocks)
    )
    reminder_counts_rebuild()
    client = verified_client(team_lead)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/sla/market/{nanning_market.pk}/")
    # Read now: the next request empties the connection's log.
    sqls = [q["sql"] for q in captured.captured_queries]
    reads = [sql for sql in sqls if "COUNT(" in sql.upper()]
    last = client.get(f"/sla/market/{nanning_market.pk}/", {"breaches": "999"})

    total = 200 + 3  # the scripted market's three of March
    board = response.context["dashboard"]
    assert board.breaches.paginator.count == total
    assert '<span class="count">203</span>' in response.content.decode()
    assert any("sla_remindercount" in sql for sql in sqls)  # the counters were read
    assert not any("sla_reminder" in sql for sql in reads), reads
    last_page = last.context["dashboard"]
    assert last_page.breaches.number == -(-total // BREACHES_PER_PAGE)
    assert len(last_page.breach_rows) == (total % BREACHES_PER_PAGE or BREACHES_PER_PAGE)
    assert last_page.breach_rows[-1].case.subject == "批量咨询0"  # the oldest: 2 March


def test_a_chosen_period_changes_the_rate_and_the_breaches_but_not_what_is_overdue_now(
    scripted: dict[str, Case],
    team_lead: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    url = f"/sla/market/{nanning_market.pk}/?from=2026-02-01&to=2026-02-28"

    board = verified_client(team_lead).get(url).context["dashboard"]

    assert (board.rate.stopped, board.rate.met, board.rate.percent) == (1, 0, 0.0)
    assert [row.case.subject for row in board.breach_rows] == ["february"]
    assert board.overdue.total == 3


@pytest.mark.parametrize(
    "query", ["?from=2026-13-01", "?from=20260301", "?from=2026-03-20&to=2026-03-01"]
)
def test_a_malformed_period_falls_back_to_the_current_month_with_a_message(
    scripted: dict[str, Case],
    team_lead: User,
    nanning_market: Market,
    verified_client: Clients,
    query: str,
) -> None:
    response = verified_client(team_lead).get(f"/sla/market/{nanning_market.pk}/{query}")

    board = response.context["dashboard"]
    assert response.status_code == 200
    assert (board.period.first.isoformat(), board.period.last.isoformat()) == (
        "2026-03-01",
        "2026-03-31",
    )
    assert [str(m) for m in response.context["messages"]]


def test_an_inspector_over_the_market_reads_the_dashboard(
    scripted: dict[str, Case], inspector: User, nanning_market: Market, verified_client: Clients
) -> None:
    response = verified_client(inspector).get(f"/sla/market/{nanning_market.pk}/")

    assert response.status_code == 200
    assert response.context["dashboard"].overdue.total == 3


def test_an_officer_gets_403_and_another_markets_lead_404(
    officer: User, guangxi: Region, nanning_market: Market, verified_client: Clients
) -> None:
    liuzhou = market_make("450200", "柳州市")
    liuzhou_lead = staff_make("liuzhou_lead", Role.TEAM_LEAD, market=liuzhou)

    assert verified_client(officer).get(f"/sla/market/{nanning_market.pk}/").status_code == 403
    assert verified_client(liuzhou_lead).get(f"/sla/market/{nanning_market.pk}/").status_code == 404
    assert verified_client(liuzhou_lead).get(f"/sla/market/{liuzhou.pk}/").status_code == 200
    assert verified_client(liuzhou_lead).get("/sla/market/999999/").status_code == 404


def test_the_nav_links_the_team_lead_to_the_dashboard(
    team_lead: User, nanning_market: Market, verified_client: Clients
) -> None:
    html = verified_client(team_lead).get("/cases/").content.decode()

    assert f'href="/sla/market/{nanning_market.pk}/"' in html


# --- Query count ------------------------------------------------------------------------------

# Sessions, sign-in checks, rights, the market and the bell, then: the totals, three short
# lists, the figures by officer (and their names) and by kind, the breaches (count and page)
# and the cases shown (18 today); the month's satisfaction ratings (好差评: one grouped query);
# the charts (issue 12, item 4): the weekly on-time rate, the weekly alerts, the cases by kind
# and state, the open cases by officer and state, and those officers' names (5 aggregates).
DASHBOARD_MAX_QUERIES = 24


def test_the_dashboard_queries_do_not_grow_with_the_deadlines(
    frozen_time: time_machine.Traveller,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    django_assert_max_num_queries: Callable[[int], Any],
    verified_client: Clients,
) -> None:
    applicant = applicant_make(officer)
    common = {
        "market": nanning_market,
        "applicant": applicant,
        "opener": officer,
        "owner": officer,
        "state": State.IN_PROGRESS,
    }

    def fill(n: int) -> None:
        bulk_deadlines(bulk_cases(n, **common), due_in=timedelta(hours=1))  # due today
        bulk_deadlines(bulk_cases(n, **common), due_in=timedelta(days=3))  # on track
        overdue = bulk_deadlines(bulk_cases(n, **common), due_in=-timedelta(hours=1))
        Reminder.objects.bulk_create(Reminder(deadline=d, level=Level.BREACH) for d in overdue)
        bulk_deadlines(
            bulk_cases(n, **common),
            due_in=-timedelta(days=1),
            stopped_at=timezone.now(),
            met=n % 2 == 0,
        )

    client = verified_client(team_lead)
    url = f"/sla/market/{nanning_market.pk}/"
    fill(SMALL)
    client.get(url)  # the first request of a session writes to it; measure from the second
    small = queries(client, url)
    fill(LARGE - SMALL)
    large = queries(client, url)

    assert small == large, (small, large)
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = client.get(url)
    board = response.context["dashboard"]
    assert (board.overdue.total, board.rate.stopped) == (LARGE, LARGE)
    assert len(board.overdue.rows) == 10


# --- Withdrawn cases (issue 13, item 3) ----------------------------------------------------------


def test_a_withdrawn_case_is_neither_on_time_nor_late_and_leaves_the_on_time_rate(
    frozen_time: time_machine.Traveller,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    in_time = case_make(officer, subject="按时办结")
    late = case_make(officer, subject="超时办结")
    withdrawn = case_make(officer, subject="申请人撤回")
    frozen_time.shift(timedelta(hours=2))
    case_resolve(actor=officer, case=in_time, outcome="已答复")
    case_withdraw(actor=officer, case=withdrawn, reason="申请人不再需要")
    frozen_time.move_to(completion(late).due_at + timedelta(hours=1))
    case_resolve(actor=officer, case=late, outcome="已答复")
    client = verified_client(team_lead)

    stopped = completion(withdrawn)
    assert stopped.stopped_at is not None
    assert stopped.met is None
    html = client.get(f"/cases/market/{nanning_market.pk}/").content.decode()
    assert badges(html, withdrawn.reference) == ["withdrawn"]
    assert case_page_badges(client, withdrawn) == ["withdrawn"]

    response = client.get(f"/sla/market/{nanning_market.pk}/")
    board = response.context["dashboard"]
    assert (board.rate.stopped, board.rate.met, board.rate.percent) == (2, 1, 50.0)
    assert by_label(board.by_officer) == {str(officer): (0, 2, 1)}
    assert 'id="withdrawn-note"' in response.content.decode()
    assert AuditEvent.objects.filter(action="case.withdrawn", target_id=str(withdrawn.pk)).exists()
