"""A job seeker's referrals (推荐就业) in a person's export (cases/retention.py)."""

from __future__ import annotations

from typing import Any

from cases.models import Applicant
from cases.retention import record_as_dict

from .models import Referral


def referral_export(applicant: Applicant) -> list[dict[str, Any]]:
    referrals = Referral.objects.filter(seeker__applicant=applicant).order_by("pk")
    return [record_as_dict(referral) for referral in referrals]
