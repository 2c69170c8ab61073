"""Who reaches which page: every staff URL against every kind of principal, and an officer of
another market. Every URL of the resolver has a rule (issue 9, item 2): walked here, a POST-only
action (a GET refused), or the test file that checks it with its own records; a new page without
one fails the suite (shown with a throwaway URLconf).

The administration site follows 三员分立 (等保 level 3): the system administrator runs the
organisation and the accounts, the security administrator the roles, lock-outs and second
factors, and the audit administrator reads the records and sign-in logs without changing
anything. Officers, team leads and inspectors work in the back office, never in the admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

import pytest
from conftest import MarketFactory, case_make
from counter_support import posting_make, qingxiu_make, seeker_make
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, resolve
from test_case_support import staff_make

from accounts.models import User
from cases.models import ChecklistItem
from cases.services import case_request_materials
from markets.models import Region, Role

LOGIN = "/accounts/login/"
SETUP = "/accounts/second-factor/setup/"

ANONYMOUS = "anonymous"
PASSWORD_ONLY = "password_only"
OFFICER = "officer"
TEAM_LEAD = "team_lead"
INSPECTOR = "inspector"
SYSTEM_ADMIN = "system_admin"
SECURITY_ADMIN = "security_admin"
AUDIT_ADMIN = "audit_admin"
# An officer of another market (柳州): every record of the pages below is of Nanning's.
OTHER_MARKET = "other_market_officer"

PRINCIPALS = [
    ANONYMOUS,
    PASSWORD_ONLY,
    OFFICER,
    TEAM_LEAD,
    INSPECTOR,
    SYSTEM_ADMIN,
    SECURITY_ADMIN,
    AUDIT_ADMIN,
    OTHER_MARKET,
]
BACK_OFFICE_ROLES = [OFFICER, TEAM_LEAD, INSPECTOR]
ADMINS = [SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN]


def _other_market(pattern: str, answers: dict[str, int]) -> int:
    """What the officer of another market gets: what any officer gets, except that a record of
    Nanning's (a case, posting, seeker or applicant) is not found (404), never shown, and so is
    Nanning's market on its supervision, case-list and notice-board pages."""
    if answers[OFFICER] == 200 and any(
        f"{{{record}}}" in pattern for record in ("case", "posting", "seeker", "applicant")
    ):
        return 404
    if "{market}" in pattern:
        return 404
    return answers[OFFICER]


def _admin_page(*allowed: str) -> dict[str, int]:
    """A page of the administration site: 200 for the administrators named, 403 for every
    other verified principal."""
    return {role: 200 if role in allowed else 403 for role in BACK_OFFICE_ROLES + ADMINS}


def _back_office_page() -> dict[str, int]:
    return dict.fromkeys(BACK_OFFICE_ROLES + ADMINS, 200)


def _case_work_page(*allowed: str) -> dict[str, int]:
    """A page of case work: 200 for the back-office roles named, 403 for every other verified
    principal (the administrators do no business)."""
    return {role: 200 if role in allowed else 403 for role in BACK_OFFICE_ROLES + ADMINS}


