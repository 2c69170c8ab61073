"""Exports of lists to XLSX and CSV: start one from a list's page, follow its progress, fetch
its file. A job and its file are its requester's alone (404 for anyone else). Thin: parse,
call one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from audit.events import request_ip
from cases.storage import stored_file_open
from exports.files import CONTENT_TYPES
from exports.lists import LISTS
from exports.models import ExportJob, ExportState
from exports.selectors import export_job_get_for_requester, export_job_list_for_requester
from exports.services import export_request, file_days

from ..common.access import (
    back_office_required,
    does_back_office_work,
    staff_user,
    visible_or_404,
)
from . import forms

PAGE_SIZE = 25
# Seconds between two looks at a job still being built (the page reloads itself: no script).
REFRESH_SECONDS = 2


@require_POST
@back_office_required
def export_new(request: HttpRequest) -> HttpResponse:
    """POST list=…&format=xlsx|csv and the list's filters, as its page sent them. Not
    ``submit_once``: a second click makes a second file and nothing else, and a refusal must
    stay on the trail (submit_once would roll it back with the view's transaction)."""
    user = staff_user(request)
    form = forms.ExportRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a list and a format to export."))
        return redirect("backoffice:export_list")
    name = form.cleaned_data["list"]
    try:
        criteria = forms.CRITERIA[name](request.POST)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(forms.list_page_url(name, request.POST))
    try:
        job = export_request(
            actor=user,
            export_list=LISTS[name],
            criteria=criteria,
            fmt=form.cleaned_data["format"],
            ip_address=request_ip(request),
        )
    except PermissionDenied:
        raise PermissionDenied(_("You may not export this list.")) from None
    if job.state == ExportState.DONE:
        messages.success(request, _("The file is ready."))
    elif job.state == ExportState.FAILED:
        messages.error(request, _("The file could not be made. Try again, or ask for help."))
    else:
        messages.info(request, _("The list is long: the file is being made. This page follows it."))
    return redirect("backoffice:export_detail", pk=job.pk)


@require_GET
@back_office_required
def export_list(request: HttpRequest) -> HttpResponse:
    """The exports the user asked for, newest first."""
    jobs = export_job_list_for_requester(user=staff_user(request))
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    titles = _titles()
    return render(
        request,
        "backoffice/exports/list.html",
        {
            "jobs": page,
            "rows": [(job, titles.get(job.list_name, job.list_name)) for job in page],
            "days": file_days(),
        },
    )


def _titles() -> dict[str, str]:
    return {name: str(exportable.title) for name, exportable in LISTS.items()}


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    user = staff_user(request)
    return visible_or_404(lambda pk: export_job_get_for_requester(user=user, pk=pk), pk=pk)


@require_GET
@back_office_required
@never_cache
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One export: its progress while it is made (the page reloads itself every
    REFRESH_SECONDS), then the link to its file."""
    job = _own_job(request, pk)
    return render(
        request,
        "backoffice/exports/detail.html",
        {
            "job": job,
            "title": _titles().get(job.list_name, job.list_name),
            "refresh": None if job.is_finished else REFRESH_SECONDS,
        },
    )


@require_GET
@never_cache
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file (a stream: ``back_office_required`` wraps views that answer HttpResponse, so
    the same check is made here)."""
    if not does_back_office_work(request.user):
        raise PermissionDenied
    job = _own_job(request, pk)
    if job.state != ExportState.DONE or not job.file:
        raise Http404
    try:
        stream = stored_file_open(job.file)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[job.format],
    )
    response["Cache-Control"] = "private, no-store"
    return response
