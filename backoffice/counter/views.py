"""The counter pages of instant quick hiring (即时快招, standard art. 2, 12): take a posting and
publish it in the same sitting, the moderation queue, register a seeker, the seeker's page with
guidance (art. 18), matches and referrals, and the posting's page with the matching seekers.

Keyboard first: the first field has focus, Enter submits, defaults come from the officer's
market. Thin views: parse, call one service or read, turn a domain error into a message; bad
input re-renders the page with every field as typed and the service's messages on the fields.

Officers and team leads of a market work here; inspectors read the pages of the markets in
their regions (the forms are 403 for them); a posting or seeker of a market one may not see is
404; administrators (三员分立) get 403 everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from cases import permissions as can
from cases.identity import mobile_mask, mobile_normalise
from cases.intake import ApplicantGiven
from cases.models import Case, Channel, State
from cases.receipt_selectors import case_latest_opened_by
from cases.selectors import applicant_markets_served_by
from cases.services import CaseActionError
from markets.models import Market, Region
from markets.selectors import market_ids_visible_to, market_list_visible_to, market_list_worked_in
from workflows.guidance.matching import match_postings, match_seekers
from workflows.guidance.models import Referral
from workflows.guidance.selectors import (
    hired_count_by_posting,
    referral_list_for_posting,
    referral_list_for_seeker,
)
from workflows.guidance.services import referral_outcome_set, referral_record
from workflows.postings.models import Occupation, Posting, Status
from workflows.postings.screening import BASES, CATEGORY_LABELS, SEVERITY_LABELS, screen_posting
from workflows.postings.selectors import (
    EXPIRING_WITHIN_DAYS,
    occupation_list_for_postings,
    posting_get_visible,
    posting_list_for_staff,
    posting_notice_items,
)
from workflows.postings.services import (
    posting_extend,
    posting_fill,
    posting_publish,
    posting_reject,
    posting_resubmit,
    posting_return_for_correction,
    posting_take_in,
    posting_withdraw,
)
from workflows.postings.validation import LABELS as POSTING_LABELS
from workflows.postings.validation import SCREENED, finding_as_json
from workflows.seekers.kinds import SEEKER_REGISTRATION
from workflows.seekers.models import DifficultyCategory, SeekerProfile, Weekday
from workflows.seekers.selectors import (
    seeker_get_by_id_number,
    seeker_get_visible,
    seeker_missing_items,
)
from workflows.seekers.services import guidance_item_record, seeker_register, seeker_update

from ..common.access import (
    back_office_required,
    market_staff_required,
    staff_user,
    visible_or_404,
)
from ..common.forms import errors_from
from ..common.intake import receipt_offer
from ..common.once import submit_once
from . import forms as counter_forms

PAGE_SIZE = 25

# --- Reads for these pages --------------------------------------------------------------------


def _seekers() -> QuerySet[SeekerProfile]:
    seekers: QuerySet[SeekerProfile] = SeekerProfile.objects.select_related(
        "applicant", "home_county"
    ).defer("applicant__id_number", "applicant__mobile")
    return seekers


def _seeker_market(user: User, seeker: SeekerProfile) -> Market | None:
    """Where the user serves this seeker: the market of theirs the seeker registered at,
    else their first market; None for someone who works in no market."""
    markets = market_list_worked_in(user=user)
    registered = set(
        Case.objects.filter(
            kind=SEEKER_REGISTRATION.code,
            applicant=seeker.applicant_id,
            market__in=markets,
        ).values_list("market_id", flat=True)
    )
    return next((m for m in markets if m.pk in registered), markets[0] if markets else None)


def _findings_shown(findings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Findings of the content screen (as a posting stores them) in the page's words."""
    return [
        {
            **finding,
            "field_label": POSTING_LABELS.get(finding.get("field", ""), finding.get("field", "")),
            "category_label": CATEGORY_LABELS.get(finding["category"], finding["category"]),
            # The citation in today's language, whatever language it was stored in.
            "basis": BASES.get(finding["category"], finding.get("basis", "")),
            "severity_label": SEVERITY_LABELS.get(finding["severity"], finding["severity"]),
        }
        for finding in findings
    ]