# Expected status per verified principal. Anonymous and password-only principals are the same
# for every signed-in page (sent to sign in, and to enrol an authenticator) and are checked
# below from these rules.
STAFF_PAGES: dict[str, dict[str, int]] = {
    "/": _back_office_page(),
    "/accounts/password/": _back_office_page(),
    "/admin/": _admin_page(SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN),
    # The organisation: run by the system administrator, read by the other two.
    "/admin/markets/region/": _admin_page(SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN),
    "/admin/markets/market/": _admin_page(SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN),
    "/admin/markets/market/add/": _admin_page(SYSTEM_ADMIN),
    "/admin/markets/servicestation/": _admin_page(SYSTEM_ADMIN, AUDIT_ADMIN),
    "/admin/markets/servicestation/add/": _admin_page(SYSTEM_ADMIN),
    # Roles: granted by the security administrator, read by the auditor.
    "/admin/markets/membership/": _admin_page(SECURITY_ADMIN, AUDIT_ADMIN),
    "/admin/markets/membership/add/": _admin_page(SECURITY_ADMIN),
    # Accounts: created by the system administrator.
    "/admin/accounts/user/": _admin_page(SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN),
    "/admin/accounts/user/add/": _admin_page(SYSTEM_ADMIN),
    # Sign-in records: the security administrator (lock-outs) and the auditor.
    "/admin/axes/accessattempt/": _admin_page(SECURITY_ADMIN, AUDIT_ADMIN),
    "/admin/axes/accesslog/": _admin_page(SECURITY_ADMIN, AUDIT_ADMIN),
    "/admin/axes/accessfailurelog/": _admin_page(SECURITY_ADMIN, AUDIT_ADMIN),
    # The audit trail (工作日志): read by the auditor and the security administrator, added to
    # or changed by nobody.
    "/admin/audit/auditevent/": _admin_page(SECURITY_ADMIN, AUDIT_ADMIN),
    "/admin/audit/auditevent/add/": _admin_page(),
    # Checklists of case kinds (材料清单): kept by the system administrator, read by the auditor.
    "/admin/cases/checklistitem/": _admin_page(SYSTEM_ADMIN, AUDIT_ADMIN),
    "/admin/cases/checklistitem/add/": _admin_page(SYSTEM_ADMIN),
    # Time limits (限时办结): policies and the working-day calendar, kept by the system
    # administrator and read by the auditor.
    "/admin/sla/policy/": _admin_page(SYSTEM_ADMIN, AUDIT_ADMIN),
    "/admin/sla/policy/add/": _admin_page(SYSTEM_ADMIN),
    "/admin/sla/calendarday/": _admin_page(SYSTEM_ADMIN, AUDIT_ADMIN),
    "/admin/sla/calendarday/add/": _admin_page(SYSTEM_ADMIN),
    "/admin/sla/calendaryear/": _admin_page(SYSTEM_ADMIN, AUDIT_ADMIN),
    "/admin/sla/calendaryear/add/": _admin_page(SYSTEM_ADMIN),
    # Second factors: the security administrator only.
    "/admin/otp_totp/totpdevice/": _admin_page(SECURITY_ADMIN),
    "/admin/otp_static/staticdevice/": _admin_page(SECURITY_ADMIN),
    # Case work (案件). The inspector's workbench is empty and they open no case; {case} is an
    # officer's case of the team lead's market, with a single notice; the inspector covers it.
    "/cases/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/cases/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/cases/{case}/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/cases/{case}/notice/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/cases/{case}/receipt/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # A market's cases: its team leads work on them, the inspectors over it read them.
    "/cases/market/{market}/": _case_work_page(TEAM_LEAD, INSPECTOR),
    # Saved views of the case lists: everyone's own (tests/backoffice/test_case_lists.py).
    "/cases/views/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # The event log as inspectors (their regions) and team leads (their market) read it.
    "/audit/events/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/audit/chains/": _case_work_page(TEAM_LEAD, INSPECTOR),
    # The work-log ledger (工作日志台账): the market's team lead, and inspectors over it.
    "/ledger/{market}/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/ledger/{market}/events/": _case_work_page(TEAM_LEAD, INSPECTOR),
    # Time limits (限时办结): the market's team lead, and inspectors over it.
    "/sla/market/{market}/": _case_work_page(TEAM_LEAD, INSPECTOR),
    # The inspector's region view (issue 12, item 4): the same figures rolled up by market.
    "/sla/region/": _case_work_page(INSPECTOR),
    # The bell (站内通知): every signed-in member of staff, administrators included.
    "/notifications/": _back_office_page(),
    # The counter (即时快招): officers and team leads take postings and register seekers;
    # inspectors read the queue and the pages of the markets in their regions. {posting} is a
    # posting in review and {seeker} a registered seeker, both of the team lead's market.
    "/counter/postings/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/counter/postings/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/counter/postings/{posting}/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # Published (and filled) postings, kept current by the market's staff; inspectors read.
    "/counter/postings/published/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/counter/seekers/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/counter/seekers/{seeker}/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/counter/seekers/{seeker}/update/": _case_work_page(OFFICER, TEAM_LEAD),
    # Correcting an applicant's name or mobile: staff of a market that serves them.
    "/applicants/{applicant}/change/": _case_work_page(OFFICER, TEAM_LEAD),
    # The applicant's whole history: whoever may see one of their cases.
    "/applicants/{applicant}/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # The supporting services (art. 6, 11, 17, 19–24, 28): market staff work, inspectors read.
    "/complaints/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/complaints/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/guidance/rooms/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # Rooms are added and changed by the market's team lead (officers see them on the page above).
    "/guidance/rooms/new/": _case_work_page(TEAM_LEAD),
    "/training/programmes/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/training/report/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/startup/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/startup/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/welfare/placements/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/campaigns/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/noticeboard/staff-training/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/noticeboard/{market}/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # Monthly statistics (art. 15): each user's own first scope (tests/stats/test_stats_pages.py
    # checks the scopes of each role).
    "/statistics/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/statistics/records/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # Absence cover (AB岗): the team lead records absences of their market; the deputy's tab
    # (empty for anyone who covers for nobody) is for the staff of a market.
    "/absences/": _case_work_page(TEAM_LEAD),
    "/absences/covering/": _case_work_page(OFFICER, TEAM_LEAD),
    # Exports of lists: everyone in the back office sees their own (an officer has none: the
    # lists they could export refuse them, see exports/test_export_pages.py).
    "/exports/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # The search box (issue 10, item 1): the back-office roles, each within what they may see.
    "/search/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # The intake forms' type-ahead (issue 12, item 1): JSON of the classifications, nothing
    # personal; the back-office roles (administrators do no intake).
    "/classifications/industries/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/classifications/occupations/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    # The market's own occupations (本市场工种): its team leads list and add them.
    "/classifications/local-occupations/": _case_work_page(TEAM_LEAD),
    # The provincial platform link (issue 11, item 4): inspectors and the system administrator
    # read it; the system administrator retries its dead letters.
    "/provincial/": _case_work_page(INSPECTOR, SYSTEM_ADMIN),
    # The market scorecard, facility profiles and inspections (issue 12, item 6): the market's
    # team leads and the inspectors over it; only inspectors record an inspection.
    "/scorecard/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/scorecard/market/{market}/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/scorecard/market/{market}/facility/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/scorecard/market/{market}/facility/edit/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/scorecard/market/{market}/inspections/new/": _case_work_page(INSPECTOR),
    "/scorecard/rectifications/": _case_work_page(TEAM_LEAD, INSPECTOR),
}

