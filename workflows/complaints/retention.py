"""A complainant's part of retention and subject access (cases/retention.py): the complaint's
free text is cleared on anonymising (category, states, dates and satisfaction stay for the
figures), and the complaints go into a person's export."""

from __future__ import annotations

from typing import Any

from cases.models import Applicant
from cases.retention import record_as_dict

from .models import Complaint

_FREE_TEXT = ("description", "desired_outcome", "satisfaction_note")


def complaint_anonymise(applicant: Applicant) -> dict[str, int]:
    complaints = list(Complaint.objects.select_for_update().filter(case__applicant=applicant))
    for complaint in complaints:
        for name in _FREE_TEXT:
            setattr(complaint, name, "")
        complaint.save(update_fields=list(_FREE_TEXT))
    Complaint.history.filter(id__in=[c.pk for c in complaints]).update(
        **dict.fromkeys(_FREE_TEXT, "")
    )
    return {"complaints": len(complaints)} if complaints else {}


def complaint_export(applicant: Applicant) -> list[dict[str, Any]]:
    return [
        {
            **record_as_dict(complaint),
            "referrals": [record_as_dict(r) for r in complaint.referrals.all()],
        }
        for complaint in Complaint.objects.filter(case__applicant=applicant).order_by("pk")
    ]
