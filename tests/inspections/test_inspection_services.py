"""The services of facilities and inspections (standard art. 5–10): the facility profile with
its history and trail; an inspection with its checklist and photos; a failed item opening a
rectification case with its clock; the team lead reporting it; only an inspector over the
market closing it; an inspector of another region refused, nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import SHANGHAI, MarketFactory
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from inspections_support import checklist, inspector_of, png

from audit.models import AuditEvent
from cases.models import Case, State
from cases.services import CASE_SUBJECT, CaseActionError, case_close
from sla.models import Deadline, Target
from workflows.inspections.checklist import FACILITY_CODES, Result
from workflows.inspections.models import (
    FacilityProfile,
    FacilityRectification,
    Inspection,
    InspectionPhoto,
)
from workflows.inspections.services import (
    ItemGiven,
    facility_profile_save,
    facility_rectification_close,
    facility_rectification_report,
    inspection_record,
)

pytestmark = pytest.mark.usefixtures("frozen_time")
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# --- Facility profile -------------------------------------------------------------------------


def test_the_facility_profile_is_kept_with_history_and_each_change_audited(
    team_lead, inspector, nanning_market
):
    facility_profile_save(
        actor=team_lead,
        market=nanning_market,
        area_m2="120",
        zones=["waiting", "counter"],
        equipment=["kiosk"],
        rooms="职业指导室 1 间",
    )
    profile = facility_profile_save(
        actor=inspector,
        market=nanning_market,
        area_m2="45.5",
        zones=["counter", "waiting"],
        equipment=["kiosk", "big_screen"],
        rooms="职业指导室 1 间",
    )
    profile.refresh_from_db()
    assert profile.area_m2 == Decimal("45.5")
    # Stored in the declaration's order.
    assert profile.zones == ["counter", "waiting"]
    assert profile.equipment == ["big_screen", "kiosk"]
    versions = list(profile.history.order_by("history_date", "history_id"))
    assert [(v.history_user, v.area_m2) for v in versions] == [
        (team_lead, Decimal("120.0")),
        (inspector, Decimal("45.5")),
    ]
    first, second = _events("facility.profile_changed")
    assert first.actor == team_lead and not first.old_values
    assert second.actor == inspector
    assert second.old_values == {"area_m2": "120.0", "equipment": ["kiosk"]}
    assert second.new_values == {"area_m2": "45.5", "equipment": ["big_screen", "kiosk"]}


def test_saving_the_same_profile_again_writes_nothing(team_lead, nanning_market):
    for _ in range(2):
        facility_profile_save(
            actor=team_lead, market=nanning_market, area_m2="80", zones=[], equipment=[]
        )
    assert FacilityProfile.history.count() == 1
    assert len(_events("facility.profile_changed")) == 1


def test_an_officer_may_not_change_the_facility_profile(officer, nanning_market):
    with pytest.raises(PermissionDenied):
        facility_profile_save(
            actor=officer, market=nanning_market, area_m2="80", zones=[], equipment=[]
        )
    assert not FacilityProfile.objects.exists()


@pytest.mark.parametrize(
    ("area", "zones", "field"),
    [("0", [], "area_m2"), ("abc", [], "area_m2"), ("80", ["ballroom"], "zones")],
)
def test_bad_profile_input_is_refused_per_field(team_lead, nanning_market, area, zones, field):
    with pytest.raises(ValidationError) as refused:
        facility_profile_save(
            actor=team_lead, market=nanning_market, area_m2=area, zones=zones, equipment=[]
        )
    assert field in refused.value.message_dict
    assert not FacilityProfile.objects.exists()


# --- Inspections --------------------------------------------------------------------------------


def test_an_inspection_records_every_item_its_photos_and_its_trail(inspector, nanning_market):
    inspection = inspection_record(
        actor=inspector,
        market=nanning_market,
        visited_on=TODAY,
        items=checklist(
            area=ItemGiven(result=Result.PASS, note="实测 120 m²", photos=[png("a.png")]),
            signs=Result.NOT_APPLICABLE,
        ),
        summary="总体良好",
    )
    assert inspection.inspector == inspector and inspection.history.count() == 1
    results = dict(inspection.items.values_list("code", "result"))
    assert list(results) == list(FACILITY_CODES)
    assert results["signs"] == "n/a" and results["area"] == "pass"
    [photo] = InspectionPhoto.objects.all()
    assert (photo.original_name, photo.content_type) == ("a.png", "image/png")
    assert photo.file.name.startswith(f"inspections/{inspection.pk}/")
    assert photo.item.code == "area"
    [event] = _events("inspection.recorded")
    assert event.actor == inspector and event.market == nanning_market
    assert event.new_values["results"]["signs"] == "n/a" and event.new_values["photos"] == 1
    assert not FacilityRectification.objects.exists()


def test_a_photo_that_is_no_image_refuses_the_whole_inspection(inspector, nanning_market):
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not a photo", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        inspection_record(
            actor=inspector,
            market=nanning_market,
            visited_on=TODAY,
            items=checklist(area=ItemGiven(result=Result.PASS, photos=[fake])),
        )
    assert "area-photos" in refused.value.message_dict
    assert not Inspection.objects.exists()
    assert not InspectionPhoto.objects.exists()
    assert not _events("inspection.recorded")


def test_a_checklist_with_an_item_missing_or_a_failure_without_note_is_refused(
    inspector, nanning_market
):
    items = checklist(fire_safety=ItemGiven(result=Result.FAIL))
    del items["area"]
    with pytest.raises(ValidationError) as refused:
        inspection_record(actor=inspector, market=nanning_market, visited_on=TODAY, items=items)
    assert {"area-result", "fire_safety-note"} <= set(refused.value.message_dict)
    assert not Inspection.objects.exists()


def test_an_inspection_dated_in_the_future_is_refused(inspector, nanning_market):
    with pytest.raises(ValidationError) as refused:
        inspection_record(
            actor=inspector, market=nanning_market, visited_on=date(2026, 3, 3), items=checklist()
        )
    assert "visited_on" in refused.value.message_dict
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("who", ["team_lead", "officer", "other_inspector"])
def test_only_an_inspector_over_the_market_records_an_inspection(
    request, nanning_market, liuzhou, who
):
    actor = (
        inspector_of(liuzhou, "liuzhou-inspector")
        if who == "other_inspector"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        inspection_record(
            actor=actor, market=nanning_market, visited_on=TODAY, items=checklist(area="fail")
        )
    assert not Inspection.objects.exists()
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="inspection").exists()


# --- Rectifications -----------------------------------------------------------------------------


def _failed(inspector, market, **items):
    inspection = inspection_record(
        actor=inspector, market=market, visited_on=TODAY, items=checklist(**items)
    )
    return list(
        FacilityRectification.objects.filter(item__inspection=inspection)
        .select_related("case", "item")
        .order_by("pk")
    )


def test_each_failed_item_opens_a_rectification_with_the_team_lead_and_its_clock(
    inspector, team_lead, nanning_market
):
    accessible, fire = _failed(inspector, nanning_market, accessibility="fail", fire_safety="fail")
    codes = sorted([accessible.item.code, fire.item.code])
    assert codes == ["accessibility", "fire_safety"]
    case = accessible.case
    assert case.kind == "facility_rectification"
    assert (case.state, case.owner, case.market) == (State.IN_PROGRESS, team_lead, nanning_market)
    assert case.applicant.name == nanning_market.name
    assert case.first_contact_officer.username == f"inspection-desk-{nanning_market.pk}"
    # 20 working days from Monday 2 March 2026, 09:00: the close of Monday 30 March.
    clock = Deadline.objects.get(
        subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.COMPLETION
    )
    assert clock.due_at == datetime(2026, 3, 30, 17, 30, tzinfo=SHANGHAI)
    assert clock.stopped_at is None
    opened = _events("facility_rectification.opened")
    assert len(opened) == 2 and opened[0].actor == inspector
    assert {e.new_values["item"] for e in opened} == {"accessibility", "fire_safety"}


def test_the_team_lead_reports_and_an_inspector_over_the_market_closes(
    inspector, team_lead, nanning_market
):
    [fix] = _failed(inspector, nanning_market, accessibility="fail")
    fix = facility_rectification_report(
        actor=team_lead, rectification=fix, outcome="已加装无障碍坡道"
    )
    assert fix.case.state == State.RESOLVED
    clock = Deadline.objects.get(
        subject_type=CASE_SUBJECT, subject_id=fix.case_id, target=Target.COMPLETION
    )
    assert clock.stopped_at is not None and clock.met is True
    [reported] = _events("facility_rectification.reported")
    assert reported.actor == team_lead and reported.new_values["outcome"] == "已加装无障碍坡道"

    fix = facility_rectification_close(actor=inspector, rectification=fix, note="现场复查合格")
    fix.refresh_from_db()
    assert fix.case.state == State.CLOSED
    assert (fix.checked_by, fix.check_note) == (inspector, "现场复查合格")
    [closed] = _events("facility_rectification.closed")
    assert closed.actor == inspector
    assert closed.old_values == {"state": "resolved"} and closed.new_values["state"] == "closed"
    assert fix.history.order_by("-history_id").first().history_user == inspector


@pytest.mark.parametrize("who", ["team_lead", "officer", "other_inspector"])
def test_nobody_but_an_inspector_over_the_market_closes_a_rectification(
    request, inspector, team_lead, nanning_market, liuzhou, who
):
    [fix] = _failed(inspector, nanning_market, accessibility="fail")
    fix = facility_rectification_report(actor=team_lead, rectification=fix, outcome="已整改")
    actor = (
        inspector_of(liuzhou, "liuzhou-inspector")
        if who == "other_inspector"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        facility_rectification_close(actor=actor, rectification=fix, note="看过了")
    fix.refresh_from_db()
    assert fix.case.state == State.RESOLVED and fix.checked_by is None
    assert not _events("facility_rectification.closed")


def test_a_rectification_not_reported_yet_is_not_closed(inspector, team_lead, nanning_market):
    [fix] = _failed(inspector, nanning_market, accessibility="fail")
    with pytest.raises(CaseActionError, match="reports the rectification first"):
        facility_rectification_close(actor=inspector, rectification=fix, note="未整改")
    fix.refresh_from_db()
    assert fix.case.state == State.IN_PROGRESS


def test_an_inspector_may_not_report_a_rectification_for_the_market(
    inspector, team_lead, nanning_market
):
    [fix] = _failed(inspector, nanning_market, accessibility="fail")
    with pytest.raises(PermissionDenied):
        facility_rectification_report(actor=inspector, rectification=fix, outcome="已整改")
    assert not _events("facility_rectification.reported")


def test_without_a_team_lead_the_rectification_waits_in_the_markets_queue(
    inspector, nanning_market
):
    [fix] = _failed(inspector, nanning_market, area="fail")
    assert (fix.case.state, fix.case.owner) == (State.NEW, None)


def test_an_inspector_of_a_city_inspects_its_markets_only(nanning, liuzhou, nanning_market):
    liuzhou_market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    city_inspector = inspector_of(nanning, "nanning-inspector")
    inspection_record(
        actor=city_inspector, market=nanning_market, visited_on=TODAY, items=checklist()
    )
    with pytest.raises(PermissionDenied):
        inspection_record(
            actor=city_inspector, market=liuzhou_market, visited_on=TODAY, items=checklist()
        )
    assert Inspection.objects.count() == 1


def test_the_case_pages_generic_close_does_not_close_a_facility_rectification(
    inspector, team_lead, nanning_market
):
    [fix] = _failed(inspector, nanning_market, accessibility="fail")
    fix = facility_rectification_report(actor=team_lead, rectification=fix, outcome="已整改")
    with pytest.raises(CaseActionError, match="its own page"):
        case_close(actor=team_lead, case=fix.case)
    fix.refresh_from_db()
    assert fix.case.state == State.RESOLVED
    assert not AuditEvent.objects.filter(action="case.closed").exists()


def test_an_inspector_of_another_region_may_not_change_the_facility_profile(
    team_lead, nanning_market, liuzhou
):
    facility_profile_save(
        actor=team_lead, market=nanning_market, area_m2="80", zones=[], equipment=[]
    )
    with pytest.raises(PermissionDenied):
        facility_profile_save(
            actor=inspector_of(liuzhou, "liuzhou-inspector"),
            market=nanning_market,
            area_m2="20",
            zones=[],
            equipment=[],
        )
    assert FacilityProfile.objects.get().area_m2 == Decimal("80.0")
    assert FacilityProfile.history.count() == 1


def test_a_facility_rectification_is_not_rated_and_sends_no_rating_link(
    inspector, team_lead, nanning_market
):
    from workflows.ratings.links import rating_link_for_sms
    from workflows.ratings.models import Rating, RatingChannel
    from workflows.ratings.selectors import ratable
    from workflows.ratings.services import rating_record

    [fix] = _failed(inspector, nanning_market, accessibility="fail")
    fix = facility_rectification_report(actor=team_lead, rectification=fix, outcome="已整改")

    assert not ratable(fix.case)
    assert rating_link_for_sms(fix.case) == ""
    with pytest.raises(CaseActionError):
        rating_record(
            case=fix.case, level="very_satisfied", comment="", channel=RatingChannel.KIOSK
        )
    assert not Rating.objects.exists()
