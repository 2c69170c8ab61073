"""Helpers of the online self-service tests: the code of the last text message to a mobile,
read from the outbox as the gateway would send it."""

from __future__ import annotations

import re

from notifications.channels import address_resolve
from notifications.models import OutboxMessage


def last_code_sent_to(mobile: str) -> str:
    for message in OutboxMessage.objects.filter(channel="sms").order_by("-pk"):
        if address_resolve(message.to) == mobile:
            found = re.search(r"\d{6}", message.body)
            assert found is not None
            return found.group(0)
    raise AssertionError(f"no code sent to {mobile}")
