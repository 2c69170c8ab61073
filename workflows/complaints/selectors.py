"""Reads of complaints for the back-office pages; who may see what is decided here, once."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from markets.selectors import market_list_visible_to

from .models import Category, Complaint, InspectionReferral, Status


def complaint_list_visible_to(
    *, user: Any, category: str = "", status: str = ""
) -> QuerySet[Complaint]:
    """Complaints of the markets the user may see (their own; an inspector's regions), newest
    first, optionally of one category and status."""
    complaints = (
        Complaint.objects.filter(case__market__in=market_list_visible_to(user=user))
        .select_related("case__market", "case__owner", "posting")
        .order_by("-case__opened_at", "-pk")
    )
    if category in Category.values:
        complaints = complaints.filter(category=category)
    if status in Status.values:
        complaints = complaints.filter(status=status)
    return complaints


def complaint_get_visible_to(*, user: Any, pk: int) -> Complaint | None:
    complaint: Complaint | None = (
        complaint_list_visible_to(user=user)
        .select_related("case__applicant", "case__first_contact_officer", "employer")
        .defer("case__applicant__id_number", "case__applicant__mobile")
        .filter(pk=pk)
        .first()
    )
    return complaint


def referral_list_for_complaint(*, complaint: Complaint) -> QuerySet[InspectionReferral]:
    referrals: QuerySet[InspectionReferral] = complaint.referrals.select_related("sent_by")
    return referrals