# Django's LoginRequiredMiddleware sends an anonymous visitor of the admin's site-wide pages
# (its index) to the admin's own sign-in URL, which in this project only forwards to the staff
# sign-in; both hops keep the page asked for.
ANONYMOUS_VIA_ADMIN_LOGIN = {"/admin/"}

# --- Every URL the resolver knows has a rule --------------------------------------------------
#
# The URLs are read from the resolver, never from a hand-kept list: a page added without a rule
# below fails test_every_url_in_the_resolver_has_a_rule. A rule is one of:
# - the page is walked above (STAFF_PAGES names its answer for every principal);
# - POST_ONLY: an action; a GET is refused (405) and an anonymous visitor is sent to sign in,
#   both checked below for every such URL;
# - the test file that checks who may see it with its own records (a page needing a record of a
#   kind STAFF_PAGES does not make, e.g. a complaint or a training referral).
POST_ONLY = "post only"
TESTS = Path(__file__).resolve().parent.parent
ELSEWHERE: dict[str, str] = {
    # Public pages and the sign-in steps: no staff role needed.
    "health": "backoffice/test_health.py",
    "health_live": "backoffice/test_health.py",
    "health_ready": "backoffice/test_health.py",
    "metrics": "config/test_metrics.py",
    "set_language": "config/test_translations.py",
    "accounts:login": "accounts/test_sign_in.py",
    "accounts:logout": "accounts/test_sign_out.py",
    "accounts:otp_setup": "accounts/test_second_factor.py",
    "accounts:backup_codes": "accounts/test_second_factor.py",
    "portal:kiosk": "portal/test_portal_pages.py",
    "portal:kiosk_posting": "portal/test_portal_pages.py",
    "portal:kiosk_status": "portal/test_status_lookup.py",
    "portal:noticeboard": "portal/test_portal_pages.py",
    # Satisfaction ratings (好差评): the kiosk, the text-message link, online.
    "portal:kiosk_rate": "ratings/test_rating_pages.py",
    "portal:rate_link": "ratings/test_rating_pages.py",
    "portal:online:case_rate": "ratings/test_rating_pages.py",
    "portal:screen": "portal/test_portal_pages.py",
    "portal:screen_figures": "portal/test_screen_charts.py",
    # Online self-service: public URLs answering only to the applicant signed in by a code.
    "portal:online:sign_in": "portal/test_online_sign_in.py",
    "portal:online:sign_in_code": "portal/test_online_sign_in.py",
    "portal:online:choose": "portal/test_online_sign_in.py",
    "portal:online:sign_out": "portal/test_online_sign_in.py",
    "portal:online:home": "portal/test_online_sign_in.py",
    "portal:online:register": "portal/test_online_sign_in.py",
    "portal:online:register_seeker": "portal/test_online_pages.py",
    "portal:online:register_employer": "portal/test_online_pages.py",
    "portal:online:profile": "portal/test_online_pages.py",
    "portal:online:posting_new": "portal/test_online_pages.py",
    "portal:online:case": "portal/test_online_pages.py",
    "portal:online:case_receipt": "portal/test_online_pages.py",
    "portal:online:matches": "portal/test_online_pages.py",
    "portal:online:postings": "portal/test_online_postings.py",
    "portal:online:posting": "portal/test_online_postings.py",
    "portal:online:posting_correct": "portal/test_online_postings.py",
    # The REST API: public reads, the document and the token endpoint answer anyone; the
    # clients' endpoints need a token with a scope (401/403 problems otherwise), never a
    # staff session.
    "api:schema": "api/test_problems_and_bodies.py",
    "api:docs": "api/test_problems_and_bodies.py",
    "api:token": "api/test_clients.py",
    "api:postings": "api/test_public_reads.py",
    "api:posting": "api/test_public_reads.py",
    "api:markets": "api/test_public_reads.py",
    "api:market": "api/test_public_reads.py",
    "api:client_postings": "api/test_clients.py",
    "api:client_posting": "api/test_clients.py",
    "api:client_posting_withdraw": "api/test_clients.py",
    "api:client_posting_fill": "api/test_clients.py",
    "api:client_posting_extend": "api/test_clients.py",
    "api:client_cases": "api/test_clients.py",
    "api:me": "api/test_api_applicant_records.py",
    "api:own_cases": "api/test_api_applicant_records.py",
    "api:own_case": "api/test_api_applicant_records.py",
    "api:own_postings": "api/test_api_applicant_records.py",
    "api:own_posting": "api/test_api_applicant_records.py",
    "api:client_posting_resubmit": "api/test_api_client_sync.py",
    "api:client_referrals": "api/test_api_client_sync.py",
    "api:client_feed": "api/test_api_client_sync.py",
    "api:own_posting_withdraw": "api/test_api_applicant_writes.py",
    "api:own_posting_fill": "api/test_api_applicant_writes.py",
    "api:own_posting_extend": "api/test_api_applicant_writes.py",
    "api:own_posting_resubmit": "api/test_api_applicant_writes.py",
    "api:own_case_withdraw": "api/test_api_applicant_writes.py",
    "api:own_case_materials": "api/test_api_applicant_writes.py",
    "api:own_referrals": "api/test_api_applicant_writes.py",
    "api:own_matches": "api/test_api_applicant_writes.py",
    # Pages of one record of a service, with that service's records.
    "backoffice:campaigns_detail": "campaigns/test_campaign_pages.py",
    "backoffice:case_attachment_download": "backoffice/test_attachment_views.py",
    "backoffice:complaints_detail": "complaints/test_complaint_pages.py",
    "backoffice:rating_tablet": "ratings/test_rating_pages.py",
    "backoffice:rectification": "ratings/test_rating_pages.py",
    "backoffice:counter_posting_correct": "backoffice/test_posting_keep_current_pages.py",
    "backoffice:guidance_detail": "guidance/test_guidance_pages.py",
    "backoffice:guidance_new": "guidance/test_guidance_pages.py",
    "backoffice:guidance_room_edit": "guidance/test_room_keeping.py",
    "backoffice:noticeboard_article_edit": "noticeboard/test_pages.py",
    "backoffice:noticeboard_article_new": "noticeboard/test_pages.py",
    "backoffice:noticeboard_block_edit": "noticeboard/test_pages.py",
    "backoffice:noticeboard_case_citations": "noticeboard/test_citations.py",
    "backoffice:noticeboard_index": "noticeboard/test_pages.py",
    "backoffice:noticeboard_staff_training_new": "noticeboard/test_pages.py",
    "backoffice:startup_case": "startup/test_startup_pages.py",
    "backoffice:training_programme_edit": "training/test_training_pages.py",
    "backoffice:training_programme_new": "training/test_training_pages.py",
    "backoffice:training_provider_edit": "training/test_training_pages.py",
    "backoffice:training_provider_new": "training/test_training_pages.py",
    "backoffice:training_refer": "training/test_training_pages.py",
    "backoffice:training_referral": "training/test_training_pages.py",
    "backoffice:welfare_application": "welfare/test_welfare_pages.py",
    "backoffice:welfare_apply": "welfare/test_welfare_pages.py",
    # One export and its file: the requester's alone.
    "backoffice:export_detail": "exports/test_export_pages.py",
    "backoffice:export_download": "exports/test_export_pages.py",
    # An inspection, its photos and a facility rectification: records of their own.
    "backoffice:inspection_detail": "inspections/test_inspection_pages.py",
    "backoffice:inspection_photo": "inspections/test_inspection_pages.py",
    "backoffice:facility_rectification": "inspections/test_inspection_pages.py",
}
ACTIONS_POST_ONLY = [
    "applicant_reveal_id",
    "absence_cancel",
    "absence_end",
    "campaigns_record",
    "case_add_item",
    "case_applicant_export",
    "case_attachment_upload",
    "case_claim",
    "case_close",
    "case_note",
    "case_reassign",
    "case_receive_materials",
    "case_reopen",
    "case_request_materials",
    "case_resolve",
    "case_reveal_id",
    "case_transfer",
    "case_withdraw",
    "complaints_accept",
    "complaints_decline",
    "complaints_refer",
    "complaints_referral_update",
    "complaints_resolve",
    "complaints_satisfaction",
    "complaints_suspend_posting",
    "rectification_visit",
    "facility_rectification_report",
    "facility_rectification_close",
    "rectification_close",
    "counter_posting_extend",
    "counter_posting_fill",
    "export_new",
    "counter_posting_publish",
    "counter_posting_reject",
    "counter_posting_return",
    "counter_posting_withdraw",
    "counter_referral_outcome",
    "counter_seeker_guidance",
    "counter_seeker_refer",
    "guidance_booking_cancel",
    "guidance_close",
    "guidance_refer",
    "guidance_referral_outcome",
    "guidance_session",
    "ledger_sign_off",
    "market_cases_reassign",
    "noticeboard_article_archive",
    "notification_read",
    "provincial_retry",
    "provincial_retry_all",
    "saved_view_delete",
    "saved_view_rename",
    "saved_view_save",
    "startup_complete",
    "startup_item",
    "startup_precheck",
    "training_referral_step",
    "training_wish",
    "transfer_accept",
    "transfer_decline",
    "welfare_application_action",
]
# The administration site has its own walker, over every registered model.
ADMIN_WALKER = "accounts/test_admin_url_walk.py"


