"""Where the public rates a resolved case (政务服务好差评), without signing in
(``login_not_required``), CSRF-protected, rate limited like the status lookup
(``portal.throttle``):

- ``kiosk_rate``: at the kiosk, with the reference number and the last four digits of the
  mobile given for the case (the status lookup's check: ``selectors.case_find_by_reference``);
- ``rate_link``: the link of the completion text message (signed, single use, expiring:
  ``workflows.ratings.links``); a link tampered with, expired or used is refused with a page
  that says so, and nothing changes.

Mobile first, the five levels as large buttons (``templates/includes/rating_form.html``).
"""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.events import request_ip
from cases.kinds import kind_get
from cases.services import CaseActionError
from markets.models import Market
from workflows.ratings.forms import RatingForm
from workflows.ratings.links import LinkRefused, LinkUsed
from workflows.ratings.models import RatingChannel
from workflows.ratings.services import rating_link_open, rating_record, rating_record_by_link

from . import selectors, throttle
from .forms import StatusLookupForm, reference_initial

# The kiosk goes back to an empty form this long after a rating, for the next person.
KIOSK_RESET_SECONDS = 30
# The link page's brake: one counter per client address (``throttle``).
LINK_THROTTLE_KEY = "rating-link:{client}"


def _blocked(
    request: HttpRequest, template: str, context: dict[str, object], attempt: throttle.Attempt
) -> HttpResponse:
    context["outcome"] = "blocked"
    context["retry_minutes"] = attempt.retry_minutes
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(max(1, math.ceil(attempt.retry_after.total_seconds())))
    return response


def _errors_on(form: RatingForm, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def kiosk_rate(request: HttpRequest, market_id: int) -> HttpResponse:
    """Rate a resolved case at the kiosk: the reference, the last four digits of the mobile,
    one of the five levels and a comment. A wrong reference or wrong digits get one neutral
    answer and count towards the terminal's limit."""
    market = get_object_or_404(selectors.market_list_public(), pk=market_id)
    template = "portal/kiosk/rate.html"
    context: dict[str, object] = {"market": market}
    if request.method != "POST":
        context["lookup"] = StatusLookupForm(
            initial=reference_initial(request.GET.get("reference"))
        )
        context["form"] = RatingForm()
        return render(request, template, context)
    lookup = StatusLookupForm(request.POST)
    form = RatingForm(request.POST)
    context.update(lookup=lookup, form=form, reset_seconds=KIOSK_RESET_SECONDS * 2)
    if not (lookup.is_valid() & form.is_valid()):
        return render(request, template, context)
    attempt = throttle.lookup_attempt_begin(
        client=request_ip(request), reference=lookup.cleaned_data["reference"]
    )
    if not attempt.allowed:
        return _blocked(request, template, context, attempt)
    case = selectors.case_find_by_reference(
        reference=lookup.cleaned_data["reference"],
        mobile_last_four=lookup.cleaned_data["mobile_last_four"],
    )
    if case is None:  # the attempt keeps its place in the counters
        context["outcome"] = "not_found"
        return render(request, template, context)
    throttle.lookup_attempt_give_back(attempt)
    try:
        rating_record(
            case=case,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
            channel=RatingChannel.KIOSK,
            ip_address=request_ip(request),
        )
    except ValidationError as error:
        _errors_on(form, error)
        return render(request, template, context)
    except CaseActionError as error:
        context["refused"] = str(error)
        context["lookup"] = StatusLookupForm()  # the digits are not shown back
        return render(request, template, context)
    context.update(outcome="rated", reset_seconds=KIOSK_RESET_SECONDS)
    return render(request, template, context)


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The page the completion text message links to: the case's reference and service, the
    five levels and a comment; the link rates once."""
    template = "portal/rate_link.html"
    address = request_ip(request)
    attempt = throttle.lookup_attempt_begin(
        client=address, reference=LINK_THROTTLE_KEY.format(client=address)
    )
    if not attempt.allowed:
        return _blocked(request, template, {"market": None}, attempt)
    try:
        link = rating_link_open(token=token[:500], ip_address=address)
    except LinkRefused as refused:  # the attempt keeps its place in the counter
        status = 400 if not isinstance(refused, LinkUsed) else 410
        return render(
            request,
            template,
            {"market": None, "refused": refused.message, "reason": refused.reason},
            status=status,
        )
    throttle.lookup_attempt_give_back(attempt)
    case = link.case
    kind = kind_get(case.kind)
    market: Market = case.market
    context: dict[str, object] = {
        "market": market,
        "reference": case.reference,
        "service": kind.label if kind is not None else case.subject,
    }
    form = RatingForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            rating_record_by_link(
                token=token,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                ip_address=address,
            )
        except ValidationError as error:
            _errors_on(form, error)
        except LinkRefused as refused:  # used by a racing submission meanwhile
            context.update(refused=refused.message, reason=refused.reason)
            return render(request, template, context, status=410)
        except CaseActionError as error:  # rated already through another channel
            context.update(refused=str(error), reason="rated")
            return render(request, template, context, status=409)
        else:
            context["outcome"] = "rated"
    return render(request, template, context)
