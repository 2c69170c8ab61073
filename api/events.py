"""One function per business event of the API, each writing one row of the event log (audit),
in the transaction of the change. An API client is not a member of staff: the events name it
(``client``) in their values, with no actor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import event_record
from cases.identity import name_mask
from cases.models import Applicant

from .models import ApiClient

# The audit log's words for the API's events (registered in ``ApiConfig.ready``). A write names
# its caller: a client (``api_write_event``) or an applicant (``api_applicant_write_event``).
ACTION_LABELS = {
    "api.client_created": _("API client registered"),
    "api.client_deactivated": _("API client deactivated"),
    "api.posting_created": _("Posting taken in through the API"),
    "api.posting_submitted": _("Posting submitted through the API"),
    "api.posting_withdrawn": _("Posting withdrawn through the API"),
    "api.posting_filled": _("Posting filled through the API"),
    "api.posting_extended": _("Posting extended through the API"),
    "api.posting_resubmitted": _("Posting corrected through the API"),
    "api.profile_updated": _("Job-seeker profile changed through the API"),
    "api.case_withdrawn": _("Case withdrawn through the API"),
    "api.materials_handed_in": _("Materials handed in through the API"),
    "api.applied": _("Applied for a posting through the API"),
}


def _client_values(client: ApiClient) -> dict[str, Any]:
    return {
        "client": client.name,
        "client_id": client.application.client_id,
        "scopes": list(client.scopes),
        "market": client.market_id,
        "region": client.region.code if client.region else None,
        "is_active": client.is_active,
    }


def api_client_created_event(client: ApiClient, actor: User | None) -> AuditEvent:
    return event_record(
        action="api.client_created",
        actor=actor,
        target=client,
        market=client.market,
        new_values=_client_values(client),
    )


def api_client_deactivated_event(client: ApiClient, actor: User | None) -> AuditEvent:
    return event_record(
        action="api.client_deactivated",
        actor=actor,
        target=client,
        market=client.market,
        old_values={"is_active": True},
        new_values=_client_values(client),
    )


def api_write_event(
    client: ApiClient,
    *,
    action: str,
    target: Any,
    market: Any,
    values: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """A change another system made through the API (``action``: ``api.posting_created`` …),
    naming the client beside the service's own event."""
    return event_record(
        action=action,
        actor=None,
        target=target,
        market=market,
        new_values={
            "client": client.name,
            "client_id": client.application.client_id,
            **(values or {}),
        },
        ip_address=ip_address,
    )


def api_applicant_write_event(
    applicant: Applicant,
    *,
    action: str,
    target: Any,
    market: Any,
    values: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """A change an applicant made through the API with their online session (``action``:
    ``api.posting_submitted`` …), naming them (a person's name masked, as on the pages) beside
    the service's own event, which names the market's online desk."""
    return event_record(
        action=action,
        actor=None,
        target=target,
        market=market,
        new_values={
            "applicant_id": applicant.pk,
            "applicant": applicant.name
            if applicant.kind == Applicant.Kind.ORGANISATION
            else name_mask(applicant.name),
            **(values or {}),
        },
        ip_address=ip_address,
    )