def _walked_names() -> set[str]:
    """The URL names of the pages STAFF_PAGES walks."""
    names = set()
    for pattern in [*STAFF_PAGES, "/health/"]:
        filled = pattern
        while "{" in filled:
            start = filled.index("{")
            filled = filled[:start] + "1" + filled[filled.index("}", start) + 1 :]
        names.add(resolve(filled).view_name)
    return names


def rules() -> dict[str, str]:
    """URL name → how its answers are checked."""
    table = dict.fromkeys(_walked_names(), "walked")
    table |= {f"backoffice:{name}": POST_ONLY for name in ACTIONS_POST_ONLY}
    table |= ELSEWHERE
    return table


def _patterns(
    patterns: list[URLPattern | URLResolver], route: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, route + str(entry.pattern), inner)
        else:
            yield f"{namespace}{entry.name or ''}", route + str(entry.pattern)


def urls_without_a_rule(urlconf: Any = None) -> list[str]:
    """Every URL of the resolver that has no rule: its name (or, unnamed, its route)."""
    table = rules()
    missing = []
    for name, route in _patterns(get_resolver(urlconf).url_patterns):
        if name.startswith("admin:") or route.startswith("admin/"):
            continue  # ADMIN_WALKER
        if name not in table:
            missing.append(name if not name.endswith(":") and name else route)
    return missing


