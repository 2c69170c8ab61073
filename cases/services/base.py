"""What the case services share: constants, locking the case, checking and running its
transitions, saving it with its clocks, cleaning typed text, notifying on commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.services import notification_send
from sla.services import deadlines_follow_state

from ..counters import case_counted_before, case_counts_move
from ..cover import message_for, recipient_route
from ..fsm import CaseActionError, row_locked, save_with_history, transition, transition_run
from ..identity import (
    name_clean,
    text_visible,
)
from ..models import (
    Case,
    State,
)

__all__ = [
    "CASE_SUBJECT",
    "FINISHED_STATES",
    "NAME_MAX",
    "REASON_MAX",
    "SUBJECT_MAX",
    "CaseActionError",
    "case_locked",
    "case_refused",
    "case_save",
    "case_transition",
    "case_transition_run",
    "notify_on_commit",
    "text_clean",
]

CASE_SUBJECT = "cases.case"
FINISHED_STATES = (State.RESOLVED, State.CLOSED, State.WITHDRAWN)
NAME_MAX = 100
SUBJECT_MAX = 200
REASON_MAX = 500


def case_locked(case: Case) -> Case:
    """The case row, locked until the transaction ends (with its market)."""
    return row_locked(Case, case.pk, related=("market",))


def text_clean(value: str, *, field: str, label: str, max_length: int | None = None) -> str:
    """Typed text as it is kept: without invisible characters (a value of nothing but
    control, zero-width or right-to-left characters is no value); a name also NFKC-normalised
    on one line (``name_clean``)."""
    value = name_clean(value) if field == "name" else text_visible(value or "", multiline=True)
    if not value:
        raise ValidationError({field: _("Enter the %(label)s.") % {"label": label}})
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            {
                field: _("The %(label)s may be at most %(max)d characters long.")
                % {"label": label, "max": max_length}
            }
        )
    return value


def case_refused(case: Case) -> str:
    """Why a transition of ``case`` is not possible now, for the user."""
    return _("Case %(reference)s is “%(state)s”: this action is not possible now.") % {
        "reference": case.reference,
        "state": case.get_state_display(),
    }


def case_transition_run(case: Case, verb: Callable[..., Any], actor: User, **kwargs: Any) -> None:
    """Run a transition of the state graph after checking state and right."""
    transition_run(verb, actor, refused=lambda: case_refused(case), **kwargs)


def case_save(case: Case, actor: User) -> None:
    """Save the case and let its clocks follow its state (限时办结): paused while the
    applicant gathers materials, stopped when it is finished, going on when reopened; the
    dashboard counters move the case from where they counted it (``cases.counters``)."""
    before = case_counted_before(case)
    save_with_history(case, actor)
    case.counted_as = case.counted_now()
    case_counts_move([(before, case.counted_as)])
    deadlines_follow_state(
        subject_type=CASE_SUBJECT,
        subject_id=case.pk,
        state=case.state,
        finished=case.state in FINISHED_STATES,
        withdrawn=case.state == State.WITHDRAWN,
        actor=actor,
        officer_id=case.owner_id,  # the dashboard counters count each clock under its owner
        market_id=case.market_id,  # and in its market (an accepted transfer moves them)
    )


def notify_on_commit(
    recipient: User | None,
    message: str,
    params: dict[str, Any],
    case: Case,
    *,
    market_id: int | None = None,
) -> None:
    """Put ``message`` (``cases.notification_messages``) in ``recipient``'s bell once the
    change commits; it is rendered in the reader's language when shown. While ``recipient``
    is away from the market (``market_id``, else the case's), their deputy gets it instead,
    in the wording that names them (``cases.cover``, AB岗)."""
    if recipient is None:
        return
    routed = recipient_route(recipient, market_id=market_id or case.market_id)
    message, params = message_for(routed, message, params)
    link = f"/cases/{case.pk}/"
    transaction.on_commit(
        partial(notification_send, recipient=routed.user, message=message, params=params, link=link)
    )


def case_transition(
    case: Case,
    verb: str,
    *,
    actor: User,
    kwargs: Mapping[str, Any] | None = None,
    save: Callable[[Case, User], None] = case_save,
    event: Callable[[Case], object] | None = None,
) -> Case:
    """The whole state change of a case (``cases.fsm.transition``): lock, check, run ``verb``,
    save with history and clocks (``case_save``, or ``save`` that calls it), audit ``event``."""
    return transition(
        case,
        verb,
        actor=actor,
        lock=case_locked,
        refused=case_refused,
        kwargs=kwargs,
        save=save,
        event=event,
    )
