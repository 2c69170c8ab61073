"""The staff pages of the scorecard, the facility profile and the inspections, over HTTP as
each role: the team lead keeps the profile and reports a rectification; an inspector records
an inspection with photos and closes a rectification after checking; an officer is refused;
an inspector of another region finds nothing (404) and changes nothing. Lists keep a bounded
number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import MarketFactory
from django.core.files.uploadedfile import SimpleUploadedFile
from inspections_support import PNG_BYTES, checklist, inspector_of

from audit.models import AuditEvent
from cases.models import State
from workflows.inspections.checklist import FACILITY_CODES
from workflows.inspections.models import (
    FacilityProfile,
    FacilityRectification,
    Inspection,
    InspectionPhoto,
)
from workflows.inspections.services import ItemGiven, inspection_record

pytestmark = pytest.mark.usefixtures("frozen_time")
TODAY = date(2026, 3, 2)


def _inspection_post(**results: str) -> dict[str, object]:
    data: dict[str, object] = {"visited_on": "2026-03-02", "summary": "例行督查"}
    for code in FACILITY_CODES:
        result = results.get(code, "pass")
        data[f"{code}-result"] = result
        data[f"{code}-note"] = "坡道缺失" if result == "fail" else ""
    return data


def _failed(inspector, market, code: str = "accessibility") -> FacilityRectification:
    inspection = inspection_record(
        actor=inspector, market=market, visited_on=TODAY, items=checklist(**{code: "fail"})
    )
    return FacilityRectification.objects.get(item__inspection=inspection)


def test_the_team_lead_edits_the_profile_and_sees_its_history(
    team_lead, nanning_market, verified_client
):
    client = verified_client(team_lead)
    url = f"/scorecard/market/{nanning_market.pk}/facility/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"area_m2": "88.5", "zones": ["counter", "waiting"], "equipment": ["kiosk"]}
    )
    assert response.status_code == 302
    profile = FacilityProfile.objects.get(market=nanning_market)
    assert profile.area_m2 == 88.5 and profile.zones == ["counter", "waiting"]
    page = client.get(f"/scorecard/market/{nanning_market.pk}/facility/").content.decode()
    assert "88.5" in page and team_lead.full_name in page
    assert (
        AuditEvent.objects.filter(action="facility.profile_changed", actor=team_lead).count() == 1
    )


def test_a_bad_area_shows_the_form_again_and_saves_nothing(
    team_lead, nanning_market, verified_client
):
    response = verified_client(team_lead).post(
        f"/scorecard/market/{nanning_market.pk}/facility/edit/", {"area_m2": "-3"}
    )
    assert response.status_code == 400
    assert not FacilityProfile.objects.exists()


def test_an_inspector_records_an_inspection_with_photos_and_a_failure_opens_a_rectification(
    inspector, team_lead, nanning_market, verified_client
):
    client = verified_client(inspector)
    url = f"/scorecard/market/{nanning_market.pk}/inspections/new/"
    assert client.get(url).status_code == 200
    data = _inspection_post(accessibility="fail")
    data["accessibility-photos"] = [
        SimpleUploadedFile("ramp.png", PNG_BYTES, content_type="image/png"),
        SimpleUploadedFile("door.png", PNG_BYTES, content_type="image/png"),
    ]
    response = client.post(url, data)
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert response["Location"] == f"/scorecard/inspections/{inspection.pk}/"
    assert InspectionPhoto.objects.filter(item__code="accessibility").count() == 2
    fix = FacilityRectification.objects.select_related("case").get()
    assert fix.case.owner == team_lead
    # The market's team lead reads the inspection and opens the photo.
    lead = verified_client(team_lead)
    page = lead.get(f"/scorecard/inspections/{inspection.pk}/").content.decode()
    assert fix.case.reference in page and "ramp.png" in page
    photo = InspectionPhoto.objects.order_by("pk").first()
    assert photo is not None
    assert lead.get(f"/scorecard/photos/{photo.pk}/").status_code == 200


def test_a_team_lead_may_not_record_an_inspection(team_lead, nanning_market, verified_client):
    response = verified_client(team_lead).post(
        f"/scorecard/market/{nanning_market.pk}/inspections/new/", _inspection_post()
    )
    assert response.status_code == 403
    assert not Inspection.objects.exists()


def test_the_lead_reports_and_only_an_inspector_over_the_market_closes(
    inspector, team_lead, nanning_market, verified_client
):
    fix = _failed(inspector, nanning_market)
    lead = verified_client(team_lead)
    url = f"/scorecard/rectifications/{fix.pk}/"
    assert lead.post(url + "report/", {"outcome": "已加装坡道"}).status_code == 302
    # The lead's own try at closing is refused, and nothing changes.
    assert lead.post(url + "close/", {"note": "自查合格"}).status_code == 403
    fix.refresh_from_db()
    assert fix.case.state == State.RESOLVED and fix.checked_by is None
    response = verified_client(inspector).post(url + "close/", {"note": "复查合格"})
    assert response.status_code == 302
    fix.refresh_from_db()
    assert fix.case.state == State.CLOSED and fix.checked_by == inspector


def test_an_inspector_of_another_region_finds_nothing_and_changes_nothing(
    inspector, team_lead, nanning_market, liuzhou, verified_client
):
    fix = _failed(inspector, nanning_market)
    fix.case.refresh_from_db()
    photo_inspection = fix.item.inspection
    elsewhere = verified_client(inspector_of(liuzhou, "liuzhou-inspector"))
    for url in (
        f"/scorecard/market/{nanning_market.pk}/",
        f"/scorecard/market/{nanning_market.pk}/facility/",
        f"/scorecard/market/{nanning_market.pk}/inspections/new/",
        f"/scorecard/inspections/{photo_inspection.pk}/",
        f"/scorecard/rectifications/{fix.pk}/",
    ):
        assert elsewhere.get(url).status_code == 404, url
    assert (
        elsewhere.post(f"/scorecard/rectifications/{fix.pk}/close/", {"note": "x"}).status_code
        == 404
    )
    response = elsewhere.post(
        f"/scorecard/market/{nanning_market.pk}/inspections/new/", _inspection_post()
    )
    assert response.status_code == 404
    assert Inspection.objects.count() == 1
    edit = elsewhere.post(
        f"/scorecard/market/{nanning_market.pk}/facility/edit/",
        {"area_m2": "10", "zones": [], "equipment": []},
    )
    assert edit.status_code == 404
    assert not FacilityProfile.objects.exists()
    fix.refresh_from_db()
    assert fix.case.state == State.IN_PROGRESS
    assert not AuditEvent.objects.filter(action="facility_rectification.closed").exists()
    # Their own scorecard lists no market of Nanning.
    page = elsewhere.get("/scorecard/").content.decode()
    assert nanning_market.name not in page


def test_an_officer_is_refused_the_inspection_and_the_rectification(
    officer, inspector, team_lead, nanning_market, verified_client
):
    fix = _failed(inspector, nanning_market)
    client = verified_client(officer)
    assert client.get(f"/scorecard/inspections/{fix.item.inspection_id}/").status_code == 403
    assert client.get(f"/scorecard/rectifications/{fix.pk}/").status_code == 403
    assert (
        client.post(f"/scorecard/rectifications/{fix.pk}/report/", {"outcome": "x"}).status_code
        == 403
    )


def test_the_scorecard_shows_no_data_the_rollup_and_refuses_a_month_to_come(
    inspector, nanning_market, verified_client
):
    client = verified_client(inspector)
    page = client.get("/scorecard/?month=2026-02").content.decode()
    assert "南宁市" in page and nanning_market.name in page
    market_page = client.get(f"/scorecard/market/{nanning_market.pk}/?month=2026-02")
    assert market_page.status_code == 200
    assert "no data" in market_page.content.decode() or "无数据" in market_page.content.decode()
    assert client.get("/scorecard/?month=2026-05").status_code == 400


def test_the_lists_keep_their_query_count_whatever_the_rows(
    inspector, team_lead, nanning_market, liuzhou, verified_client, django_assert_max_num_queries
):
    client = verified_client(inspector)
    _failed(inspector, nanning_market, "area")
    MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    with django_assert_max_num_queries(40) as few:
        assert client.get("/scorecard/rectifications/").status_code == 200
        assert client.get("/scorecard/?month=2026-03").status_code == 200
    before = len(few.captured_queries)
    for code in ("signs", "fire_safety", "accessibility"):
        _failed(inspector, nanning_market, code)
    for n in range(3):
        MarketFactory.create(region=liuzhou, name=f"柳州市第{n}零工市场")
    # More rectifications and markets: no more queries.
    with django_assert_max_num_queries(before):
        assert client.get("/scorecard/rectifications/").status_code == 200
        assert client.get("/scorecard/?month=2026-03").status_code == 200


def test_a_photo_is_shown_to_the_lead_and_inspectors_over_the_market_only(
    inspector, team_lead, officer, nanning_market, liuzhou, verified_client
):
    inspection = inspection_record(
        actor=inspector,
        market=nanning_market,
        visited_on=TODAY,
        items=checklist(
            area=ItemGiven(result="pass", photos=[SimpleUploadedFile("a.png", PNG_BYTES)])
        ),
    )
    photo = InspectionPhoto.objects.get(item__inspection=inspection)
    url = f"/scorecard/photos/{photo.pk}/"
    shown = verified_client(inspector).get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == PNG_BYTES
    assert verified_client(officer).get(url).status_code == 403
    elsewhere = verified_client(inspector_of(liuzhou, "liuzhou-inspector"))
    assert elsewhere.get(url).status_code == 404


def test_a_month_in_the_future_is_refused_with_a_message(inspector, verified_client):
    response = verified_client(inspector).get("/scorecard/?month=2027-01")
    assert response.status_code == 400
    assert "2027-01" in response.content.decode()


def test_the_case_page_of_a_facility_rectification_links_to_its_page_not_to_a_rating(
    inspector, team_lead, nanning_market, verified_client
):
    fix = _failed(inspector, nanning_market)
    page = verified_client(team_lead).get(f"/cases/{fix.case_id}/").content.decode()
    assert f"/scorecard/rectifications/{fix.pk}/" in page
    assert f"/ratings/cases/{fix.case_id}/tablet/" not in page