def test_every_url_in_the_resolver_has_a_rule() -> None:
    assert urls_without_a_rule() == []
    assert (TESTS / ADMIN_WALKER).is_file()
    for name, test_file in ELSEWHERE.items():
        assert (TESTS / test_file).is_file(), name


def _throwaway(request: HttpRequest) -> HttpResponse:
    return HttpResponse("new")


def test_a_new_page_without_a_rule_fails_the_walk() -> None:
    """The test of the test: the project's URLs plus one page nobody gave a rule."""
    urlconf = ModuleType("throwaway_urls")
    urlconf.urlpatterns = [  # type: ignore[attr-defined]
        path("", include("config.urls")),
        path("cases/brand-new/", _throwaway, name="brand_new_page"),
        path("cases/unnamed/", _throwaway),
    ]

    assert urls_without_a_rule(urlconf) == ["brand_new_page", "cases/unnamed/"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTIONS_POST_ONLY)
def test_an_action_refuses_a_get_and_sends_the_anonymous_to_sign_in(
    client_for: Callable[[str], Client], name: str
) -> None:
    route = next(r for n, r in _patterns(get_resolver().url_patterns) if n == f"backoffice:{name}")
    url = "/" + route
    for converter in ("<int:pk>", "<int:market_id>", "<int:referral_pk>", "<int:case_pk>"):
        url = url.replace(converter, "1")
    for converter in ("<slug:what>", "<str:item>", "<str:step>", "<slug:verb>"):
        url = url.replace(converter, "x")

    anonymous = client_for(ANONYMOUS).get(url)
    officer = client_for(OFFICER).get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{LOGIN}?next={quote(url)}"
    assert officer.status_code == 405


