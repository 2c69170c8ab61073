"""The bell's pages (站内通知): every signed-in member of staff reads their own notifications
and marks one read, which takes them to what it is about."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications.models import Notification
from notifications.selectors import notification_list_for
from notifications.services import notification_mark_read

from ..common.access import staff_user

PAGE_SIZE = 25


def _is_local_path(link: str) -> bool:
    return (
        link.startswith("/")
        and not link.startswith("//")
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    )


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_list_for(recipient=staff_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # A link is shown only when it is a path on this site (the sender checks, but the row may
    # have been written otherwise).
    rows = [(n, n.link if _is_local_path(n.link) else "") for n in page]
    return render(request, "backoffice/notifications/list.html", {"page": page, "rows": rows})


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of one's own notifications read (someone else's: 404), then go to what it is
    about (a path on this site only) or back to the list."""
    user = staff_user(request)
    try:
        notification = Notification.objects.only("link").get(pk=pk, recipient=user)
        notification_mark_read(recipient=user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    if notification.link and _is_local_path(notification.link):
        return redirect(notification.link)
    back = request.POST.get("next", "")
    return redirect(back if back and _is_local_path(back) else "backoffice:notifications")
