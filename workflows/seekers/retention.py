"""A job seeker's part of retention and subject access (cases/retention.py): the profile's
free text is cleared on anonymising (the occupations, areas, hours and categories stay for the
figures), and the profile and guidance records go into a person's export."""

from __future__ import annotations

from typing import Any

from cases.models import Applicant
from cases.retention import record_as_dict

from .models import GuidanceItem, SeekerProfile


def seeker_anonymise(applicant: Applicant) -> dict[str, int]:
    profile = SeekerProfile.objects.select_for_update().filter(applicant=applicant).first()
    if profile is None:
        return {}
    profile.skills = ""
    profile.training_wish = ""
    profile.save(update_fields=["skills", "training_wish"])
    SeekerProfile.history.filter(id=profile.pk).update(skills="", training_wish="")
    items = list(GuidanceItem.objects.filter(seeker=profile).exclude(note=""))
    for item in items:
        item.note = ""
        item.save(update_fields=["note"])
    GuidanceItem.history.filter(seeker_id=profile.pk).update(note="")
    return {"seeker_profiles": 1, "guidance_notes": len(items)}


def seeker_export(applicant: Applicant) -> dict[str, Any] | None:
    profile = SeekerProfile.objects.filter(applicant=applicant).first()
    if profile is None:
        return None
    return {
        **record_as_dict(profile),
        "guidance": [record_as_dict(item) for item in profile.guidance_items.all()],
    }