def _findings_of_input(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What the content screen finds in the free text just typed (shown beside a refusal)."""
    found = []
    for name in SCREENED:
        text = data.get(name)
        if isinstance(text, str) and text:
            found += [
                finding_as_json(finding) | {"field": name} for finding in screen_posting(text)
            ]
    return _findings_shown(found)


def _datalists(market: Market | None) -> dict[str, Any]:
    return {
        "occupations": occupation_list_for_postings(
            markets=[market.pk] if market is not None else None
        ),
        "counties": counter_forms.counties_near(market),
    }


# --- Take a posting ---------------------------------------------------------------------------


@market_staff_required
@submit_once
def posting_new(request: HttpRequest) -> HttpResponse:
    """/counter/postings/new/: "Publish now" (the first button: Enter) or "Save for review"."""
    user = staff_user(request)
    markets = market_list_worked_in(user=user)
    if not markets:
        raise PermissionDenied
    form = counter_forms.PostingCounterForm(request.POST or None, markets=markets)
    findings: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        market = form.chosen_market()
        if market is None:
            raise PermissionDenied
        data = form.posting_data()
        try:
            posting = posting_take_in(
                actor=user,
                market=market,
                employer=ApplicantGiven(**form.employer()),
                data=data,
                publish=request.POST.get("decision") != form.REVIEW,
                use_registered_name=form.cleaned_data["use_registered_name"],
            )
        except ValidationError as error:
            errors_from(form, error)
            findings = _findings_of_input(data)
        except CaseActionError as error:
            form.add_error(None, str(error))
        else:
            _posting_taken_message(request, posting)
            if posting.case is not None:
                receipt_offer(request, posting.case)
            return redirect("backoffice:counter_posting", pk=posting.pk)
    form.focus_first_error()
    return render(
        request,
        "backoffice/counter/posting_new.html",
        {
            "form": form,
            "findings": findings,
            **_datalists(form.default_market),
        },
    )


def _posting_taken_message(request: HttpRequest, posting: Posting) -> None:
    if posting.status == Status.PUBLISHED:
        messages.success(
            request, _("The posting “%(posting)s” is published.") % {"posting": posting}
        )
        return
    reference = posting.case.reference if posting.case is not None else ""
    messages.success(
        request,
        _("The posting “%(posting)s” is saved for review (case %(reference)s).")
        % {"posting": posting, "reference": reference},
    )


# --- The moderation queue and the posting's page ----------------------------------------------


def _actions_for(user: User, posting: Posting) -> dict[str, bool]:
    """What the user may do to a posting now (the services check again): review it, correct
    it once returned, and keep it current once published (fill, withdraw, extend)."""
    in_review = posting.status == Status.IN_REVIEW
    published = posting.status == Status.PUBLISHED
    case_ready = posting.case is not None and posting.case.state == State.IN_PROGRESS
    returned = posting.case is not None and posting.case.state == State.AWAITING_MATERIALS
    staff = can.works_in(user, posting.market_id)
    return {
        "publish": in_review and case_ready and staff,
        "return": in_review and case_ready and staff,
        "reject": in_review and case_ready and can.leads(user, posting.market_id),
        "correct": in_review
        and returned
        and posting.case is not None
        and can.work_on(posting.case, user),
        "fill": published and staff,
        "withdraw": posting.status in (Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED) and staff,
        "extend": (published or in_review) and staff,
    }


def _action_forms(
    posting: Posting,
    bound: tuple[str, Any] | None = None,
    *,
    corrections: list[tuple[int, str]] | None = None,
) -> dict[str, Any]:
    """The forms of a posting's actions (``corrections``: the return form's choices, read once
    by a page showing many postings)."""
    prefix = f"id_posting{posting.pk}_%s"
    made: dict[str, Any] = {
        "return": counter_forms.PostingReturnForm(
            auto_id=prefix.replace("%s", "return_%s"), choices=corrections
        ),
        "reject": counter_forms.PostingRejectForm(auto_id=prefix.replace("%s", "reject_%s")),
        "withdraw": counter_forms.PostingWithdrawForm(auto_id=prefix.replace("%s", "withdraw_%s")),
        "extend": counter_forms.PostingExtendForm(
            auto_id=prefix.replace("%s", "extend_%s"),
            initial={"end_date": posting.end_date.isoformat()},
        ),
    }
    if bound is not None:
        made[bound[0]] = bound[1]
    return made


@back_office_required
@require_GET
def posting_queue(request: HttpRequest) -> HttpResponse:
    """/counter/postings/: the postings in review of the markets one may see, oldest first."""
    user = staff_user(request)
    postings = (
        Posting.objects.filter(
            market_id__in=market_ids_visible_to(user=user), status=Status.IN_REVIEW
        )
        .select_related("occupation", "industry", "county", "market", "employer", "case")
        .defer("employer__id_number", "employer__mobile")
        .order_by("created_at", "pk")
    )
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    corrections = counter_forms.PostingReturnForm.item_choices() if page else []
    rows = [
        {
            "posting": posting,
            "findings": _findings_shown(posting.screening_findings),
            "may": _actions_for(user, posting),
            "forms": _action_forms(posting, corrections=corrections),
        }
        for posting in page
    ]
    return render(
        request,
        "backoffice/counter/postings.html",
        {"page": page, "rows": rows, "can_take": bool(can.market_roles(user))},
    )


def _posting_page(
    request: HttpRequest, posting: Posting, *, bound: tuple[str, Any] | None = None
) -> HttpResponse:
    user = staff_user(request)
    visible = market_ids_visible_to(user=user)
    matches = match_seekers(posting) if posting.status == Status.PUBLISHED else []
    registered_visible = Case.objects.filter(
        kind=SEEKER_REGISTRATION.code, market_id__in=visible, applicant=OuterRef("applicant")
    )
    visible_seeker_ids = set(
        SeekerProfile.objects.filter(
            Exists(registered_visible), pk__in=[match.seeker.pk for match in matches]
        ).values_list("pk", flat=True)
    )
    return render(
        request,
        "backoffice/counter/posting_detail.html",
        {
            "posting": posting,
            "findings": _findings_shown(posting.screening_findings),
            "may": _actions_for(user, posting),
            "may_correct_employer": can.works_in(user, posting.market_id),
            "forms": _action_forms(posting, bound),
            "matches": matches,
            "referrals": referral_list_for_posting(posting=posting),
            "visible_seeker_ids": visible_seeker_ids,
        },
    )


@back_office_required
@require_GET
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """/counter/postings/<pk>/: the posting, its screen findings, and the seekers it suits."""
    return _posting_page(
        request, visible_or_404(posting_get_visible, user=staff_user(request), pk=pk)
    )


@back_office_required
@require_POST
@submit_once
def posting_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """/counter/postings/<pk>/publish|return|reject|fill|withdraw|extend/: one service each;
    back to the posting's page (or to the list it was done from)."""
    posting = visible_or_404(posting_get_visible, user=staff_user(request), pk=pk)
    user = staff_user(request)
    if not can.works_in(user, posting.market_id):
        raise PermissionDenied
    form: Any = None
    values: dict[str, str] = {}
    try:
        if verb == "publish":
            posting_publish(actor=user, posting=posting)
            done = _("The posting “%(posting)s” is published.")
        elif verb == "fill":
            posting_fill(actor=user, posting=posting)
            done = _("The posting “%(posting)s” is marked filled: it leaves the screens.")
        elif verb == "withdraw":
            form = counter_forms.PostingWithdrawForm(request.POST)
            if not form.is_valid():
                return _posting_page(request, posting, bound=(verb, form))
            posting_withdraw(actor=user, posting=posting, reason=form.cleaned_data["reason"])
            done = _("The posting “%(posting)s” is withdrawn: it leaves the screens.")
        elif verb == "extend":
            form = counter_forms.PostingExtendForm(request.POST)
            if not form.is_valid():
                return _posting_page(request, posting, bound=(verb, form))
            extended = posting_extend(
                actor=user, posting=posting, end_date=form.cleaned_data["end_date"]
            )
            done = _("The posting “%(posting)s” now runs until %(date)s.")
            values["date"] = extended.end_date.isoformat()
        elif verb == "return":
            form = counter_forms.PostingReturnForm(request.POST)
            if not form.is_valid():
                return _posting_page(request, posting, bound=(verb, form))
            posting_return_for_correction(
                actor=user, posting=posting, items=list(form.cleaned_data["items"])
            )
            done = _("The posting “%(posting)s” is returned to the employer for correction.")
        else:
            form = counter_forms.PostingRejectForm(request.POST)
            if not form.is_valid():
                return _posting_page(request, posting, bound=(verb, form))
            posting_reject(actor=user, posting=posting, reason=form.cleaned_data["reason"])
            done = _("The posting “%(posting)s” is rejected.")
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect("backoffice:counter_posting", pk=posting.pk)
        errors_from(form, error)
        return _posting_page(request, posting, bound=(verb, form))
    except CaseActionError as error:
        messages.error(request, str(error))
        return redirect("backoffice:counter_posting", pk=posting.pk)
    except PermissionDenied:
        messages.error(request, _("You may not do this to this posting."))
        return redirect("backoffice:counter_posting", pk=posting.pk)
    messages.success(request, done % {"posting": posting, **values})
    if request.POST.get("next") == "queue":
        return redirect("backoffice:counter_postings")
    if request.POST.get("next") == "published":
        return redirect(_published_back(request))
    return redirect("backoffice:counter_posting", pk=posting.pk)


