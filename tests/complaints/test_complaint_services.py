"""The services of complaints (standard art. 24): each flow with its audit rows and its clocks
(sla.models.Deadline of the case and of the acceptance decision), and the bad input refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from complaints_support import (
    AUTHORITY,
    COMPLAINANT_ID,
    COMPLAINANT_ID_MASKED,
    COMPLAINANT_NAME,
    actions_of,
)
from complaints_support import complaint_make as make
from conftest import SHANGHAI
from counter_support import posting_make, qingxiu_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import State
from cases.services import CASE_SUBJECT, CaseActionError, case_withdraw
from notifications.models import Notification
from sla.models import Deadline, Level, Target
from workflows.complaints.models import Complaint, ReferralStatus, Status
from workflows.complaints.reminders import COMPLAINT_SUBJECT, complaint_deadline_reached
from workflows.complaints.services import (
    SUSPEND_REASON,
    complaint_accept,
    complaint_decline_to_accept,
    complaint_posting_suspend,
    complaint_refer_to_labour_inspection,
    complaint_referral_update,
    complaint_resolve,
    complaint_satisfaction_record,
)
from workflows.postings.models import Status as PostingStatus
from workflows.postings.selectors import posting_list_published

pytestmark = pytest.mark.usefixtures("frozen_time")


def _deadline(subject_type: str, subject_id: int, target: str) -> Deadline:
    return Deadline.objects.get(subject_type=subject_type, subject_id=subject_id, target=target)


def test_filing_opens_a_complaint_case_with_its_clocks(officer, nanning_market):
    complaint = make(officer, nanning_market)
    case = complaint.case
    assert case.kind == "complaint" and case.state == State.IN_PROGRESS
    assert case.first_contact_officer == officer and case.applicant.name == COMPLAINANT_NAME
    assert complaint.status == Status.FILED
    # The decision (受理) is due at the close of the 5th working day after Monday 09:00.
    decision = _deadline(COMPLAINT_SUBJECT, complaint.pk, Target.ACCEPTANCE)
    assert decision.due_at == datetime(2026, 3, 9, 17, 30, tzinfo=SHANGHAI)
    assert decision.stopped_at is None
    # Completion: 20 working days (four weeks, no holiday in March 2026).
    completion = _deadline(CASE_SUBJECT, case.pk, Target.COMPLETION)
    assert completion.due_at == datetime(2026, 3, 30, 17, 30, tzinfo=SHANGHAI)
    assert actions_of(complaint) == ["complaint.filed"]
    event = AuditEvent.objects.get(action="complaint.filed")
    assert event.new_values["anonymous"] is True
    assert COMPLAINANT_NAME not in str(event.new_values) + event.target_label


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": ""}, "category"),
        ({"category": "noise"}, "category"),
        ({"posting_id": 999999}, "posting"),
        ({"description": "  "}, "description"),
        ({"employer_name": "公" * 101}, "employer_name"),
        ({"desired_outcome": "多" * 4001}, "desired_outcome"),
    ],
)
def test_bad_complaints_are_refused_and_nothing_is_filed(officer, nanning_market, changes, field):
    with pytest.raises(ValidationError) as refused:
        make(officer, nanning_market, **changes)
    assert field in refused.value.message_dict
    assert not AuditEvent.objects.filter(action="complaint.filed").exists()


def test_someone_from_another_market_cannot_file_here(officer, nanning_market, inspector):
    with pytest.raises(PermissionDenied):
        make(inspector, nanning_market)


def test_acceptance_stops_the_decision_clock_in_time(officer, nanning_market, frozen_time):
    complaint = make(officer, nanning_market)
    frozen_time.shift(timedelta(days=2))
    complaint = complaint_accept(actor=officer, complaint=complaint)
    assert complaint.status == Status.ACCEPTED and complaint.decided_by == officer
    decision = _deadline(COMPLAINT_SUBJECT, complaint.pk, Target.ACCEPTANCE)
    assert decision.stopped_at is not None and decision.met is True
    assert actions_of(complaint) == ["complaint.filed", "complaint.accepted"]
    with pytest.raises(CaseActionError):
        complaint_accept(actor=officer, complaint=complaint)


def test_declining_needs_a_reason_and_closes_the_case(officer, nanning_market):
    complaint = make(officer, nanning_market)
    with pytest.raises(ValidationError) as refused:
        complaint_decline_to_accept(actor=officer, complaint=complaint, reason=" ")
    assert "reason" in refused.value.message_dict
    complaint = complaint_decline_to_accept(
        actor=officer, complaint=complaint, reason="已由法院受理同一争议"
    )
    complaint.case.refresh_from_db()
    assert complaint.status == Status.DECLINED
    assert complaint.case.state == State.CLOSED
    assert "已由法院受理同一争议" in complaint.case.outcome
    assert not Deadline.objects.filter(
        subject_type__in=[CASE_SUBJECT, COMPLAINT_SUBJECT], stopped_at__isnull=True
    ).exists()
    assert actions_of(complaint) == ["complaint.filed", "complaint.declined"]


def test_a_referral_is_tracked_to_its_outcome_with_the_clock_paused(
    officer, nanning_market, frozen_time
):
    complaint = make(officer, nanning_market)
    complaint = complaint_accept(actor=officer, complaint=complaint)
    completion = _deadline(CASE_SUBJECT, complaint.case_id, Target.COMPLETION)
    due_before = completion.due_at

    referral = complaint_refer_to_labour_inspection(
        actor=officer, complaint=complaint, authority=AUTHORITY, note="电话已告知"
    )
    assert referral.status == ReferralStatus.SENT
    assert Complaint.objects.get(pk=complaint.pk).status == Status.REFERRED
    completion.refresh_from_db()
    assert completion.paused_at is not None  # the inspection's time is not the market's

    frozen_time.shift(timedelta(days=1))
    complaint_referral_update(
        actor=officer, referral=referral, status="acknowledged", inspection_reference="监察2026-017"
    )
    frozen_time.shift(timedelta(days=1))
    complaint_referral_update(actor=officer, referral=referral, status="investigating")
    with pytest.raises(ValidationError) as backwards:
        complaint_referral_update(actor=officer, referral=referral, status="acknowledged")
    assert "status" in backwards.value.message_dict
    with pytest.raises(ValidationError) as no_outcome:
        complaint_referral_update(actor=officer, referral=referral, status="concluded")
    assert "outcome" in no_outcome.value.message_dict
    frozen_time.shift(timedelta(days=5))  # a week later (5 working days)
    referral = complaint_referral_update(
        actor=officer,
        referral=referral,
        status="concluded",
        outcome="责令用人单位限期支付工资 2000 元，已支付。",
    )
    assert referral.status == ReferralStatus.CONCLUDED
    assert referral.inspection_reference == "监察2026-017"
    assert referral.acknowledged_at and referral.investigating_at and referral.concluded_at
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.status == Status.ACCEPTED
    completion.refresh_from_db()
    assert completion.paused_at is None
    # Moved on by the 5 working days it stood still: from Monday 30 March over the Qingming
    # holiday (Monday 6 April 2026) to Tuesday 7 April.
    assert timezone.localtime(due_before).date() == date(2026, 3, 30)
    assert completion.due_at == datetime(2026, 4, 7, 17, 30, tzinfo=SHANGHAI)

    complaint = complaint_resolve(
        actor=officer, complaint=complaint, outcome="监察责令支付，工资已结清。"
    )
    assert complaint.case.state == State.RESOLVED
    complaint = complaint_satisfaction_record(
        actor=officer, complaint=complaint, satisfaction="very_satisfied"
    )
    assert complaint.case.state == State.CLOSED
    completion.refresh_from_db()
    assert completion.met is True
    assert actions_of(complaint) == [
        "complaint.filed",
        "complaint.accepted",
        "complaint.referred",
        "complaint.referral_updated",
        "complaint.referral_updated",
        "complaint.referral_updated",
        "complaint.resolved",
        "complaint.satisfaction_recorded",
    ]
    steps = [
        e.new_values["referral_status"]
        for e in AuditEvent.objects.filter(action="complaint.referral_updated").order_by("pk")
    ]
    assert steps == ["acknowledged", "investigating", "concluded"]


def test_a_filed_complaint_referred_straight_away_is_decided_by_the_referral(
    officer, nanning_market
):
    complaint = make(officer, nanning_market)
    complaint_refer_to_labour_inspection(actor=officer, complaint=complaint, authority=AUTHORITY)
    assert _deadline(COMPLAINT_SUBJECT, complaint.pk, Target.ACCEPTANCE).met is True
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.decided_by == officer
    with pytest.raises(CaseActionError):  # no resolution while inspection has it
        complaint_resolve(actor=officer, complaint=complaint, outcome="结案")


def test_an_anonymous_referral_names_no_complainant(officer, nanning_market):
    complaint = make(officer, nanning_market, anonymous=True)
    referral = complaint_refer_to_labour_inspection(
        actor=officer, complaint=complaint, authority=AUTHORITY
    )
    for secret in (COMPLAINANT_NAME, COMPLAINANT_ID, COMPLAINANT_ID_MASKED, "13900001111"):
        assert secret not in referral.letter
    assert complaint.case.reference in referral.letter
    assert "南宁市某建筑劳务公司" in referral.letter


def test_a_named_referral_names_the_complainant_masked(officer, nanning_market):
    complaint = make(officer, nanning_market, anonymous=False)
    referral = complaint_refer_to_labour_inspection(
        actor=officer, complaint=complaint, authority=AUTHORITY
    )
    assert COMPLAINANT_NAME in referral.letter and COMPLAINANT_ID_MASKED in referral.letter
    assert COMPLAINANT_ID not in referral.letter


def test_a_team_lead_suspends_a_complained_about_posting(
    officer, team_lead, nanning_market, nanning
):
    qingxiu_make()
    posting = posting_make(officer, nanning_market, publish=True)
    assert posting in posting_list_published()
    complaint = make(officer, nanning_market, category="discrimination", posting_id=posting.pk)
    assert complaint.employer == posting.employer  # taken from the posting
    with pytest.raises(PermissionDenied):
        complaint_posting_suspend(actor=officer, complaint=complaint)
    complaint = complaint_posting_suspend(actor=team_lead, complaint=complaint)
    posting.refresh_from_db()
    assert posting.status == PostingStatus.WITHDRAWN
    assert posting not in posting_list_published()
    assert complaint.posting_suspended_by == team_lead
    withdrawn = AuditEvent.objects.get(action="posting.withdrawn")
    assert withdrawn.new_values["reason"] == SUSPEND_REASON
    assert actions_of(complaint) == ["complaint.filed", "complaint.posting_suspended"]
    with pytest.raises(CaseActionError):
        complaint_posting_suspend(actor=team_lead, complaint=complaint)


def test_satisfaction_only_after_resolution_and_only_once(officer, nanning_market):
    complaint = complaint_accept(actor=officer, complaint=make(officer, nanning_market))
    with pytest.raises(CaseActionError):
        complaint_satisfaction_record(actor=officer, complaint=complaint, satisfaction="satisfied")
    complaint = complaint_resolve(actor=officer, complaint=complaint, outcome="调解结清")
    with pytest.raises(ValidationError) as refused:
        complaint_satisfaction_record(actor=officer, complaint=complaint, satisfaction="great")
    assert "satisfaction" in refused.value.message_dict
    complaint_satisfaction_record(actor=officer, complaint=complaint, satisfaction="dissatisfied")
    with pytest.raises(CaseActionError):
        complaint_satisfaction_record(actor=officer, complaint=complaint, satisfaction="satisfied")


def test_the_decision_clock_warns_the_owner_like_a_case_clock(officer, nanning_market):
    complaint = make(officer, nanning_market)
    decision = _deadline(COMPLAINT_SUBJECT, complaint.pk, Target.ACCEPTANCE)
    complaint_deadline_reached(decision, Level.WARNING)
    texts = list(Notification.objects.filter(recipient=officer).values_list("text", flat=True))
    assert any(complaint.case.reference in text for text in texts)


def test_a_withdrawn_complaints_decision_clock_stops_withdrawn_and_reminds_nobody(
    officer, nanning_market
):
    complaint = make(officer, nanning_market)
    case_withdraw(actor=officer, case=complaint.case, reason="投诉人撤回")
    decision = _deadline(COMPLAINT_SUBJECT, complaint.pk, Target.ACCEPTANCE)

    complaint_deadline_reached(decision, Level.BREACH)

    decision.refresh_from_db()
    assert decision.stopped_at is not None
    assert decision.met is None  # neither on time nor late: withdrawn
    assert not decision.alerts.exists()
    texts = list(Notification.objects.filter(recipient=officer).values_list("text", flat=True))
    assert not any(complaint.case.reference in text for text in texts)
    case = _deadline(CASE_SUBJECT, complaint.case_id, Target.COMPLETION)
    assert (case.stopped_at is not None, case.met) == (True, None)
    assert AuditEvent.objects.filter(
        action="case.withdrawn", target_id=str(complaint.case_id)
    ).exists()
