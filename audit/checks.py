"""System checks: the audit trail cannot seal or anchor without its keys and directory."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured

from .anchors import anchor_dir
from .chain import mac_keys
from .selectors import anchor_max_age


def audit_settings_check(**kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    try:
        mac_keys()
    except ImproperlyConfigured as error:
        errors.append(
            Error(
                str(error),
                hint="AUDIT_MAC_KEYS: comma-separated base64url 32-byte keys, the first seals.",
                id="audit.E001",
            )
        )
    try:
        anchor_dir()
    except ImproperlyConfigured as error:
        errors.append(Error(str(error), id="audit.E002"))
    try:
        anchor_max_age()
    except ImproperlyConfigured as error:
        errors.append(Error(str(error), id="audit.E003"))
    return errors
