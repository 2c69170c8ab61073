"""The link with the provincial platform (数智人社): how the outbox stands, its dead letters
with their last error, and retrying them; the imports the platform's feed could not take in.
Read by inspectors and the system administrator; retried by the system administrator."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from provincial.models import OutboundMessage
from provincial.selectors import (
    dead_letter_list,
    feed_cursor_list,
    inbound_refused_list,
    outbound_status_counts,
)
from provincial.services import outbound_retry, outbound_retry_all

from ..common.access import is_system_admin, staff_user, sync_reader_required, system_admin_required

PAGE_SIZE = 25


@sync_reader_required
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    counts = outbound_status_counts()
    dead = Paginator(dead_letter_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    refused = Paginator(inbound_refused_list(), PAGE_SIZE).get_page(request.GET.get("refused"))
    return render(
        request,
        "backoffice/provincial/status.html",
        {
            "counts": [
                (value, label, counts[value]) for value, label in OutboundMessage.Status.choices
            ],
            "dead": dead,
            "refused": refused,
            "cursors": list(feed_cursor_list()),
            "may_retry": is_system_admin(request.user),
        },
    )


@require_POST
@system_admin_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboundMessage, pk=pk)
    was_dead = message.status == OutboundMessage.Status.DEAD
    outbound_retry(actor=staff_user(request), message=message)
    if was_dead:
        messages.success(request, _("The message will be sent again."))
    else:
        messages.info(request, _("This message is not a dead letter: nothing was changed."))
    return redirect("backoffice:provincial_status")


@require_POST
@system_admin_required
def retry_all(request: HttpRequest) -> HttpResponse:
    count = outbound_retry_all(actor=staff_user(request))
    messages.success(
        request,
        ngettext(
            "%(count)d dead letter will be sent again.",
            "%(count)d dead letters will be sent again.",
            count,
        )
        % {"count": count},
    )
    return redirect("backoffice:provincial_status")