MATRIX = [(url, principal) for url in [*STAFF_PAGES, "/health/"] for principal in PRINCIPALS]


@pytest.fixture
def other_market_officer(liuzhou: Region) -> User:
    market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    return staff_make("liuzhou_officer", Role.OFFICER, market=market)


@pytest.fixture
def client_for(
    request: pytest.FixtureRequest,
    verified_client: Callable[[User], Client],
    password_only_client: Callable[[User], Client],
    newcomer: User,
) -> Callable[[str], Client]:
    def make(principal: str) -> Client:
        if principal == ANONYMOUS:
            return Client()
        if principal == PASSWORD_ONLY:
            return password_only_client(newcomer)
        return verified_client(request.getfixturevalue(principal))

    return make


@pytest.fixture
def url_for(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """The URL with its placeholders filled in: {market} is the team lead's market, {case} an
    officer's case there with its single notice issued, {posting} a posting in review there
    and {seeker} a seeker registered there."""

    def case_pk() -> int:
        case = case_make(request.getfixturevalue(OFFICER))
        items = list(ChecklistItem.objects.filter(kind=case.kind)[:2])
        case_request_materials(actor=request.getfixturevalue(OFFICER), case=case, items=items)
        return int(case.pk)

    def counter_record(make: Callable[..., Any]) -> int:
        qingxiu_make()
        record = make(request.getfixturevalue(OFFICER), request.getfixturevalue("nanning_market"))
        return int(record.pk)

    values: dict[str, Callable[[], int]] = {
        "market": lambda: int(request.getfixturevalue("nanning_market").pk),
        "case": case_pk,
        "posting": lambda: counter_record(posting_make),
        "seeker": lambda: counter_record(seeker_make),
        "applicant": lambda: int(case_make(request.getfixturevalue(OFFICER)).applicant_id),
    }

    def fill(pattern: str) -> str:
        if "{" not in pattern:
            return pattern
        return pattern.format(
            **{name: make() for name, make in values.items() if f"{{{name}}}" in pattern}
        )

    return fill


@pytest.mark.django_db
@pytest.mark.parametrize(("pattern", "principal"), MATRIX)
def test_each_principal_gets_exactly_the_expected_answer(
    client_for: Callable[[str], Client],
    url_for: Callable[[str], str],
    pattern: str,
    principal: str,
) -> None:
    url = url_for(pattern)
    response = client_for(principal).get(url)

    if pattern == "/health/":
        assert response.status_code == 200
    elif principal == ANONYMOUS:
        assert response.status_code == 302
        if pattern in ANONYMOUS_VIA_ADMIN_LOGIN:
            assert response["Location"] == f"/admin/login/?next={quote(url)}"
            response = Client().get(response["Location"])
            assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={quote(url)}"
    elif principal == PASSWORD_ONLY:
        assert response.status_code == 302
        assert response["Location"] == SETUP
    elif principal == OTHER_MARKET:
        assert response.status_code == _other_market(pattern, STAFF_PAGES[pattern])
    else:
        assert response.status_code == STAFF_PAGES[pattern][principal]


@pytest.mark.django_db
@pytest.mark.parametrize("principal", ADMINS)
def test_only_the_system_administrator_may_change_a_market(
    client_for: Callable[[str], Client], nanning_market: object, principal: str
) -> None:
    response = client_for(principal).get("/admin/markets/market/")

    assert response.status_code == 200
    assert response.context["cl"].model_admin.has_change_permission(response.wsgi_request) is (
        principal == SYSTEM_ADMIN
    )
    assert response.context["has_add_permission"] is (principal == SYSTEM_ADMIN)
