"""What goes out to the provincial platform, record by record (docs/provincial-sync.md,
"Payloads"): the least personal data that lets the platform show a posting and count a
registration. Never a full ID number or mobile; a person is named by a pseudonym
(``person_ref``) that stays the same for the same person, so the platform can tell repeat
registrations apart without learning who the person is."""

from __future__ import annotations

import hashlib
from typing import Any

from cases.identity import name_mask
from cases.models import Applicant
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def person_ref(applicant: Applicant) -> str:
    """A stable pseudonym of a person: a hash of our keyed ID-number index (itself keyed with
    a secret the platform never sees), so it reveals neither the number nor the index."""
    base = applicant.id_number_index or f"applicant:{applicant.pk}"
    return hashlib.sha256(f"provincial-person:{base}".encode()).hexdigest()[:32]


def _employer(applicant: Applicant) -> dict[str, Any]:
    if applicant.kind == Applicant.Kind.ORGANISATION:
        # An organisation's name and credit code are public (国家企业信用信息公示系统).
        return {
            "kind": "organisation",
            "name": applicant.name,
            "credit_code": applicant.credit_code,
        }
    return {
        "kind": "person",
        "name": name_mask(applicant.name),
        "person_ref": person_ref(applicant),
    }


def posting_payload(posting: Posting) -> dict[str, Any]:
    return {
        "status": posting.status,
        "market_region": posting.market.region.code,
        "employer": _employer(posting.employer),
        "contact_name": name_mask(posting.contact_name),
        "contact_phone": posting.contact_phone_masked,
        "occupation": posting.occupation.code,
        "skill_requirements": posting.skill_requirements,
        "county": posting.county.code,
        "address": posting.address,
        "start_date": _iso(posting.start_date),
        "end_date": _iso(posting.end_date),
        "working_days": posting.working_days,
        "days_per_week": posting.days_per_week,
        "start_time": posting.start_time.strftime("%H:%M"),
        "end_time": posting.end_time.strftime("%H:%M"),
        "pay_min": str(posting.pay_min),
        "pay_max": str(posting.pay_max),
        "pay_method": posting.pay_method,
        "settlement": posting.settlement,
        "headcount": posting.headcount,
        "employment_form": posting.employment_form,
        "is_public_welfare": posting.is_public_welfare,
        "published_at": _iso(posting.published_at),
        "ended_at": _iso(posting.ended_at),
    }


def registration_payload(seeker: SeekerProfile, *, market_region: str) -> dict[str, Any]:
    """A registration, with the seeker's consent. Difficulty categories (disability, allowance,
    prison) are sensitive personal information and never go out."""
    applicant = seeker.applicant
    if not seeker.platform_consent:
        # Consent withdrawn: only the pseudonym, so the platform can drop what it holds.
        return {"person_ref": person_ref(applicant), "consent": False}
    return {
        "person_ref": person_ref(applicant),
        "consent": True,
        "name": name_mask(applicant.name),
        "gender": applicant.gender,
        "birth_year": applicant.birth_date.year if applicant.birth_date else None,
        "market_region": market_region,
        "wanted_occupations": list(seeker.wanted_occupations),
        "wanted_areas": list(seeker.wanted_areas),
        "available_days": list(seeker.available_days),
        "min_daily_pay": None if seeker.min_daily_pay is None else str(seeker.min_daily_pay),
        "registered_at": _iso(seeker.registered_at),
        "updated_at": _iso(seeker.updated_at),
    }
