"""Who reaches which page: every staff URL against every kind of principal.

The administration site follows 三员分立 (等保 level 3): the system administrator runs the
organisation and the accounts, the security administrator the roles, lock-outs and second
factors, and the audit administrator reads the records and sign-in logs without changing
anything. Officers, team leads and inspectors work in the back office, never in the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from conftest import case_make
from counter_support import posting_make, qingxiu_make, seeker_make
from django.test import Client

from accounts.models import User
from cases.models import ChecklistItem
from cases.services import case_request_materials

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

PRINCIPALS = [
    ANONYMOUS,
    PASSWORD_ONLY,
    OFFICER,
    TEAM_LEAD,
    INSPECTOR,
    SYSTEM_ADMIN,
    SECURITY_ADMIN,
    AUDIT_ADMIN,
]
BACK_OFFICE_ROLES = [OFFICER, TEAM_LEAD, INSPECTOR]
ADMINS = [SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN]


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
    "/cases/market/{market}/": _case_work_page(TEAM_LEAD),
    # The event log as inspectors (their regions) and team leads (their market) read it.
    "/audit/events/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/audit/chains/": _case_work_page(TEAM_LEAD, INSPECTOR),
    # The work-log ledger (工作日志台账): the market's team lead, and inspectors over it.
    "/ledger/{market}/": _case_work_page(TEAM_LEAD, INSPECTOR),
    # Time limits (限时办结): the market's team lead, and inspectors over it.
    "/sla/market/{market}/": _case_work_page(TEAM_LEAD, INSPECTOR),
    # The bell (站内通知): every signed-in member of staff, administrators included.
    "/notifications/": _back_office_page(),
    # The counter (即时快招): officers and team leads take postings and register seekers;
    # inspectors read the queue and the pages of the markets in their regions. {posting} is a
    # posting in review and {seeker} a registered seeker, both of the team lead's market.
    "/counter/postings/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/counter/postings/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/counter/postings/{posting}/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/counter/seekers/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/counter/seekers/{seeker}/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/counter/seekers/{seeker}/update/": _case_work_page(OFFICER, TEAM_LEAD),
    # Correcting an applicant's name or mobile: staff of a market that serves them.
    "/applicants/{applicant}/change/": _case_work_page(OFFICER, TEAM_LEAD),
    # The supporting services (art. 6, 11, 17, 19–24, 28): market staff work, inspectors read.
    "/complaints/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/complaints/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/guidance/rooms/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/training/programmes/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/training/report/": _case_work_page(TEAM_LEAD, INSPECTOR),
    "/startup/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/startup/new/": _case_work_page(OFFICER, TEAM_LEAD),
    "/welfare/placements/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/campaigns/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/noticeboard/staff-training/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
    "/noticeboard/{market}/": _case_work_page(OFFICER, TEAM_LEAD, INSPECTOR),
}

# Django's LoginRequiredMiddleware sends an anonymous visitor of the admin's site-wide pages
# (its index) to the admin's own sign-in URL, which in this project only forwards to the staff
# sign-in; both hops keep the page asked for.
ANONYMOUS_VIA_ADMIN_LOGIN = {"/admin/"}

MATRIX = [(url, principal) for url in [*STAFF_PAGES, "/health/"] for principal in PRINCIPALS]


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
