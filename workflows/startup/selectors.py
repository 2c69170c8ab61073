"""Reads of start-up help for its pages. Who may see a case is decided by the case engine's
``case_list_visible``; these only narrow it to this kind."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from cases.models import Case
from cases.selectors import case_list_visible

from .flow import STARTUP_HELP
from .models import LoanPreCheck, ServiceOutcome, StartupService


def startup_case_list(*, user: User, open_only: bool = True) -> QuerySet[Case]:
    """Start-up help cases the user may see, oldest open first, with their pending items."""
    cases = case_list_visible(user=user).filter(kind=STARTUP_HELP.code)
    if open_only:
        cases = cases.filter(closed_at__isnull=True)
    return (
        cases.defer("applicant__id_number", "applicant__mobile")
        .annotate(
            pending_items=Count(
                "startup_services",
                filter=Q(startup_services__outcome=ServiceOutcome.PENDING),
            )
        )
        .order_by("opened_at", "pk")
    )


def startup_case_get(*, user: User, pk: int) -> Case:
    """A start-up help case the user may see, or Case.DoesNotExist (→ 404)."""
    case: Case = startup_case_list(user=user, open_only=False).get(pk=pk)
    return case


def startup_service_list(*, case: Case) -> QuerySet[StartupService]:
    services: QuerySet[StartupService] = (
        StartupService.objects.filter(case=case).select_related("officer").order_by("pk")
    )
    return services


def loan_precheck_list(*, case: Case) -> QuerySet[LoanPreCheck]:
    checks: QuerySet[LoanPreCheck] = (
        LoanPreCheck.objects.filter(case=case)
        .select_related("officer", "limit", "notice")
        .order_by("-checked_at", "-pk")
    )
    return checks
