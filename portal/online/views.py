"""The online self-service pages (网上办事, standard art. 26–27): public URLs
(``login_not_required``: applicants are not staff users) that answer only to the applicant
signed in with a code sent to their mobile (``cases.applicant_session``). Thin: each parses
its form, calls one service or selector of ``online`` (or of the services the counter uses)
and renders.

Sign-in: the mobile (``sign_in``), then the code (``sign_in_code``). A mobile with one
applicant signs in as them; with several, the applicant chooses (``choose``); with none, it is
kept in the session as verified and sent to registration.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audit.events import request_ip
from cases.applicant_session import (
    applicant_from_request,
    applicant_sign_in,
    applicant_sign_out,
)
from cases.identity import mobile_mask
from cases.models import Applicant
from cases.receipt_selectors import case_receipt as receipt_for
from cases.services import CaseActionError
from cases.storage import StorageUnavailable
from online import selectors, services
from workflows.ratings.forms import RatingForm
from workflows.ratings.models import RatingChannel
from workflows.ratings.selectors import ratable, rating_for_case
from workflows.ratings.services import rating_record

from . import session
from .forms import (
    ChooseApplicantForm,
    CodeForm,
    EmployerRegisterForm,
    ExtendForm,
    HandInForm,
    MobileForm,
    PostingCorrectionForm,
    PostingForm,
    SeekerProfileForm,
    SeekerRegisterForm,
    WithdrawForm,
    posting_correction_initial,
)

View = Callable[..., HttpResponse]


def public(view: View) -> View:
    """A public page of the online service: no staff sign-in, never cached."""
    return login_not_required(never_cache(view))


def applicant_required(view: View) -> View:
    """The page of a signed-in applicant (``request.applicant``); others go to sign in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        applicant = applicant_from_request(request)
        if applicant is None:
            # A mobile proven by its code but not registered yet registers first.
            verified = session.verified_mobile(request) is not None
            return redirect("portal:online:register" if verified else "portal:online:sign_in")
        request.applicant = applicant  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return public(wrapped)


def _applicant(request: HttpRequest) -> Applicant:
    applicant: Applicant = request.applicant  # type: ignore[attr-defined]
    return applicant


def _form_error(form: Any, field: str, error: ValidationError) -> None:
    for message in error.message_dict.get(field, error.messages):
        form.add_error(field if field in form.fields else None, message)


_RECORD_NUMBER = re.compile(r"[0-9]{1,18}")


def _record_number(value: str | None) -> int | None:
    """A record number passed in a form or an address (ASCII digits, at most 18, as a 64-bit
    key holds), or None: never ValueError, never a number the database cannot hold."""
    text = (value or "").strip()
    return int(text) if _RECORD_NUMBER.fullmatch(text) else None


# --- Sign-in ----------------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    market = _record_number(request.GET.get("market"))
    if market is not None:  # came from a market's kiosk or notice board: its forms start there
        request.session[session.MARKET] = market
    if applicant_from_request(request) is not None:
        return redirect("portal:online:home")
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            code = services.sign_in_code_send(
                mobile=form.cleaned_data["mobile"], address=request_ip(request)
            )
        except ValidationError as error:
            _form_error(form, "mobile", error)
        except services.SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            request.session[session.PENDING] = code.pk
            return redirect("portal:online:sign_in_code")
    return render(request, "portal/online/sign_in.html", {"form": form})


