"""Inspectors read what they supervise and change nothing (issue 12, item 7).

An inspector (a region, no market role) opens the case pages, lists, ledgers and dashboards of
every market in their region; every request of case work that is not a read (POST and the like)
is refused with 403 before its view runs, denied by default: a new action in these areas is
refused to them without anyone having to remember it. The exemptions are few and named: the
inspector's own saved views of the lists. Searching and exporting live outside these areas (an
export of a list they may read is theirs to make, and is audited).

A member of staff who inspects a region and works in a market is not refused here: the services
decide per case (``cases.permissions``), and the case page's actions answer 403 to whoever has
no part in the case's work (``cases.permissions.acts_on``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from django.utils.translation import gettext_lazy as _

from .access import is_inspector, works_in_a_market

# The packages whose pages are case work: the case engine, applicants, the counter, the
# supporting services, ratings, absences, the notice board, the classifications' lists, and the
# supervision pages (the ledger's sign-off).
CASE_WORK_AREAS: tuple[str, ...] = (
    "backoffice.cases",
    "backoffice.applicants",
    "backoffice.common.attachments",
    "backoffice.counter",
    "backoffice.guidance",
    "backoffice.training",
    "backoffice.startup",
    "backoffice.complaints",
    "backoffice.welfare",
    "backoffice.campaigns",
    "backoffice.ratings",
    "backoffice.absences",
    "backoffice.noticeboard",
    "backoffice.classifications",
    "backoffice.supervision",
)
# What an inspector keeps of their own in these areas (URL names).
OWN_THINGS: frozenset[str] = frozenset(
    {"saved_view_save", "saved_view_rename", "saved_view_delete"}
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSAL = _("Inspectors read the records of the markets they supervise; they change nothing.")


def is_case_work(match: ResolverMatch) -> bool:
    """Whether the page resolved is one of case work (``CASE_WORK_AREAS``), not an exemption."""
    module = getattr(match.func, "__module__", "") or ""
    in_area = any(module == area or module.startswith(f"{area}.") for area in CASE_WORK_AREAS)
    return in_area and match.url_name not in OWN_THINGS


def reads_only_everywhere(user: Any) -> bool:
    """An inspector with no market role: a reader of every page of case work."""
    return is_inspector(user) and not works_in_a_market(user)


class InspectorsReadOnlyMiddleware:
    """Refuse (403, logged by Django as every refusal) each change an inspector sends to a page
    of case work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        if request.method in SAFE_METHODS:
            return
        match = request.resolver_match
        if match is None or not is_case_work(match):
            return
        if reads_only_everywhere(request.user):
            raise PermissionDenied(str(REFUSAL))