def _published_back(request: HttpRequest) -> str:
    """The list of published postings with the filters it was left with (only its own query
    string: never an address from outside)."""
    url = reverse("backoffice:counter_postings_published")
    query = request.POST.get("list_query", "")
    return f"{url}?{QueryDict(query).urlencode()}" if query else url


# --- Published postings: kept current ----------------------------------------------------------


@back_office_required
@require_GET
def posting_published(request: HttpRequest) -> HttpResponse:
    """/counter/postings/published/: the published (or filled) postings of the markets one
    may see, filtered by market, occupation and "ending within 3 days", a page at a time,
    with the hires recorded against each and the actions that keep it current."""
    user = staff_user(request)
    markets = list(market_list_visible_to(user=user))
    form = counter_forms.PublishedPostingFilterForm(request.GET or None, markets=markets)
    filters = form.filters()
    postings = posting_list_for_staff(market_ids=[m.pk for m in markets], **filters)
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    hired = hired_count_by_posting(posting_ids=[posting.pk for posting in page])
    rows = [
        {
            "posting": posting,
            "hired": hired.get(posting.pk, 0),
            "may": _actions_for(user, posting),
            "forms": _action_forms(posting),
        }
        for posting in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/counter/published.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filters": filters,
            "list_query": query.urlencode(),
            "occupations": occupation_list_for_postings(),
            "expiring_until": timezone.localdate() + timedelta(days=EXPIRING_WITHIN_DAYS),
        },
    )


