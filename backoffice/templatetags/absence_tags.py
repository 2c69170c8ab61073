"""The "Covering for …" tab of the workbench (AB岗): shown only to a deputy, one query."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils import timezone

from cases.permissions import covering_market_ids
from markets.selectors import absence_list_covered_by

register = template.Library()


@register.inclusion_tag("backoffice/absences/_covering_tabs.html", takes_context=True)
def covering_tabs(context: dict[str, Any]) -> dict[str, Any]:
    """The tabs "My work" and "Covering for …" (one per absent officer the signed-in user
    covers for today); nothing for anyone who covers for nobody."""
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not covering_market_ids(user):
        return {"absences": []}  # no query for anyone who covers for nobody
    return {
        "absences": absence_list_covered_by(deputy=user, on=timezone.localdate()),
        "path": request.path,
    }
