"""Who may do what: another market's officer neither sees nor touches a case; an inspector sees
every case of the region but changes nothing; an action the state does not allow is refused
with the state named. A refused action changes nothing and writes no audit row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from case_support import case_new, checklist_make, fresh, inspector_make, market_make, staff_make
from conftest import applicant_make, case_make
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import User
from audit.models import AuditEvent
from cases.models import (
    Case,
    CaseNote,
    NoticeItem,
    ReferenceSequence,
    SingleNotice,
    SingleNoticeBreach,
    State,
    Transfer,
)
from cases.selectors import case_get_visible, case_list_unclaimed, case_list_visible
from cases.services import (
    CaseActionError,
    applicant_id_number_reveal,
    case_claim,
    case_close,
    case_note_add,
    case_open,
    case_reassign,
    case_receive_materials,
    case_reopen,
    case_request_materials,
    case_resolve,
    case_transfer,
    case_transfer_accept,
    case_transfer_decline,
    case_withdraw,
    notice_item_add_later,
)
from markets.models import Market, Region, Role
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def liuzhou_market(guangxi: Region) -> Market:
    return market_make("450200", "柳州市")


@pytest.fixture
def stranger(liuzhou_market: Market) -> User:
    """An officer of another market."""
    return staff_make("liuzhou_officer", Role.OFFICER, liuzhou_market)


@pytest.fixture
def colleague(nanning_market: Market) -> User:
    return staff_make("nanning_colleague", Role.OFFICER, nanning_market)


def snapshot(case: Case) -> dict[str, Any]:
    """Everything a refused action on ``case`` must leave as it was."""
    row = Case.objects.get(pk=case.pk)
    return {
        "case": (
            row.state,
            row.owner_id,
            row.market_id,
            row.first_contact_officer_id,
            row.outcome,
            row.resolved_at,
            row.closed_at,
        ),
        "history": row.history.count(),
        "audit": AuditEvent.objects.count(),
        "transfers": list(Transfer.objects.filter(case=case).values_list("pk", "status")),
        "notices": SingleNotice.objects.filter(case=case).count(),
        "items": list(
            NoticeItem.objects.filter(notice__case=case).values_list("pk", "received_at")
        ),
        "breaches": SingleNoticeBreach.objects.count(),
        "notes": CaseNote.objects.count(),
        "notifications": Notification.objects.count(),
    }


# --- Another market's officer -------------------------------------------------------------------


def test_an_officer_of_another_market_cannot_open_a_case_there(
    stranger: User, officer: User, nanning_market: Market
) -> None:
    applicant = applicant_make(officer)
    audit_rows = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        case_open(
            actor=stranger,
            market=nanning_market,
            kind="policy_consultation",
            channel="counter",
            applicant=applicant,
            subject="政策咨询",
        )

    assert not Case.objects.exists()
    assert not ReferenceSequence.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


def test_an_officer_of_another_market_can_neither_see_nor_claim_nor_resolve(
    stranger: User, officer: User, team_lead: User
) -> None:
    unclaimed = case_new(team_lead)
    taken = case_make(officer)

    for case in (unclaimed, taken):
        with pytest.raises(Case.DoesNotExist):
            case_get_visible(user=stranger, pk=case.pk)
    assert list(case_list_visible(user=stranger)) == []
    assert list(case_list_unclaimed(user=stranger)) == []

    before = snapshot(unclaimed)
    with pytest.raises(PermissionDenied):
        case_claim(actor=stranger, case=unclaimed)
    assert snapshot(unclaimed) == before

    before = snapshot(taken)
    with pytest.raises(PermissionDenied):
        case_resolve(actor=stranger, case=taken, outcome="已答复")
    assert snapshot(taken) == before


def test_another_officer_of_the_market_sees_but_cannot_work_on_a_colleagues_case(
    officer: User, colleague: User
) -> None:
    case = case_make(officer)
    before = snapshot(case)

    with pytest.raises(PermissionDenied):
        case_resolve(actor=colleague, case=case, outcome="已答复")
    with pytest.raises(PermissionDenied):
        case_request_materials(actor=colleague, case=case, items=checklist_make())

    assert snapshot(case) == before
    assert case_get_visible(user=colleague, pk=case.pk) == case


def test_an_inspector_of_another_region_does_not_see_the_case(
    officer: User, liuzhou_market: Market
) -> None:
    case = case_make(officer)
    elsewhere = inspector_make("liuzhou_inspector", liuzhou_market.region)

    with pytest.raises(Case.DoesNotExist):
        case_get_visible(user=elsewhere, pk=case.pk)


# --- Every service refuses the inspector and the stranger ---------------------------------------


@dataclass(frozen=True)
class Staff:
    officer: User  # the owner and first-contact officer
    team_lead: User
    colleague: User  # another officer of the market


Setup = Callable[[Staff], Case]
Attempt = Callable[[User, Case, Staff], object]


def _in_progress(staff: Staff) -> Case:
    case: Case = case_make(staff.officer)
    return case


def _new(staff: Staff) -> Case:
    return case_new(staff.officer)


def _awaiting(staff: Staff) -> Case:
    case = _in_progress(staff)
    case_request_materials(actor=staff.officer, case=case, items=checklist_make())
    return case


def _resolved(staff: Staff) -> Case:
    return case_resolve(actor=staff.officer, case=_in_progress(staff), outcome="已答复")


def _transfer_pending(staff: Staff) -> Case:
    case = _in_progress(staff)
    case_transfer(
        actor=staff.officer, case=case, to_market=case.market, to_user=staff.colleague, reason="转"
    )
    return case


def _pending(case: Case) -> Transfer:
    return Transfer.objects.get(case=case, status=Transfer.Status.PENDING)


def _transfer(actor: User, case: Case, staff: Staff) -> object:
    return case_transfer(
        actor=actor, case=case, to_market=case.market, to_user=staff.colleague, reason="转办"
    )


def _accept(actor: User, case: Case, staff: Staff) -> object:
    return case_transfer_accept(actor=actor, transfer=_pending(case))


def _decline(actor: User, case: Case, staff: Staff) -> object:
    return case_transfer_decline(actor=actor, transfer=_pending(case), reason="不受理")


def _reassign(actor: User, case: Case, staff: Staff) -> object:
    return case_reassign(actor=actor, case=case, to_user=staff.colleague)


def _request(actor: User, case: Case, staff: Staff) -> object:
    return case_request_materials(actor=actor, case=case, items=checklist_make(names=("合同",)))


def _receive(actor: User, case: Case, staff: Staff) -> object:
    items = list(NoticeItem.objects.filter(notice__case=case))
    return case_receive_materials(actor=actor, case=case, items=items)


def _add_later(actor: User, case: Case, staff: Staff) -> object:
    return notice_item_add_later(
        actor=actor, case=case, name="居住证", reason="核实", format="复印件", breach_reason="漏"
    )


def _resolve(actor: User, case: Case, staff: Staff) -> object:
    return case_resolve(actor=actor, case=case, outcome="已答复")


def _close(actor: User, case: Case, staff: Staff) -> object:
    return case_close(actor=actor, case=case)


def _reopen(actor: User, case: Case, staff: Staff) -> object:
    return case_reopen(actor=actor, case=case, reason="重办")


def _withdraw(actor: User, case: Case, staff: Staff) -> object:
    return case_withdraw(actor=actor, case=case, reason="撤回")


def _note(actor: User, case: Case, staff: Staff) -> object:
    return case_note_add(actor=actor, case=case, text="看过")


def _reveal(actor: User, case: Case, staff: Staff) -> object:
    return applicant_id_number_reveal(actor=actor, case=case)


# Each verb, on a case in a state where its owner or team lead could do it.
VERBS: dict[str, tuple[Setup, Attempt]] = {
    "claim": (_new, lambda actor, case, staff: case_claim(actor=actor, case=case)),
    "transfer": (_in_progress, _transfer),
    "accept transfer": (_transfer_pending, _accept),
    "decline transfer": (_transfer_pending, _decline),
    "reassign": (_in_progress, _reassign),
    "request materials": (_in_progress, _request),
    "receive materials": (_awaiting, _receive),
    "add item later": (_awaiting, _add_later),
    "resolve": (_in_progress, _resolve),
    "close": (_resolved, _close),
    "reopen": (_resolved, _reopen),
    "withdraw": (_in_progress, _withdraw),
    "add note": (_in_progress, _note),
    "reveal ID number": (_in_progress, _reveal),
}


@pytest.mark.parametrize("verb", VERBS)
def test_an_inspector_sees_the_case_but_every_service_refuses(
    verb: str, inspector: User, officer: User, team_lead: User, colleague: User
) -> None:
    setup, attempt = VERBS[verb]
    staff = Staff(officer=officer, team_lead=team_lead, colleague=colleague)
    case = setup(staff)
    assert case_get_visible(user=inspector, pk=case.pk) == case
    before = snapshot(case)

    with pytest.raises(PermissionDenied):
        attempt(fresh(inspector), case, staff)

    assert snapshot(case) == before


@pytest.mark.parametrize("verb", VERBS)
def test_an_officer_of_another_market_is_refused_every_service(
    verb: str, stranger: User, officer: User, team_lead: User, colleague: User
) -> None:
    setup, attempt = VERBS[verb]
    staff = Staff(officer=officer, team_lead=team_lead, colleague=colleague)
    case = setup(staff)
    before = snapshot(case)

    with pytest.raises(PermissionDenied):
        attempt(fresh(stranger), case, staff)

    assert snapshot(case) == before


@pytest.mark.parametrize("verb", VERBS)
def test_the_owner_or_team_lead_may_do_what_the_others_were_refused(
    verb: str, officer: User, team_lead: User, colleague: User
) -> None:
    """The counterpart of the two tests above: the same call by the right person succeeds, so
    the refusals are about the person, not the set-up."""
    setup, attempt = VERBS[verb]
    staff = Staff(officer=officer, team_lead=team_lead, colleague=colleague)
    case = setup(staff)
    before = AuditEvent.objects.count()

    deciding = colleague if verb in {"accept transfer", "decline transfer"} else team_lead
    attempt(fresh(deciding), case, staff)

    assert AuditEvent.objects.count() == before + 1


# --- Illegal transitions -------------------------------------------------------------------------


def test_resolving_a_case_waiting_for_materials_is_refused_with_its_state(
    officer: User,
) -> None:
    case = _awaiting(Staff(officer=officer, team_lead=officer, colleague=officer))
    before = snapshot(case)

    with pytest.raises(CaseActionError) as refused:
        case_resolve(actor=officer, case=case, outcome="已答复")
    with translation.override("en"), pytest.raises(CaseActionError) as refused_in_english:
        case_resolve(actor=officer, case=case, outcome="已答复")

    assert case.reference in str(refused.value)
    assert str(State.AWAITING_MATERIALS.label) in str(refused.value)
    assert "“Waiting for materials”" in str(refused_in_english.value)
    assert snapshot(case) == before


ILLEGAL: dict[str, tuple[Setup, Attempt]] = {
    "claim a case in progress": (_in_progress, lambda a, c, s: case_claim(actor=a, case=c)),
    "close a case in progress": (_in_progress, _close),
    "reopen a case in progress": (_in_progress, _reopen),
    "transfer a case waiting for materials": (_awaiting, _transfer),
    "resolve a case being transferred": (_transfer_pending, _resolve),
    "withdraw a case being transferred": (_transfer_pending, _withdraw),
    "withdraw a resolved case": (_resolved, _withdraw),
    "resolve a resolved case": (_resolved, _resolve),
    "receive materials for a case in progress": (_in_progress, _receive),
    "request materials for a resolved case": (_resolved, _request),
}


@pytest.mark.parametrize("action", ILLEGAL)
def test_an_action_the_state_does_not_allow_is_refused_and_changes_nothing(
    action: str, officer: User, team_lead: User, colleague: User
) -> None:
    setup, attempt = ILLEGAL[action]
    staff = Staff(officer=officer, team_lead=team_lead, colleague=colleague)
    case = setup(staff)
    before = snapshot(case)

    with pytest.raises(CaseActionError):
        attempt(fresh(team_lead), case, staff)

    assert snapshot(case) == before
