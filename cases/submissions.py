"""One-time form tokens (issue 13, item 4): a form that creates something carries a token,
and the row of that token is written in the same transaction as the thing. A second submit of
the same form answers with the first one's result instead of creating again.

Two submits at the same instant: the second insert of the token waits on the unique index
until the first transaction ends, then fails; the caller then reads the committed row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from .models import FormSubmission

# A browser's back button and resend within a week still finds the first result.
KEEP_FOR = timedelta(days=7)


def form_submission_get(*, token: str) -> FormSubmission | None:
    return FormSubmission.objects.filter(token=token).first()


def form_submission_claim(*, token: str, user: User, path: str) -> FormSubmission | None:
    """Take ``token`` in the caller's transaction; None when another submit holds it (this
    one has then waited until that submit's transaction ended)."""
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=user, path=path[:300])
    except IntegrityError:
        return None


def form_submission_finish(*, submission: FormSubmission, result_url: str) -> None:
    """Record what the submit made (the page to answer a second submit with)."""
    submission.result_url = result_url[:500]
    submission.save(update_fields=["result_url"])


def form_submission_release(*, submission: FormSubmission) -> None:
    """The submit made nothing (the form had errors): the token may be sent again."""
    submission.delete()


@transaction.atomic
def form_submission_prune(*, now: datetime | None = None) -> int:
    """Forget tokens older than KEEP_FOR; returns how many."""
    before = (now or timezone.now()) - KEEP_FOR
    deleted, _ = FormSubmission.objects.filter(created_at__lt=before).delete()
    return deleted
