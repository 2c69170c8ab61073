"""What inspectors read (issue 12, item 7): each page of a case, each file of it and each
applicant's page they open is an audit event. Staff of the market are not recorded here: their
reading is their work, and the ledger counts what they do. Reading changes nothing else."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market

from .. import events
from .. import permissions as can
from ..models import Applicant, Case, CaseAttachment

# The pages of a case an inspector may open (the ``page`` of ``case.viewed``).
CASE_PAGES = ("detail", "notice", "receipt")


@transaction.atomic
def case_view_record(
    *, actor: User, case: Case, page: str, ip_address: str | None = None
) -> AuditEvent | None:
    """Record that ``actor`` opened ``page`` of ``case``, when they read it as an inspector
    (``can.reads_only``); None for anyone else."""
    if page not in CASE_PAGES:
        raise ValueError(page)
    if not can.reads_only(actor, case.market):
        return None
    return events.case_viewed_event(case, actor, page=page, ip_address=ip_address)


@transaction.atomic
def case_attachment_view_record(
    *, actor: User, case: Case, attachment: CaseAttachment, ip_address: str | None = None
) -> AuditEvent | None:
    """Record that ``actor`` downloaded ``attachment`` of ``case``, when they read the case as
    an inspector."""
    if attachment.case_id != case.pk:
        raise ValueError(attachment.pk)
    if not can.reads_only(actor, case.market):
        return None
    return events.case_attachment_viewed_event(case, attachment, actor, ip_address=ip_address)


@transaction.atomic
def applicant_view_record(
    *, actor: User, applicant: Applicant, ip_address: str | None = None
) -> list[AuditEvent]:
    """Record that ``actor`` opened the applicant's page: one event in each market of the
    applicant's cases that ``actor`` reads as an inspector (none for the staff of a market)."""
    prefixes = can.inspected_prefixes(actor)
    if not prefixes:
        return []
    inspected = Q()
    for prefix in prefixes:
        inspected |= Q(region__code__startswith=prefix)
    markets = (
        Market.objects.filter(inspected)
        .filter(pk__in=Case.objects.filter(applicant=applicant).values("market_id"))
        .exclude(pk__in=list(can.market_roles(actor)))
        .order_by("pk")
    )
    return [
        events.applicant_viewed_event(applicant, actor, market=market, ip_address=ip_address)
        for market in markets
    ]
