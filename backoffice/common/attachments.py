"""The case page's attachments: upload a file to a case, download one.

Like every back-office page they are for officers, team leads and inspectors (403 for the
administrators). Both answer 404 for a case the user may not see
(cases.selectors.case_get_visible) and for an attachment of another case; only staff who may
work on the case upload (inspectors read). Files are sent by Django after those checks:
MEDIA_ROOT (or the bucket) is never served directly.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from audit.events import request_ip
from cases.attachments import (
    NAME_MAX,
    case_attachment_add,
    case_attachment_get,
    case_attachment_list,
    file_type_label,
    may_attach,
    original_name_clean,
)
from cases.models import Case, CaseAttachment
from cases.selectors import case_get_visible
from cases.services import case_attachment_view_record
from cases.storage import StorageUnavailable, stored_file_open

from .access import does_back_office_work, visible_or_404
from .once import submit_once


def _visible_case(request: HttpRequest, pk: int) -> Case:
    """The case, for staff who may see it: 403 for those who do no case work (as every
    back-office page), 404 when the case is not theirs to see."""
    if not does_back_office_work(request.user):
        raise PermissionDenied
    return visible_or_404(case_get_visible, user=request.user, pk=pk)


def _case_page(case: Case) -> str:
    return reverse("backoffice:case_detail", args=[case.pk])


def attachment_section(*, user: User, case: Case) -> dict[str, Any]:
    """The context ``backoffice/case/_attachments.html`` needs, for a case ``user`` may see:
    merge it into the case page's context. A case read by ``case_get_visible`` says whether
    it has any attachments; its list is read only then."""
    attachments = case_attachment_list(case=case) if getattr(case, "has_attachments", True) else []
    return {
        "attachment_rows": [
            {"attachment": attachment, "type_label": file_type_label(attachment.content_type)}
            for attachment in attachments
        ],
        "attachment_may_upload": may_attach(actor=user, case=case),
        "attachment_max_bytes": settings.CASE_ATTACHMENT_MAX_BYTES,
        "attachment_max_count": settings.CASE_ATTACHMENT_MAX_COUNT,
    }


@require_POST
@submit_once
def case_attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the file sent in the form field ``file``; refusals become a message."""
    case = _visible_case(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return redirect(_case_page(case))
    try:
        attachment = case_attachment_add(
            actor=request.user,  # type: ignore[arg-type]
            case=case,
            upload=upload,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except StorageUnavailable:
        # Nothing was recorded (cases.attachments); the browser cannot keep a chosen file
        # across pages, so the message names it for the user to choose again.
        messages.error(
            request,
            _(
                "“%(name)s” was not attached: the file store cannot be reached just now. "
                "Nothing was saved; please choose the file again and upload it in a few minutes."
            )
            % {"name": upload.name or ""},
        )
    else:
        messages.success(
            request, _("“%(name)s” has been attached.") % {"name": attachment.original_name}
        )
        _renamed_tell(request, given=upload.name or "", attachment=attachment)
    return redirect(_case_page(case))


def _renamed_tell(request: HttpRequest, *, given: str, attachment: CaseAttachment) -> None:
    """Say so when the stored name is not the one given: shortened, or with the extension of
    the type found in the content."""
    if len(given) > NAME_MAX:
        messages.info(
            request,
            _("The file name was longer than %(max)d characters and has been shortened.")
            % {"max": NAME_MAX},
        )
    elif attachment.original_name != original_name_clean(given):
        messages.info(
            request,
            _("The file is a %(type)s, whatever its name said: it is kept as “%(name)s”.")
            % {"type": file_type_label(attachment.content_type), "name": attachment.original_name},
        )


@require_GET
def case_attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The file, as a download under its original name and detected type; never cached.
    (A file store out of reach is the 503 page: config/unavailable.py.)"""
    case = _visible_case(request, pk)
    try:
        attachment = case_attachment_get(case=case, pk=attachment_pk)
        stream = stored_file_open(attachment.file)
    except (CaseAttachment.DoesNotExist, FileNotFoundError):
        raise Http404 from None
    # An inspector's download is on the trail (``case.attachment_viewed``).
    case_attachment_view_record(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        attachment=attachment,
        ip_address=request_ip(request),
    )
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
