"""Inspectors read what they supervise (issue 12, item 7): for every market of their region the
case list, the case pages, the ledger and the time-limit dashboard; read-only (every POST of case
work refused with 403, nothing changed, logged); each case page, file and applicant page they open
an audit event that the ledger does not count; an inspector of another region finds nothing
(404, as for an officer of another market) and nothing is recorded."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import applicant_make, case_make
from django.apps import apps
from django.conf import settings as conf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone, translation
from pytest_django.fixtures import Settings
from test_case_query_bounds import assert_flat, bulk_cases, bulk_deadlines
from test_case_support import market_make, staff_make

from accounts.models import User
from audit.actions import action_label
from audit.ledger import LEDGER_ZONE, ledger_day
from audit.models import AuditEvent
from backoffice.cases.actions import ACTIONS
from backoffice.common.readonly import REFUSAL, is_case_work
from cases.attachments import case_attachment_add
from cases.models import Case, CaseAttachment, ChecklistItem, State
from cases.services import case_request_materials
from exports.models import ExportJob
from markets.models import Market, Membership, Region, Role

Clients = Callable[[User], Client]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def case(officer: User) -> Case:
    """An officer's case of Nanning's market, with a single notice."""
    case = case_make(officer)
    items = list(ChecklistItem.objects.filter(kind=case.kind)[:2])
    case_request_materials(actor=officer, case=case, items=items)
    case.refresh_from_db()
    return case


@pytest.fixture
def attachment(officer: User, case: Case, media: Path) -> CaseAttachment:
    return case_attachment_add(
        actor=officer, case=case, upload=SimpleUploadedFile("申请表.pdf", PDF)
    )


@pytest.fixture
def liuzhou_market(liuzhou: Region) -> Market:
    return market_make("450200", "柳州市")


@pytest.fixture
def liuzhou_inspector(liuzhou: Region) -> User:
    """An inspector of another region (柳州): Nanning's market is not theirs."""
    return staff_make("liuzhou_inspector", Role.INSPECTOR, region=liuzhou)


def viewed(action: str = "case.viewed") -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- Reading every page of a market of their region --------------------------------------------


def test_an_inspector_reads_each_page_of_a_market_in_their_region(
    verified_client: Clients, inspector: User, case: Case, nanning_market: Market
) -> None:
    client = verified_client(inspector)
    market = nanning_market.pk

    for url in (
        f"/cases/market/{market}/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/notice/",
        f"/cases/{case.pk}/receipt/",
        f"/applicants/{case.applicant_id}/",
        f"/ledger/{market}/",
        f"/ledger/{market}/events/",
        f"/sla/market/{market}/",
    ):
        assert client.get(url).status_code == 200, url
    listed = client.get(f"/cases/market/{market}/")
    assert case.reference in listed.content.decode()
    assert listed.context["may_reassign"] is False


