"""Reads of export jobs: a requester sees their own, nobody else's."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User

from .models import ExportJob, ExportState


def export_job_list_for_requester(*, user: User) -> QuerySet[ExportJob]:
    jobs: QuerySet[ExportJob] = ExportJob.objects.filter(requester=user).order_by(
        "-created_at", "-pk"
    )
    return jobs


def export_job_get_for_requester(*, user: User, pk: int) -> ExportJob:
    """The job, or ExportJob.DoesNotExist (→ 404) when it is not the user's own."""
    job: ExportJob = ExportJob.objects.get(pk=pk, requester=user)
    return job


def export_job_list_with_old_files(*, finished_before: datetime) -> QuerySet[ExportJob]:
    """Jobs finished before ``finished_before`` whose file is still kept (index
    ``export_state_finished``)."""
    jobs: QuerySet[ExportJob] = (
        ExportJob.objects.filter(
            state__in=[ExportState.DONE, ExportState.FAILED], finished_at__lt=finished_before
        )
        .exclude(file="")
        .order_by("pk")
    )
    return jobs