@public
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = session.code_from_session(request, session.PENDING)
    if pending is None:
        return redirect("portal:online:sign_in")
    address = request_ip(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        form = CodeForm()
        try:
            code = services.sign_in_code_send(mobile=pending.mobile, address=address)
        except services.SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            request.session[session.PENDING] = code.pk
            messages.success(request, _("A new code has been sent."))
            return redirect("portal:online:sign_in_code")
    elif request.method == "POST" and form.is_valid():
        try:
            verified = services.sign_in_code_verify(
                mobile=pending.mobile, code=form.cleaned_data["code"], address=address
            )
        except services.SignInRefused as refused:
            form.add_error(None, refused.message)
        else:
            return _signed_in(request, verified)
    return render(
        request,
        "portal/online/sign_in_code.html",
        {"form": form, "mobile_masked": mobile_mask(pending.mobile)},
    )


def _signed_in(request: HttpRequest, verified: services.Verified) -> HttpResponse:
    request.session.pop(session.PENDING, None)
    request.session.cycle_key()
    request.session[session.VERIFIED] = verified.code.pk
    applicants = selectors.applicant_list_for_mobile(mobile=verified.mobile)
    address = request_ip(request)
    if len(applicants) == 1:
        services.sign_in_record(verified=verified, address=address, applicant=applicants[0])
        applicant_sign_in(request, applicants[0])
        return redirect("portal:online:home")
    if applicants:
        return redirect("portal:online:choose")
    services.sign_in_record(verified=verified, address=address, applicant=None)
    return redirect("portal:online:register")


@public
@require_http_methods(["GET", "POST"])
def choose(request: HttpRequest) -> HttpResponse:
    """One mobile, several applicants (a person who also hires as an organisation)."""
    code = session.code_from_session(request, session.VERIFIED)
    if code is None:
        return redirect("portal:online:sign_in")
    applicants = selectors.applicant_list_for_mobile(mobile=code.mobile)
    form = ChooseApplicantForm(
        request.POST or None,
        applicants=[(applicant.pk, applicant.name) for applicant in applicants],
    )
    if request.method == "POST" and form.is_valid():
        chosen = next(a for a in applicants if a.pk == form.cleaned_data["applicant"])
        services.sign_in_record(
            verified=services.Verified(code=code), address=request_ip(request), applicant=chosen
        )
        applicant_sign_in(request, chosen)
        return redirect("portal:online:home")
    return render(request, "portal/online/choose.html", {"form": form})


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    applicant = applicant_from_request(request)
    if applicant is not None:
        services.sign_out_record(applicant=applicant, address=request_ip(request))
    request.session.pop(session.VERIFIED, None)
    request.session.pop(session.PENDING, None)
    applicant_sign_out(request)
    messages.success(request, _("You have signed out."))
    return redirect("portal:online:sign_in")


# --- The applicant's home ---------------------------------------------------------------------


@applicant_required
def home(request: HttpRequest) -> HttpResponse:
    applicant = _applicant(request)
    actions = []
    if selectors.seeker_profile_get(applicant=applicant) is not None:
        actions += [
            {"url": reverse("portal:online:matches"), "label": _("Jobs for me")},
            {"url": reverse("portal:online:profile"), "label": _("My job-seeker profile")},
        ]
    actions += [
        {"url": reverse("portal:online:posting_new"), "label": _("Submit a job posting")},
        {"url": reverse("portal:online:postings"), "label": _("My job postings")},
    ]
    return render(
        request,
        "portal/online/home.html",
        {
            "applicant": applicant,
            "actions": actions,
            "cases": selectors.case_list_for_applicant(applicant=applicant),
        },
    )


@public
def register(request: HttpRequest) -> HttpResponse:
    """A verified mobile with no applicant yet: register as a job seeker or as an employer."""
    if session.verified_mobile(request) is None:
        return redirect("portal:online:sign_in")
    return render(request, "portal/online/register.html", {})


def _verified_or_sign_in(request: HttpRequest) -> str | None:
    return session.verified_mobile(request)


@public
@require_http_methods(["GET", "POST"])
def register_seeker(request: HttpRequest) -> HttpResponse:
    """Register as a job seeker (real name), with the mobile proven by the code."""
    mobile = _verified_or_sign_in(request)
    if mobile is None:
        return redirect("portal:online:sign_in")
    form = SeekerRegisterForm(request.POST or None, initial=_market_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            seeker = services.online_seeker_register(
                mobile=mobile,
                market=form.cleaned_data["market"],
                name=form.cleaned_data["name"],
                id_number=form.cleaned_data["id_number"],
                profile=form.profile(),
            )
        except ValidationError as error:
            _errors_on_form(form, error)
        else:
            applicant_sign_in(request, seeker.applicant)
            messages.success(request, _("You are registered as a job seeker."))
            return redirect("portal:online:home")
    return render(
        request,
        "portal/online/form_page.html",
        {"form": form, "title": _("Job-seeker registration")},
    )


@public
@require_http_methods(["GET", "POST"])
def register_employer(request: HttpRequest) -> HttpResponse:
    mobile = _verified_or_sign_in(request)
    if mobile is None:
        return redirect("portal:online:sign_in")
    form = EmployerRegisterForm(request.POST or None, initial=_market_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.online_employer_register(
                mobile=mobile,
                market=form.cleaned_data["market"],
                name=form.cleaned_data["name"],
                **form.numbers(),
            )
        except ValidationError as error:
            _errors_on_form(form, error)
        else:
            applicant_sign_in(request, employer)
            messages.success(request, _("You are registered as an employer."))
            return redirect("portal:online:home")
    return render(
        request, "portal/online/form_page.html", {"form": form, "title": _("Employer registration")}
    )


def _market_initial(request: HttpRequest) -> dict[str, Any]:
    """The market a form starts with: the one the applicant came from, if any."""
    market = _record_number(request.GET.get("market"))
    if market is not None:
        return {"market": market}
    remembered = request.session.get(session.MARKET)
    return {"market": remembered} if isinstance(remembered, int) else {}


def _errors_on_form(form: Any, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@applicant_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The job seeker keeps their profile current; an edit keeps the history."""
    applicant = _applicant(request)
    seeker = selectors.seeker_profile_get(applicant=applicant)
    if seeker is None:
        raise Http404
    form = SeekerProfileForm(request.POST or None, initial=selectors.seeker_profile_initial(seeker))
    if request.method == "POST" and form.is_valid():
        try:
            services.online_seeker_update(applicant=applicant, changes=form.changes())
        except ValidationError as error:
            _errors_on_form(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("portal:online:home")
    return render(
        request,
        "portal/online/form_page.html",
        {"form": form, "title": _("My job-seeker profile"), "applicant": applicant},
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def posting_new(request: HttpRequest) -> HttpResponse:
    """An employer submits a posting: reviewed by the market's officers before it is shown."""
    applicant = _applicant(request)
    form = PostingForm(request.POST or None, initial=_market_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.online_posting_submit(
                applicant=applicant,
                market=form.cleaned_data["market"],
                data=form.posting_data(),
            )
        except ValidationError as error:  # IntakeRefused too
            _errors_on_form(form, error)
        else:
            messages.success(
                request,
                _("Your posting is submitted: the market reviews it before it is shown."),
            )
            assert posting.case_id is not None  # noqa: S101 - taken in with its review case
            return redirect("portal:online:case", posting.case_id)
    return render(
        request,
        "portal/online/form_page.html",
        {"form": form, "title": _("Submit a job posting"), "applicant": applicant},
    )


POSTINGS_SHOWN = 100


@applicant_required
def postings(request: HttpRequest) -> HttpResponse:
    """The employer's postings, newest first, each with its state and last working day."""
    applicant = _applicant(request)
    own = list(selectors.posting_list_of_employer(applicant=applicant)[:POSTINGS_SHOWN])
    return render(
        request,
        "portal/online/postings.html",
        {"applicant": applicant, "postings": own, "shown": POSTINGS_SHOWN},
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def posting(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the employer's postings: mark it filled, extend it, withdraw it (each reaches the
    screens, the kiosk and the board at their next request, and the provincial feed)."""
    applicant = _applicant(request)
    own = selectors.posting_get_own(applicant=applicant, pk=pk)
    extend = ExtendForm(initial={"end_date": own.end_date})
    withdraw = WithdrawForm()
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action == "fill":
            services.online_posting_fill(applicant=applicant, posting=own)
            messages.success(request, _("Your posting is marked filled: it leaves the screens."))
            return redirect("portal:online:posting", own.pk)
        if action == "extend":
            extend = ExtendForm(request.POST)
            if extend.is_valid():
                services.online_posting_extend(
                    applicant=applicant, posting=own, end_date=extend.cleaned_data["end_date"]
                )
                messages.success(request, _("Your posting is extended."))
                return redirect("portal:online:posting", own.pk)
        if action == "withdraw":
            withdraw = WithdrawForm(request.POST)
            if withdraw.is_valid():
                services.online_posting_withdraw(
                    applicant=applicant, posting=own, reason=withdraw.cleaned_data["reason"]
                )
                messages.success(request, _("Your posting is withdrawn."))
                return redirect("portal:online:posting", own.pk)
    except ValidationError as error:
        _errors_on_form(extend if action == "extend" else withdraw, error)
    except CaseActionError as error:
        messages.error(request, str(error))
        return redirect("portal:online:posting", own.pk)
    return render(
        request,
        "portal/online/posting.html",
        {
            "applicant": applicant,
            "posting": own,
            "actions": selectors.posting_actions_for_employer(own),
            "extend": extend,
            "withdraw": withdraw,
        },
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def posting_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The employer corrects their posting returned with a single notice: checked and screened
    again, the notice's items received, back in review (``posting_resubmit``)."""
    applicant = _applicant(request)
    own = selectors.posting_get_own(applicant=applicant, pk=pk)
    if not selectors.posting_actions_for_employer(own).correct:
        messages.error(request, _("This posting is not waiting for your corrections."))
        return redirect("portal:online:posting", own.pk)
    form = PostingCorrectionForm(request.POST or None, initial=posting_correction_initial(own))
    if request.method == "POST" and form.is_valid():
        try:
            services.online_posting_resubmit(
                applicant=applicant, posting=own, data=form.posting_data()
            )
        except ValidationError as error:
            _errors_on_form(form, error)
        except CaseActionError as error:
            messages.error(request, str(error))
            return redirect("portal:online:posting", own.pk)
        else:
            messages.success(
                request, _("Your corrections are handed in: the market reviews the posting again.")
            )
            return redirect("portal:online:posting", own.pk)
    return render(
        request,
        "portal/online/form_page.html",
        {"form": form, "title": _("Correct the job posting"), "applicant": applicant},
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the applicant's cases: its state and due date, the posting it reviews, the single
    notice if one was issued (hand in the missing items here), withdraw."""
    applicant = _applicant(request)
    own = selectors.case_get_own(applicant=applicant, pk=pk)
    detail = selectors.case_detail_for_applicant(case=own)
    hand_in = HandInForm(items=detail.pending_items)
    withdraw = WithdrawForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "hand_in":
                hand_in = HandInForm(request.POST, request.FILES, items=detail.pending_items)
                if hand_in.is_valid():
                    services.online_materials_hand_in(
                        applicant=applicant, case=own, uploads=hand_in.uploads()
                    )
                    messages.success(request, _("Thank you: your materials are handed in."))
                    return redirect("portal:online:case", own.pk)
            elif request.POST.get("action") == "withdraw":
                withdraw = WithdrawForm(request.POST)
                if withdraw.is_valid():
                    services.online_case_withdraw(
                        applicant=applicant, case=own, reason=withdraw.cleaned_data["reason"]
                    )
                    messages.success(request, _("Your request is withdrawn."))
                    return redirect("portal:online:case", own.pk)
        except ValidationError as error:
            _errors_on_form(hand_in if request.POST.get("action") == "hand_in" else withdraw, error)
        except CaseActionError as error:
            messages.error(request, str(error))
            return redirect("portal:online:case", own.pk)
        except StorageUnavailable:
            # Nothing was recorded (the hand-in is one transaction); a browser cannot keep the
            # chosen files across pages, so the message asks for them again.
            messages.error(
                request,
                _(
                    "Your files were not handed in: the file store cannot be reached just now. "
                    "Nothing was saved; please choose the files again in a few minutes."
                ),
            )
            return redirect("portal:online:case", own.pk)
    return render(
        request,
        "portal/online/case.html",
        {
            "applicant": applicant,
            "detail": detail,
            "case": own,
            "hand_in": hand_in,
            "withdraw": withdraw,
            "may_rate": ratable(own),
        },
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def case_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate one's own resolved case (好差评): the five levels and a comment, once."""
    applicant = _applicant(request)
    own = selectors.case_get_own(applicant=applicant, pk=pk)
    rating = rating_for_case(case=own)
    form = RatingForm(request.POST or None)
    if rating is None and not ratable(own):
        messages.error(request, _("This case can be rated once it is completed."))
        return redirect("portal:online:case", own.pk)
    if rating is None and request.method == "POST" and form.is_valid():
        try:
            rating_record(
                case=own,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                channel=RatingChannel.ONLINE,
                ip_address=request_ip(request),
            )
        except ValidationError as error:
            _errors_on_form(form, error)
        except CaseActionError as error:
            messages.error(request, str(error))
            return redirect("portal:online:case_rate", own.pk)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:online:case_rate", own.pk)
    return render(
        request,
        "portal/online/rate.html",
        {"applicant": applicant, "case": own, "rating": rating, "form": form},
    )


@applicant_required
def case_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The acceptance receipt of the applicant's case: the counter's receipt, read online."""
    applicant = _applicant(request)
    own = selectors.case_get_own(applicant=applicant, pk=pk)
    query = urlencode({"reference": own.reference})
    lookup_url = request.build_absolute_uri(
        f"{reverse('portal:kiosk_status', args=[own.market_id])}?{query}"
    )
    return render(
        request,
        "portal/online/receipt.html",
        {
            "applicant": applicant,
            "case": own,
            "receipt": receipt_for(case=own),
            "lookup_url": lookup_url,
        },
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def matches(request: HttpRequest) -> HttpResponse:
    """Jobs for the seeker: the best-fitting published postings with the reasons; apply with
    one button; the referrals and what came of them."""
    applicant = _applicant(request)
    if request.method == "POST":
        posting_id = _record_number(request.POST.get("posting"))
        if posting_id is None:
            raise Http404
        try:
            services.online_apply(applicant=applicant, posting_id=posting_id)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("You have applied: the market passes it on."))
        return redirect("portal:online:matches")
    referrals = selectors.referral_list_for_applicant(applicant=applicant)
    applied = {referral.posting_id for referral in referrals}
    return render(
        request,
        "portal/online/matches.html",
        {
            "applicant": applicant,
            "matches": selectors.matches_for_applicant(applicant=applicant),
            "referrals": referrals,
            "applied": applied,
        },
    )