def test_an_inspector_of_another_region_finds_nothing_and_nothing_is_recorded(
    verified_client: Clients,
    liuzhou_inspector: User,
    case: Case,
    attachment: CaseAttachment,
    nanning_market: Market,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = verified_client(liuzhou_inspector)
    market = nanning_market.pk

    with caplog.at_level(logging.WARNING, logger="django.request"):
        answers = {
            url: client.get(url).status_code
            for url in (
                f"/cases/{case.pk}/",
                f"/cases/{case.pk}/notice/",
                f"/cases/{case.pk}/receipt/",
                f"/cases/{case.pk}/attachments/{attachment.pk}/",
                f"/applicants/{case.applicant_id}/",
                # A market's pages: 404 as for an officer of another market (the role matrix).
                f"/cases/market/{market}/",
                f"/ledger/{market}/",
                f"/ledger/{market}/events/",
                f"/sla/market/{market}/",
            )
        }

    assert set(answers.values()) == {404}, answers
    assert len([r for r in caplog.records if r.getMessage().startswith("Not Found")]) == len(
        answers
    )
    assert not AuditEvent.objects.filter(
        action__in=["case.viewed", "case.attachment_viewed", "applicant.viewed"]
    ).exists()


def test_a_member_of_staff_who_inspects_elsewhere_does_not_supervise_their_own_market(
    verified_client: Clients, nanning: Region, liuzhou_market: Market, nanning_market: Market
) -> None:
    """The supervision pages ask one rule (team lead of the market, or inspector over it): an
    officer of Liuzhou who inspects Nanning reads Nanning's list, not their own market's."""
    both = staff_make("liuzhou_officer", Role.OFFICER, market=liuzhou_market)
    Membership.objects.create(user=both, role=Role.INSPECTOR, region=nanning)
    client = verified_client(both)

    assert client.get(f"/cases/market/{nanning_market.pk}/").status_code == 200
    assert client.get(f"/cases/market/{liuzhou_market.pk}/").status_code == 403
    assert client.get(f"/ledger/{liuzhou_market.pk}/").status_code == 403
    assert client.get(f"/sla/market/{liuzhou_market.pk}/").status_code == 403


# --- Read-only ---------------------------------------------------------------------------------


def _backoffice_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every named page of the back office, as the resolver knows it."""

    def walk(patterns: list[Any]) -> Iterator[URLPattern]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            else:
                yield entry

    [backoffice] = [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and entry.namespace == "backoffice"
    ]
    for pattern in walk(backoffice.url_patterns):
        assert pattern.name, pattern
        yield f"backoffice:{pattern.name}", pattern


def _url(name: str, pattern: URLPattern, ids: dict[str, int]) -> str:
    """The page's address with real records where the parameter names one (the refusal comes
    before any record is read, so any number would do elsewhere)."""
    converters = pattern.pattern.converters
    kwargs = {
        key: ids.get(key, ids["pk"]) if type(converter).__name__ == "IntConverter" else "x"
        for key, converter in converters.items()
    }
    return reverse(name, kwargs=kwargs)


def _everything() -> dict[str, Any]:
    """Every row count of the project's tables, and every case as it is (sessions left out:
    a signed-in request may touch its own)."""
    state: dict[str, Any] = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions"} and model._meta.managed
    }
    state["cases"] = list(Case.objects.order_by("pk").values())
    return state


def test_every_post_of_case_work_refuses_an_inspector_and_changes_nothing(
    verified_client: Clients,
    inspector: User,
    case: Case,
    attachment: CaseAttachment,
    nanning_market: Market,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = verified_client(inspector)
    client.get("/")  # the session's first request writes to it; compare from here
    ids = {
        "pk": case.pk,
        "case_pk": case.pk,
        "attachment_pk": attachment.pk,
        "market_id": nanning_market.pk,
    }
    urls = {
        name: url
        for name, pattern in _backoffice_patterns()
        if is_case_work(resolve(url := _url(name, pattern, ids)))
    }
    before = _everything()

    with caplog.at_level(logging.WARNING, logger="django.request"):
        answers = {
            name: client.post(url, {"outcome": "检查", "reason": "检查", "text": "检查"})
            for name, url in urls.items()
        }

    # The walk covers the case page's actions, its files, the market list, the ledger's
    # sign-off, the counter and the supporting services.
    assert {
        "backoffice:case_resolve",
        "backoffice:case_note",
        "backoffice:case_reveal_id",
        "backoffice:case_attachment_upload",
        "backoffice:market_cases_reassign",
        "backoffice:ledger_sign_off",
        "backoffice:applicant_change",
        "backoffice:counter_posting_new",
        "backoffice:counter_posting_publish",
        "backoffice:complaints_new",
    } <= set(urls)
    refused = {name for name, response in answers.items() if response.status_code == 403}
    assert refused == set(urls), set(urls) - refused
    assert _everything() == before
    forbidden = [r for r in caplog.records if r.getMessage().startswith("Forbidden")]
    assert len(forbidden) == len(urls)


def test_an_inspector_keeps_their_own_saved_views_of_a_market_list(
    verified_client: Clients, inspector: User, nanning_market: Market
) -> None:
    response = verified_client(inspector).post(
        "/cases/views/save/",
        {"page": "market", "market": nanning_market.pk, "query": "state=new", "name": "新案件"},
    )

    assert response.status_code == 302
    assert inspector.saved_views.filter(name="新案件").exists()


def _post_targets(html: str, here: str) -> list[str]:
    """Where each POST form of the page sends its data (its own address when it says none)."""
    targets = []
    for form in re.findall(r"<form\b[^>]*>", html):
        if 'method="post"' not in form.lower():
            continue
        action = re.search(r'action="([^"]*)"', form)
        targets.append((action[1] if action and action[1] else here).split("?")[0])
    return targets


@pytest.mark.parametrize("page", ["case", "applicant"])
def test_the_pages_show_an_inspector_no_form_of_case_work(
    verified_client: Clients,
    officer: User,
    inspector: User,
    case: Case,
    attachment: CaseAttachment,
    page: str,
) -> None:
    url = f"/cases/{case.pk}/" if page == "case" else f"/applicants/{case.applicant_id}/"

    as_officer = verified_client(officer).get(url).content.decode()
    response = verified_client(inspector).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    # The officer's page has forms of case work; the inspector's only the top bar's (the
    # search box, signing out).
    assert [t for t in _post_targets(as_officer, url) if is_case_work(resolve(t))]
    assert _post_targets(html, url)
    assert [t for t in _post_targets(html, url) if is_case_work(resolve(t))] == []
    if page == "case":
        assert f"/cases/{case.pk}/attachments/{attachment.pk}/" in html  # files are read


def test_an_inspector_who_also_works_in_another_market_may_not_act_on_a_case_they_read(
    verified_client: Clients, guangxi: Region, liuzhou_market: Market, case: Case
) -> None:
    """Not refused wholesale (they work in Liuzhou), still refused on Nanning's case: 403 for
    every action of the case page, nothing changed."""
    both = staff_make("liuzhou_officer", Role.OFFICER, market=liuzhou_market)
    Membership.objects.create(user=both, role=Role.INSPECTOR, region=guangxi)
    client = verified_client(both)
    client.get("/")
    before = _everything()

    answers = {
        verb: client.post(
            f"/cases/{case.pk}/{verb.replace('_', '-')}/",
            {"outcome": "检查", "reason": "检查", "text": "检查"},
        ).status_code
        for verb in ACTIONS
    }

    assert set(answers.values()) == {403}, answers
    assert _everything() == before
    assert client.get(f"/cases/{case.pk}/").context["actions"] == []


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "督查人员"), ("en", "Inspectors read the records")],
)
def test_the_refusal_says_why_in_both_languages(
    verified_client: Clients, inspector: User, case: Case, language: str, words: str
) -> None:
    client = verified_client(inspector)
    client.cookies[conf.LANGUAGE_COOKIE_NAME] = language

    response = client.post(f"/cases/{case.pk}/resolve/", {"outcome": "检查"})

    assert response.status_code == 403
    with translation.override(language):
        assert str(REFUSAL) in response.content.decode()
    assert words in response.content.decode()


# --- Each reading of a case is an audit event --------------------------------------------------


def test_each_case_page_an_inspector_opens_is_an_audit_event(
    verified_client: Clients, inspector: User, case: Case, nanning_market: Market
) -> None:
    client = verified_client(inspector)

    for path in ("", "", "notice/", "receipt/"):
        assert client.get(f"/cases/{case.pk}/{path}").status_code == 200

    events = viewed()
    assert [e.new_values["page"] for e in events] == ["detail", "detail", "notice", "receipt"]
    for event in events:
        assert (event.actor, event.market, event.success) == (inspector, nanning_market, True)
        assert (event.target_type, event.target_id) == ("cases.case", str(case.pk))
        assert event.new_values["reference"] == case.reference
        assert event.ip_address == "127.0.0.1"


def test_the_staff_of_the_market_reading_a_case_is_not_recorded_as_a_view(
    verified_client: Clients, officer: User, team_lead: User, case: Case
) -> None:
    for user in (officer, team_lead):
        assert verified_client(user).get(f"/cases/{case.pk}/").status_code == 200

    assert viewed() == []


def test_an_inspectors_reading_is_in_the_event_log_in_both_languages(
    verified_client: Clients, inspector: User, team_lead: User, case: Case
) -> None:
    verified_client(inspector).get(f"/cases/{case.pk}/")

    for user in (inspector, team_lead):
        client = verified_client(user)
        for language in ("zh-hans", "en"):
            client.cookies[conf.LANGUAGE_COOKIE_NAME] = language
            response = client.get("/audit/events/?action=case.viewed")
            with translation.override(language):
                label = str(action_label("case.viewed"))
            assert [e.action for e in response.context["events"]] == ["case.viewed"]
            assert label in response.content.decode()
    with translation.override("zh-hans"):
        assert str(action_label("case.viewed")) != "Case read by an inspector"


def test_the_ledger_counts_no_reading(
    verified_client: Clients, inspector: User, case: Case, nanning_market: Market
) -> None:
    today = timezone.localdate(timezone=LEDGER_ZONE)
    before = ledger_day(market=nanning_market, day=today)

    client = verified_client(inspector)
    client.get(f"/cases/{case.pk}/")
    client.get(f"/applicants/{case.applicant_id}/")
    after = ledger_day(market=nanning_market, day=today)

    assert len(viewed()) == 1 and len(viewed("applicant.viewed")) == 1
    assert after.totals == before.totals
    assert [line.user_id for line in after.officers] == [line.user_id for line in before.officers]


def test_an_inspectors_download_of_a_file_is_recorded(
    verified_client: Clients,
    officer: User,
    inspector: User,
    case: Case,
    attachment: CaseAttachment,
) -> None:
    url = f"/cases/{case.pk}/attachments/{attachment.pk}/"

    mine = verified_client(officer).get(url)
    read = verified_client(inspector).get(url)

    assert (mine.status_code, read.status_code) == (200, 200)
    [event] = viewed("case.attachment_viewed")
    assert event.actor == inspector
    assert event.market_id == case.market_id
    assert event.new_values == {
        "reference": case.reference,
        "attachment_id": attachment.pk,
        "name": "申请表.pdf",
    }


def test_an_inspectors_reading_of_an_applicant_is_recorded_in_each_market_of_theirs(
    verified_client: Clients,
    officer: User,
    inspector: User,
    case: Case,
    liuzhou_market: Market,
    nanning_market: Market,
) -> None:
    liuzhou_officer = staff_make("liuzhou_officer", Role.OFFICER, market=liuzhou_market)
    case_make(liuzhou_officer, market=liuzhou_market)  # the same person, in Liuzhou

    assert verified_client(officer).get(f"/applicants/{case.applicant_id}/").status_code == 200
    assert verified_client(inspector).get(f"/applicants/{case.applicant_id}/").status_code == 200

    events = viewed("applicant.viewed")
    assert {e.market_id for e in events} == {nanning_market.pk, liuzhou_market.pk}
    assert {e.actor_id for e in events} == {inspector.pk}
    assert {e.new_values["applicant_id"] for e in events} == {case.applicant_id}


# --- The market list: export, and a bounded number of queries ----------------------------------


def test_an_inspector_exports_a_market_of_their_region_and_not_another(
    verified_client: Clients,
    inspector: User,
    liuzhou_inspector: User,
    case: Case,
    nanning_market: Market,
) -> None:
    form = {"list": "cases", "market": nanning_market.pk, "format": "xlsx"}

    mine = verified_client(inspector).post("/exports/new/", form)
    other = verified_client(liuzhou_inspector).post("/exports/new/", form)

    assert mine.status_code == 302
    assert other.status_code == 403
    assert list(ExportJob.objects.values_list("requester_id", flat=True)) == [inspector.pk]
    [done] = AuditEvent.objects.filter(action="export.completed")
    assert (done.actor, done.market) == (inspector, nanning_market)
    [refusal] = AuditEvent.objects.filter(action="export.refused")
    assert (refusal.actor, refusal.market, refusal.success) == (
        liuzhou_inspector,
        nanning_market,
        False,
    )


@pytest.mark.django_db
def test_the_inspectors_market_list_queries_do_not_grow_with_the_cases(
    verified_client: Clients,
    officer: User,
    inspector: User,
    nanning_market: Market,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
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
        bulk_deadlines(cases, due_in=-timedelta(hours=1))

    url = f"/cases/market/{nanning_market.pk}/?state=in_progress"
    assert_flat(verified_client(inspector), url, fill, django_assert_max_num_queries)
