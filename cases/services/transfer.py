"""Transfers to an officer or another market's team, accepted or declined by the receiver."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from markets.models import Market

from .. import events
from .. import permissions as can
from ..cover import recipient_route
from ..fsm import save_with_history
from ..models import (
    Case,
    Transfer,
)
from ..notification_messages import (
    CASE_TRANSFER_ACCEPTED,
    CASE_TRANSFER_DECLINED,
    CASE_TRANSFERRED,
)
from .base import (
    CaseActionError,
    case_locked,
    case_save,
    case_transition_run,
    notify_on_commit,
    text_clean,
)


@transaction.atomic
def case_transfer(
    *,
    actor: User,
    case: Case,
    to_market: Market,
    to_user: User | None = None,
    reason: str,
) -> Transfer:
    """Hand the case to an officer (of this or another market) or to another market's team.
    Until the receiver accepts, the sender keeps it and the first-contact officer sees it.

    An officer away from ``to_market`` today (AB岗, ``cases.cover``) does not receive it: the
    transfer is made to their deputy, and its audit event names the officer it was meant for
    (``transfer.to_user`` then differs from ``to_user``)."""
    case = case_locked(case)
    reason = text_clean(reason, field="reason", label=_("reason"))
    if to_user is not None and not can.works_in(to_user, to_market.pk):
        raise ValidationError({"to_user": _("This officer does not work in that market.")})
    covered = recipient_route(to_user, market_id=to_market.pk) if to_user is not None else None
    if covered is not None and covered.absence is not None:
        if covered.user.pk == case.owner_id:
            raise ValidationError(
                {
                    "to_user": _(
                        "%(name)s is away until %(end)s and their deputy %(deputy)s already "
                        "has the case."
                    )
                    % {
                        "name": to_user,
                        "end": covered.absence.ends_on.isoformat(),
                        "deputy": covered.user,
                    }
                }
            )
        to_user = covered.user
    if to_user is not None and to_user.pk == case.owner_id:
        raise ValidationError({"to_user": _("The case is already with this officer.")})
    if to_user is None and to_market.pk == case.market_id:
        raise ValidationError({"to_market": _("Choose another market, or an officer.")})
    case_transition_run(case, case.transfer, actor)
    case_save(case, actor)
    transfer = Transfer(
        case=case, from_user=actor, to_market=to_market, to_user=to_user, reason=reason
    )
    save_with_history(transfer, actor)
    absence = covered.absence if covered is not None else None
    events.case_transferred_event(transfer, actor, covering=absence)
    params = {"reference": case.reference, "subject": case.subject}
    # To the officer asked for: notify_on_commit sends it to the deputy, saying for whom.
    meant_for = covered.meant_for if covered is not None else None
    notify_on_commit(meant_for, CASE_TRANSFERRED, params, case, market_id=to_market.pk)
    return transfer


def _pending_transfer_locked(transfer: Transfer) -> tuple[Transfer, Case]:
    case = case_locked(transfer.case)
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != Transfer.Status.PENDING:
        raise CaseActionError(_("This transfer has been decided already."))
    return transfer, case


def _may_receive(actor: User, transfer: Transfer) -> bool:
    if transfer.to_user_id is not None:
        return actor.pk == transfer.to_user_id or can.leads(actor, transfer.to_market_id)
    return can.works_in(actor, transfer.to_market_id)


def _transfer_decided(transfer: Transfer, actor: User, status: str) -> None:
    transfer.status = status
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    save_with_history(transfer, actor)


@transaction.atomic
def case_transfer_accept(*, actor: User, transfer: Transfer) -> Case:
    transfer, case = _pending_transfer_locked(transfer)
    if not _may_receive(actor, transfer):
        raise PermissionDenied
    case_transition_run(case, case.accept_transfer, actor, by=actor, market=transfer.to_market)
    case_save(case, actor)  # its clocks follow it to the market and the owner (sla.services)
    _transfer_decided(transfer, actor, Transfer.Status.ACCEPTED)
    events.case_transfer_accepted_event(transfer, actor)
    params = {"reference": case.reference, "name": str(actor)}
    notify_on_commit(case.first_contact_officer, CASE_TRANSFER_ACCEPTED, params, case)
    if transfer.from_user_id != case.first_contact_officer_id:
        notify_on_commit(transfer.from_user, CASE_TRANSFER_ACCEPTED, params, case)
    return case


@transaction.atomic
def case_transfer_decline(*, actor: User, transfer: Transfer, reason: str) -> Case:
    """The receiver refuses: the case goes back to the sender, who still owns it."""
    transfer, case = _pending_transfer_locked(transfer)
    if not _may_receive(actor, transfer):
        raise PermissionDenied
    reason = text_clean(reason, field="reason", label=_("reason"))
    case_transition_run(case, case.decline_transfer, actor)
    case_save(case, actor)
    transfer.decline_reason = reason
    _transfer_decided(transfer, actor, Transfer.Status.DECLINED)
    events.case_transfer_declined_event(transfer, actor)
    params = {"reference": case.reference, "reason": reason}
    notify_on_commit(case.first_contact_officer, CASE_TRANSFER_DECLINED, params, case)
    if transfer.from_user_id != case.first_contact_officer_id:
        notify_on_commit(transfer.from_user, CASE_TRANSFER_DECLINED, params, case)
    return case