# --- Correcting a returned posting ---------------------------------------------------------------


@market_staff_required
@submit_once
def posting_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """/counter/postings/<pk>/correct/: the employer's corrections to a posting returned for
    correction, on a form filled in from the record; resubmitted, they are checked and screened
    again and the posting is back in review (posting_resubmit)."""
    user = staff_user(request)
    posting = visible_or_404(posting_get_visible, user=user, pk=pk)
    if not _actions_for(user, posting)["correct"]:
        messages.error(request, _("This posting is not waiting for corrections from you."))
        return redirect("backoffice:counter_posting", pk=posting.pk)
    form = counter_forms.PostingCorrectionForm(
        request.POST or None, market=posting.market, initial=counter_forms.posting_initial(posting)
    )
    findings: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        data = form.posting_data()
        try:
            posting_resubmit(actor=user, posting=posting, data=data)
        except ValidationError as error:
            errors_from(form, error)
            findings = _findings_of_input(data)
        except CaseActionError as error:
            form.add_error(None, str(error))
        except PermissionDenied:
            form.add_error(None, _("You may not do this to this posting."))
        else:
            messages.success(
                request,
                _("The corrections to “%(posting)s” are in: it is back in review.")
                % {"posting": posting},
            )
            return redirect("backoffice:counter_posting", pk=posting.pk)
    form.focus_first_error()
    return render(
        request,
        "backoffice/counter/posting_correct.html",
        {
            "posting": posting,
            "form": form,
            "findings": findings,
            "notice_items": posting_notice_items(posting=posting),
            **_datalists(posting.market),
        },
    )


# --- Register a seeker ------------------------------------------------------------------------


