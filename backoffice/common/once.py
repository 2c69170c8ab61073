"""Forms that create things are sent once (issue 13, item 4).

Every such form carries a hidden one-time token (``{% form_token %}`` in the template); the
view is wrapped in :func:`submit_once`, which runs it in one transaction with the token's row
(``cases.models.FormSubmission``). When the view answers with a redirect (it made something:
PRG), the redirect's target is recorded; a second submit with the same token, at once or
later, is answered with a redirect to that first result and creates nothing. When the view
answers otherwise (the form had errors), the token is released and may be sent again.

A POST without a well-formed token runs the view as before: other clients and tests.
"""

from __future__ import annotations

import logging
import random
import re
import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import FormSubmission
from cases.submissions import (
    form_submission_claim,
    form_submission_finish,
    form_submission_get,
    form_submission_release,
)

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_REDIRECTS = (301, 302, 303)
# A transaction aborted by the database to resolve a conflict is run again this many times.
CONFLICT_RETRIES = 3
_CONFLICT_STATES = {"40P01", "40001"}  # deadlock_detected, serialization_failure

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def form_token_new() -> str:
    return secrets.token_urlsafe(24)


def _answer_again(request: HttpRequest, earlier: FormSubmission) -> HttpResponse:
    if earlier.user_id != request.user.pk:
        raise PermissionDenied
    messages.info(request, _("This form had been sent already: here is what it made."))
    return redirect(earlier.result_url or earlier.path)


def submit_once(view: View) -> View:
    """Wrap a view whose POST creates something (see the module's docstring). Put it below
    the access decorators, so that only a signed-in user's submits are recorded.

    The submit runs in one transaction; when PostgreSQL aborts it to break a deadlock or a
    serialization conflict with another transaction (nothing of it was kept), it is run
    again, up to ``CONFLICT_RETRIES`` times, instead of answering with an error page and
    losing what the user entered."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.POST.get(FORM_TOKEN_FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.fullmatch(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        for attempt in range(CONFLICT_RETRIES):
            try:
                return _submit(view, request, request.user, token, *args, **kwargs)
            except OperationalError as error:
                if not _conflict(error):
                    raise
                logger.warning(
                    "%s %s: the transaction met another crosswise (%s); run again",
                    request.method,
                    request.path,
                    error,
                )
                for _name, uploads in request.FILES.lists():
                    for upload in uploads:
                        upload.seek(0)
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311
        return _submit(view, request, request.user, token, *args, **kwargs)

    return wrapper


def _conflict(error: BaseException) -> bool:
    """Whether the database aborted the transaction to resolve a conflict with another one
    (PostgreSQL's deadlock_detected or serialization_failure): running it again may succeed."""
    cause: BaseException | None = error
    while cause is not None:
        if getattr(cause, "sqlstate", None) in _CONFLICT_STATES:
            return True
        cause = cause.__cause__
    return False


def _submit(
    view: View, request: HttpRequest, user: User, token: str, *args: Any, **kwargs: Any
) -> HttpResponse:
    earlier = form_submission_get(token=token)
    if earlier is None:
        with transaction.atomic():
            submission = form_submission_claim(token=token, user=user, path=request.path)
            if submission is not None:
                response = view(request, *args, **kwargs)
                location = response.get("Location", "")
                if response.status_code in _REDIRECTS and location:
                    form_submission_finish(submission=submission, result_url=location)
                else:
                    form_submission_release(submission=submission)
                return response
            earlier = form_submission_get(token=token)
    if earlier is None:  # the other submit made nothing and released the token
        return view(request, *args, **kwargs)
    return _answer_again(request, earlier)
