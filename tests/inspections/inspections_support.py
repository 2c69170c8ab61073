"""Shared helpers of the inspection tests: a whole checklist, photos, another region's
inspector."""

from __future__ import annotations

from typing import Any

from conftest import TOTP_KEYS, UserFactory, add_totp_device
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from markets.models import Membership, Region, Role
from workflows.inspections.checklist import FACILITY_CODES, Result
from workflows.inspections.services import ItemGiven

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def checklist(**overrides: Any) -> dict[str, ItemGiven]:
    """Every item passed, but those given: ``code=ItemGiven(...)`` or ``code="fail"``."""
    items = {code: ItemGiven(result=Result.PASS) for code in FACILITY_CODES}
    for code, value in overrides.items():
        items[code] = (
            value
            if isinstance(value, ItemGiven)
            else ItemGiven(result=value, note="门口无障碍坡道缺失" if value == "fail" else "")
        )
    return items


def inspector_of(region: Region, username: str) -> User:
    user = UserFactory.create(username=username)
    Membership.objects.create(user=user, role=Role.INSPECTOR, region=region)
    add_totp_device(user, TOTP_KEYS[Role.INSPECTOR])
    return user
