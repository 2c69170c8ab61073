"""The exports' events in the log: one per file made (who, which list, which filters, how many
rows, which format) and one per export refused (a list the user may not see)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import TargetRef, event_record
from markets.models import Market

from .models import ExportJob

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EXPORT_COMPLETED = "export.completed"
EXPORT_REFUSED = "export.refused"

ACTION_LABELS: dict[str, StrOrPromise] = {
    EXPORT_COMPLETED: _("List exported"),
    EXPORT_REFUSED: _("Export refused"),
}


def _market(market_id: int | None) -> Market | None:
    return Market.objects.filter(pk=market_id).first() if market_id is not None else None


def export_completed_event(*, job: ExportJob, market_id: int | None) -> AuditEvent:
    return event_record(
        action=EXPORT_COMPLETED,
        actor=job.requester,
        target=job,
        market=_market(market_id),
        new_values={
            "list": job.list_name,
            "filters": dict(job.criteria),
            "format": job.format,
            "rows": job.rows_done,
        },
        ip_address=job.ip_address,
    )


def export_refused_event(
    *,
    actor: User,
    list_name: str,
    criteria: Mapping[str, Any],
    fmt: str,
    market_id: int | None,
    ip_address: str | None,
) -> AuditEvent:
    return event_record(
        action=EXPORT_REFUSED,
        actor=actor,
        target=TargetRef(type="exports.exportjob", label=list_name),
        market=_market(market_id),
        new_values={"list": list_name, "filters": dict(criteria), "format": fmt},
        ip_address=ip_address,
        success=False,
    )


CHART_EXPORTED = "export.chart"
ACTION_LABELS[CHART_EXPORTED] = _("Chart table downloaded")


def chart_exported_event(
    *,
    actor: User,
    chart: str,
    page: str,
    criteria: Mapping[str, Any],
    fmt: str,
    market_id: int | None,
    ip_address: str | None,
) -> AuditEvent:
    """A chart's table downloaded from a back-office page (who, which page and chart, which
    filters, which format)."""
    return event_record(
        action=CHART_EXPORTED,
        actor=actor,
        target=TargetRef(type="exports.chart", label=f"{page}:{chart}"),
        market=_market(market_id),
        new_values={"page": page, "chart": chart, "filters": dict(criteria), "format": fmt},
        ip_address=ip_address,
    )