@market_staff_required
@submit_once
def seeker_new(request: HttpRequest) -> HttpResponse:
    """/counter/seekers/new/: register (or update) a job seeker, then their page."""
    user = staff_user(request)
    markets = market_list_worked_in(user=user)
    if not markets:
        raise PermissionDenied
    form = counter_forms.SeekerCounterForm(request.POST or None, markets=markets)
    if request.method == "POST" and form.is_valid():
        market = form.chosen_market()
        if market is None:
            raise PermissionDenied
        data = form.cleaned_data
        known = _seeker_known(data["id_number"])
        if known is not None:
            # A known ID number: nothing is written; the record and the changes typed are
            # shown side by side, on the update form (issue 13: a blank never erases).
            return _seeker_update_page(
                request,
                known,
                form=counter_forms.SeekerUpdateForm(
                    markets=markets,
                    initial={
                        **counter_forms.seeker_initial(known),
                        **counter_forms.seeker_entered_changes(form, known),
                        "id_number": data["id_number"],
                        **({"market": market.pk} if "market" in form.fields else {}),
                    },
                ),
                entered=form,
            )
        try:
            seeker = seeker_register(
                actor=user,
                market=market,
                channel=Channel.COUNTER,
                name=data["name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                profile=form.profile(),
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            _name_kept_message(request, seeker, data["name"])
            missing = _profile_words(seeker)["missing_labels"]
            if missing:
                messages.warning(
                    request,
                    _("%(name)s is registered; still missing: %(missing)s.")
                    % {"name": seeker.applicant.name, "missing": "、".join(map(str, missing))},
                )
            else:
                messages.success(
                    request, _("%(name)s is registered.") % {"name": seeker.applicant.name}
                )
            visit = case_latest_opened_by(
                actor=user, applicant=seeker.applicant, kind=SEEKER_REGISTRATION.code
            )
            if visit is not None:
                receipt_offer(request, visit)
            return redirect("backoffice:counter_seeker", pk=seeker.pk)
    form.focus_first_error()
    return render(
        request,
        "backoffice/counter/seeker_new.html",
        {"form": form, **_datalists(form.default_market)},
    )


def _name_kept_message(request: HttpRequest, seeker: SeekerProfile, typed: str) -> None:
    """The person was known (from another service) under another name: registered under the
    name on record, the one typed shown, not written."""
    if "".join(typed.split()) != "".join(seeker.applicant.name.split()):
        messages.warning(
            request,
            _(
                "This ID number is registered as “%(registered)s”, not “%(given)s”: the name on "
                "record is kept. Correct it on the applicant's page if it really changed."
            )
            % {"registered": seeker.applicant.name, "given": typed.strip()},
        )


# --- A known seeker: the record beside what was typed, and the deliberate update ------------


def _seeker_known(id_number: str) -> SeekerProfile | None:
    try:
        return seeker_get_by_id_number(id_number=id_number)
    except ValidationError:
        return None  # the registration refuses it with its own words


def _shown(name: str, value: Any) -> str:
    """A profile value as typed or as on record, in words where it is a choice."""
    field = counter_forms.SeekerCounterForm.base_fields[name]
    labels = {str(key): str(label) for key, label in getattr(field, "choices", [])}
    if isinstance(value, list | tuple):
        return "、".join(labels.get(str(item), str(item)) for item in value) or "—"
    text = str(value or "").strip()
    return labels.get(text, text) or "—"


def _side_by_side(
    seeker: SeekerProfile, entered: counter_forms.SeekerCounterForm
) -> list[dict[str, Any]]:
    """Rows of "on record" and "typed now" for what differs: the profile's changes (to be
    written if the officer keeps them on the update form), and the name and mobile, which this
    page never writes (a conflict to check, or a correction on the applicant's page)."""
    applicant = seeker.applicant
    record = counter_forms.seeker_initial(seeker)
    fields = counter_forms.SeekerCounterForm.base_fields
    rows = []
    name = entered.cleaned_data.get("name", "").strip()
    if name and "".join(name.split()) != "".join(applicant.name.split()):
        rows.append(
            {
                "field": "name",
                "label": fields["name"].label,
                "record": applicant.name,
                "entered": name,
                "kept": True,
            }
        )
    mobile = entered.cleaned_data.get("mobile", "").strip()
    if mobile and _mobile_mask_typed(mobile) != applicant.mobile_masked:
        rows.append(
            {
                "field": "mobile",
                "label": fields["mobile"].label,
                "record": applicant.mobile_masked or "—",
                "entered": _mobile_mask_typed(mobile),
                "kept": True,
            }
        )
    for field, value in counter_forms.seeker_entered_changes(entered, seeker).items():
        rows.append(
            {
                "field": field,
                "label": fields[field].label,
                "record": _shown(field, record[field]),
                "entered": _shown(field, value),
                "kept": False,
            }
        )
    return rows


def _mobile_mask_typed(value: str) -> str:
    try:
        return mobile_mask(mobile_normalise(value))
    except ValidationError:
        return value


def _seeker_update_page(
    request: HttpRequest,
    seeker: SeekerProfile,
    *,
    form: counter_forms.SeekerUpdateForm,
    entered: counter_forms.SeekerCounterForm | None = None,
) -> HttpResponse:
    form.focus_first_error()
    user = staff_user(request)
    return render(
        request,
        "backoffice/counter/seeker_update.html",
        {
            "seeker": seeker,
            **_profile_words(seeker),
            "form": form,
            "rows": _side_by_side(seeker, entered) if entered is not None else [],
            "known": entered is not None,
            "visible": _seeker_is_visible(request, seeker.pk),
            "may_change_applicant": bool(
                applicant_markets_served_by(user=user, applicant=seeker.applicant)
            ),
            **_datalists(form.default_market),
        },
    )


def _seeker_is_visible(request: HttpRequest, pk: int) -> bool:
    try:
        visible_or_404(seeker_get_visible, user=staff_user(request), pk=pk)
    except Http404:
        return False
    return True


@market_staff_required
def seeker_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """/counter/seekers/<pk>/update/: the profile on record in an editable form; only what is
    changed on it is written (seeker_update). Reached from the seeker's page, or from the
    registration form when the ID number typed is known: an officer who holds the person's ID
    number (the hidden field, checked against the record) may update them there."""
    user = staff_user(request)
    markets = market_list_worked_in(user=user)
    if not markets:
        raise PermissionDenied
    seeker = _seekers().filter(pk=pk).first()
    if seeker is None:
        raise Http404
    if not _seeker_is_visible(request, seeker.pk):
        typed = request.POST.get("id_number", "")
        known = _seeker_known(typed) if request.method == "POST" else None
        if known is None or known.pk != seeker.pk:
            raise Http404
    form = counter_forms.SeekerUpdateForm(
        request.POST or None,
        markets=markets,
        initial={
            **counter_forms.seeker_initial(seeker),
            "id_number": seeker.applicant.id_number_masked,
        },
    )
    if request.method == "POST" and form.is_valid():
        market = form.chosen_market()
        if market is None:
            raise PermissionDenied
        try:
            visit = seeker_update(actor=user, market=market, seeker=seeker, changes=form.changes())
        except ValidationError as error:
            errors_from(form, error)
        else:
            fields = counter_forms.SeekerCounterForm.base_fields
            if visit.changed:
                labels = [str(fields[f].label) if f in fields else f for f in visit.changed]
                messages.success(
                    request,
                    _("%(name)s's registration is updated: %(fields)s.")
                    % {"name": seeker.applicant.name, "fields": "、".join(labels)},
                )
            else:
                messages.info(
                    request,
                    _("Nothing changed: %(name)s's registration is as it was.")
                    % {"name": seeker.applicant.name},
                )
            return redirect("backoffice:counter_seeker", pk=seeker.pk)
    return _seeker_update_page(request, seeker, form=form)


# --- The seeker's page: guidance, matches, referrals -----------------------------------------


def _profile_words(seeker: SeekerProfile) -> dict[str, Any]:
    """The profile's codes in words: occupations and areas by name, days and categories by
    their labels, what a complete registration still lacks."""
    occupations = dict(
        Occupation.objects.filter(code__in=seeker.wanted_occupations).values_list("code", "name")
    )
    areas = dict(Region.objects.filter(code__in=seeker.wanted_areas).values_list("code", "name"))
    days = dict(Weekday.choices)
    categories = dict(DifficultyCategory.choices)
    missing = seeker_missing_items(seeker=seeker)
    fields = counter_forms.SeekerCounterForm.base_fields
    return {
        "occupations_wanted": [(c, occupations.get(c, "")) for c in seeker.wanted_occupations],
        "areas_wanted": [(c, areas.get(c, c)) for c in seeker.wanted_areas],
        "day_labels": [days[d] for d in seeker.available_days if d in days],
        "category_labels": [categories.get(c, c) for c in seeker.difficulty_categories],
        "missing": missing,
        "missing_labels": [fields[f].label if f in fields else f for f in missing],
        "age": seeker.age(),
    }


def _seeker_page(
    request: HttpRequest,
    seeker: SeekerProfile,
    *,
    guidance_form: counter_forms.GuidanceItemForm | None = None,
) -> HttpResponse:
    user = staff_user(request)
    referrals = _referrals_of(seeker)
    return render(
        request,
        "backoffice/counter/seeker_detail.html",
        {
            "seeker": seeker,
            **_profile_words(seeker),
            "guidance_items": seeker.guidance_items.select_related("officer", "market"),
            "guidance_form": guidance_form or counter_forms.GuidanceItemForm(),
            "matches": match_postings(seeker),
            "referrals": referrals,
            "referred_posting_ids": {row["referral"].posting_id for row in referrals},
            "works": bool(can.market_roles(user)),
            "visible_market_ids": set(market_ids_visible_to(user=user)),
        },
    )


@back_office_required
@require_GET
def seeker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """/counter/seekers/<pk>/: the profile (ID number and mobile masked), guidance, matches
    with their reasons, referrals with their outcomes."""
    return _seeker_page(
        request, visible_or_404(seeker_get_visible, user=staff_user(request), pk=pk)
    )


@market_staff_required
@require_POST
@submit_once
def seeker_guidance(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = visible_or_404(seeker_get_visible, user=staff_user(request), pk=pk)
    user = staff_user(request)
    form = counter_forms.GuidanceItemForm(request.POST)
    if form.is_valid():
        try:
            item = guidance_item_record(
                actor=user,
                seeker=seeker,
                item=form.cleaned_data["item"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                market=_seeker_market(user, seeker),
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("Guidance recorded: %(item)s.") % {"item": item})
            return redirect("backoffice:counter_seeker", pk=seeker.pk)
    return _seeker_page(request, seeker, guidance_form=form)


def _referrals_of(seeker: SeekerProfile) -> list[dict[str, Any]]:
    """The seeker's referrals, newest first, each with the form for its next outcome."""
    rows = []
    for referral in referral_list_for_seeker(seeker=seeker):
        form = counter_forms.ReferralOutcomeForm(referral=referral)
        rows.append({"referral": referral, "form": form if form["outcome"].field.choices else None})  # type: ignore[attr-defined]
    return rows


@market_staff_required
@require_POST
@submit_once
def seeker_refer(request: HttpRequest, pk: int) -> HttpResponse:
    """Recommend a published posting to the seeker, with the match's score and reasons."""
    seeker = visible_or_404(seeker_get_visible, user=staff_user(request), pk=pk)
    form = counter_forms.ReferralForm(request.POST)
    posting = (
        Posting.objects.filter(pk=form.cleaned_data["posting"], status=Status.PUBLISHED)
        .select_related("occupation", "county", "market")
        .first()
        if form.is_valid()
        else None
    )
    if posting is None:
        messages.error(request, _("This posting is not published: it cannot be recommended."))
        return redirect("backoffice:counter_seeker", pk=seeker.pk)
    try:
        referral_record(
            actor=staff_user(request),
            seeker=seeker,
            posting=posting,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except CaseActionError as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("You may not recommend this posting."))
    else:
        messages.success(
            request,
            _("“%(posting)s” is recommended to %(name)s.")
            % {"posting": posting, "name": seeker.applicant.name},
        )
    return redirect(f"{reverse('backoffice:counter_seeker', args=[seeker.pk])}#referrals")


@market_staff_required
@require_POST
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what came of a referral (referred, interviewed, hired, declined)."""
    referral = Referral.objects.filter(pk=pk).select_related("posting").first()
    if referral is None:
        raise Http404
    seeker = visible_or_404(seeker_get_visible, user=staff_user(request), pk=referral.seeker_id)
    back = f"{reverse('backoffice:counter_seeker', args=[seeker.pk])}#referrals"
    form = counter_forms.ReferralOutcomeForm(request.POST, referral=referral)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome this referral can have now."))
        return redirect(back)
    try:
        referral_outcome_set(
            actor=staff_user(request),
            referral=referral,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except CaseActionError as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("You may not record the outcome of this referral."))
    else:
        messages.success(request, _("The outcome of the referral is recorded."))
    return redirect(back)
