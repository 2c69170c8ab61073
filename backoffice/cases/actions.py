"""The actions of the case page: which ones the user may take now, and what each one runs.

Each action is a form (input parsing) and one service call; the view around them is shared
(``views.case_action``). What is offered follows the state graph itself: django-fsm's
``can_proceed`` (the state allows it) and ``has_transition_perm`` (the user may), plus the
team-lead rights of ``cases.permissions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from accounts.models import User
from cases import permissions as can
from cases.kinds import kind_get
from cases.models import Case, SingleNotice, State
from cases.services import (
    case_claim,
    case_close,
    case_note_add,
    case_reassign,
    case_receive_materials,
    case_reopen,
    case_request_materials,
    case_resolve,
    case_transfer,
    case_withdraw,
    notice_item_add_later,
)

from . import forms as f


@dataclass(frozen=True)
class Action:
    form: type[f.CaseActionForm]
    run: Callable[[Any], str]  # calls one service with the valid form; returns the message
    label: Any  # the button


def _claim(form: f.EmptyForm) -> str:
    case = case_claim(actor=form.user, case=form.case)
    return _("You are now working on case %(reference)s.") % {"reference": case.reference}


def _transfer(form: f.TransferForm) -> str:
    data = form.cleaned_data
    transfer = case_transfer(
        actor=form.user,
        case=form.case,
        to_market=data["to_market"],
        to_user=data["to_user"],
        reason=data["reason"],
    )
    asked = data["to_user"]
    if asked is not None and transfer.to_user_id != asked.pk:  # away: sent to the deputy
        return _(
            "%(officer)s is away: case %(reference)s went to their deputy %(deputy)s, who "
            "is waiting to accept it."
        ) % {"officer": asked, "reference": form.case.reference, "deputy": transfer.to_user}
    return _("Case %(reference)s is waiting for %(receiver)s to accept it.") % {
        "reference": form.case.reference,
        "receiver": transfer.to_user or transfer.to_market,
    }


def _request_materials(form: f.RequestMaterialsForm) -> str:
    notice = case_request_materials(
        actor=form.user, case=form.case, items=list(form.cleaned_data["items"])
    )
    return _("The single notice is issued with %(count)d items; print it for the applicant.") % {
        "count": notice.items.count()
    }


def _receive_materials(form: f.ReceiveMaterialsForm) -> str:
    case = case_receive_materials(
        actor=form.user, case=form.case, items=list(form.cleaned_data["items"])
    )
    if case.state == State.AWAITING_MATERIALS:
        return _("Received. Some items are still outstanding.")
    return _("Every item is in: the case is back in progress.")


def _add_item(form: f.AddItemLaterForm) -> str:
    data = form.cleaned_data
    notice_item_add_later(
        actor=form.user,
        case=form.case,
        name=data["name"],
        reason=data["reason"],
        format=data["format"],
        copies=data["copies"],
        issuing_body=data["issuing_body"],
        breach_reason=data["breach_reason"],
    )
    return _("The item was added and recorded as a single-notice breach.")


def _resolve(form: f.OutcomeForm) -> str:
    case_resolve(actor=form.user, case=form.case, outcome=form.cleaned_data["outcome"])
    return _("Case %(reference)s is resolved.") % {"reference": form.case.reference}


def _close(form: f.EmptyForm) -> str:
    case_close(actor=form.user, case=form.case)
    return _("Case %(reference)s is closed.") % {"reference": form.case.reference}


def _reopen(form: f.ReasonForm) -> str:
    case_reopen(actor=form.user, case=form.case, reason=form.cleaned_data["reason"])
    return _("Case %(reference)s is open again.") % {"reference": form.case.reference}


def _withdraw(form: f.ReasonForm) -> str:
    case_withdraw(actor=form.user, case=form.case, reason=form.cleaned_data["reason"])
    return _("Case %(reference)s is withdrawn.") % {"reference": form.case.reference}


def _note(form: f.NoteForm) -> str:
    case_note_add(actor=form.user, case=form.case, text=form.cleaned_data["text"])
    return _("Your note is added.")


def _reassign(form: f.ReassignForm) -> str:
    case = case_reassign(actor=form.user, case=form.case, to_user=form.cleaned_data["to_user"])
    return _("Case %(reference)s is now with %(owner)s.") % {
        "reference": case.reference,
        "owner": case.owner,
    }


# The verb is the last segment of the URL (underscores become hyphens there).
ACTIONS: dict[str, Action] = {
    "claim": Action(f.EmptyForm, _claim, gettext_lazy("Claim")),
    "transfer": Action(f.TransferForm, _transfer, gettext_lazy("Transfer")),
    "request_materials": Action(
        f.RequestMaterialsForm, _request_materials, gettext_lazy("Issue the single notice")
    ),
    "receive_materials": Action(
        f.ReceiveMaterialsForm, _receive_materials, gettext_lazy("Record materials received")
    ),
    "add_item": Action(f.AddItemLaterForm, _add_item, gettext_lazy("Approve an extra item")),
    "resolve": Action(f.OutcomeForm, _resolve, gettext_lazy("Resolve")),
    "close": Action(f.EmptyForm, _close, gettext_lazy("Close")),
    "reopen": Action(f.ReasonForm, _reopen, gettext_lazy("Reopen")),
    "withdraw": Action(f.ReasonForm, _withdraw, gettext_lazy("Withdraw")),
    "note": Action(f.NoteForm, _note, gettext_lazy("Add note")),
    "reassign": Action(f.ReassignForm, _reassign, gettext_lazy("Reassign")),
}

_TRANSITIONS = {
    "claim": "claim",
    "transfer": "transfer",
    "request_materials": "request_materials",
    "receive_materials": "receive_materials",
    "resolve": "resolve",
    "close": "close",
    "reopen": "reopen",
    "withdraw": "withdraw",
}


def actions_allowed(*, case: Case, user: User, notice: SingleNotice | None) -> set[str]:
    """The verbs to offer ``user`` on ``case`` now (an inspector gets none)."""
    allowed = set()
    for verb, name in _TRANSITIONS.items():
        method = getattr(case, name)
        if can_proceed(method) and has_transition_perm(method, user):
            allowed.add(verb)
    if notice is not None:
        allowed.discard("request_materials")  # one notice per case; more is a breach
    kind = kind_get(case.kind)
    if kind is not None and kind.resolved_by_service:
        allowed.discard("resolve")  # finished on the service's own page
    if can.lead(case, user) and case.is_open:
        if notice is not None:
            allowed.add("add_item")
        if case.state != State.TRANSFER_PENDING:
            allowed.add("reassign")
    if can.work_on(case, user) or case.first_contact_officer_id == user.pk:
        allowed.add("note")
    return allowed


def may_reveal_id(*, case: Case, user: User) -> bool:
    return bool(case.applicant.id_number_masked) and can.work_on(case, user)
