"""The national table of administrative division codes (行政区划代码, standard art. 1 and 16):
shipped as data, loaded by a migration, refreshed by ``update_divisions``; any county of the
country can be a seeker's home county, by code or by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ID_NUMBERS
from counter_support import SEEKER_ID, seeker_form
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from cases.identity import resident_id_check_character, resident_id_parse
from markets.divisions import divisions_load_shipped
from markets.models import Division, Market, Region
from markets.selectors import division_county_candidates
from markets.services import region_ensure
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
NEW_SEEKER = "/counter/seekers/new/"


def codes(divisions: list[Division]) -> list[str]:
    return sorted(d.code for d in divisions)


# --- The shipped table ------------------------------------------------------------------------


def test_the_migration_loads_the_whole_current_table_and_the_past_codes() -> None:
    current = Division.objects.filter(is_current=True)

    assert current.filter(level="province").count() == 34
    assert current.filter(level="county").count() > 2800
    assert Division.objects.get(code="450110").name == "武鸣区"
    wuming_county = Division.objects.get(code="450122")  # 武鸣县 until 2015
    assert (wuming_county.is_current, wuming_county.last_year) == (False, 2014)


def test_loading_the_shipped_table_again_changes_nothing() -> None:
    before = list(Division.objects.values_list("code", "name", "is_current", "edition"))

    result = divisions_load_shipped(Division)

    assert (result.added, result.renamed, result.withdrawn, result.historical) == (0, 0, 0, 0)
    assert list(Division.objects.values_list("code", "name", "is_current", "edition")) == before


# --- Finding a county -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("450110", ["450110"]),
        ("武鸣区", ["450110"]),
        (" 武 鸣 区 ", ["450110"]),
        ("南宁市武鸣区", ["450110"]),
        ("广西南宁武鸣区", ["450110"]),
        ("广西壮族自治区武鸣区", ["450110"]),
        ("福建省福州市鼓楼区", ["350102"]),
        ("450122", []),  # 武鸣县: abolished
        ("450100", []),  # a city
        ("柳州市武鸣区", []),  # not in 柳州
        ("火星区", []),
    ],
)
def test_a_county_is_found_by_code_or_by_its_name_with_or_without_province_and_city(
    text: str, expected: list[str]
) -> None:
    assert codes(division_county_candidates(text=text)) == expected


def test_a_county_name_found_in_several_cities_is_settled_by_the_markets_city(
    nanning_market: Market, liuzhou: Region
) -> None:
    everywhere = division_county_candidates(text="城中区")
    in_liuzhou = division_county_candidates(text="城中区", near=liuzhou)
    from_nanning = division_county_candidates(text="鼓楼区", near=nanning_market.region)

    assert len(everywhere) > 1 and "450202" in codes(everywhere)
    assert codes(in_liuzhou) == ["450202"]
    assert len(from_nanning) > 1  # no 鼓楼区 in Guangxi: still ambiguous


def test_a_region_is_made_from_the_division_table_with_its_city(guangxi: Region) -> None:
    region = region_ensure(code="450110", actor=None)

    assert region is not None and region.parent is not None
    assert (region.name, region.level, region.parent.code) == ("武鸣区", "county", "450100")
    assert Region.objects.get(code="450100").parent == guangxi
    assert region.history.count() == 1
    assert region_ensure(code="450110", actor=None) == region
    assert region_ensure(code="450122", actor=None) is None  # abolished


def test_a_municipal_district_hangs_under_its_municipality() -> None:
    region = region_ensure(code="110105", actor=None)

    assert region is not None
    assert region.parent == Region.objects.get(code="110000")


# --- A seeker from 武鸣区 ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["武鸣区", "450110", "南宁市武鸣区"])
def test_a_seeker_from_wuming_is_registered_at_the_counter(
    verified_client: Clients, officer: User, nanning_market: Market, typed: str
) -> None:
    response = verified_client(officer).post(NEW_SEEKER, seeker_form(home_county=typed))

    assert response.status_code == 302
    seeker = SeekerProfile.objects.get()
    assert seeker.home_county is not None
    assert (seeker.home_county.code, seeker.home_county.name) == ("450110", "武鸣区")
    assert seeker.applicant.id_number_masked.startswith(SEEKER_ID[:6])
    assert AuditEvent.objects.filter(action__startswith="case.opened").count() == 1


def test_an_ambiguous_county_name_is_refused_with_the_advice_to_give_the_code(
    verified_client: Clients, officer: User, nanning_market: Market
) -> None:
    response = verified_client(officer).post(NEW_SEEKER, seeker_form(home_county="鼓楼区"))

    assert response.status_code == 200
    assert SeekerProfile.objects.count() == 0
    assert "鼓楼区" in response.content.decode()


def test_the_service_takes_a_county_of_another_province_by_code(
    officer: User, nanning_market: Market
) -> None:
    seeker = seeker_register(
        actor=officer,
        market=nanning_market,
        channel="counter",
        name="韦小宝",
        id_number=ID_NUMBERS[0],
        mobile="",
        profile={"home_county": "350102", "wanted_areas": ["450110"]},
    )

    assert seeker.home_county is not None and seeker.home_county.name == "鼓楼区"
    assert seeker.wanted_areas == ["450110"]


def test_a_province_or_a_made_up_code_is_still_refused(
    officer: User, nanning_market: Market
) -> None:
    for code in ("450000", "459999"):
        with pytest.raises(ValidationError):
            seeker_register(
                actor=officer,
                market=nanning_market,
                channel="counter",
                name="韦小宝",
                id_number=ID_NUMBERS[0],
                mobile="",
                profile={"home_county": code},
            )
    assert SeekerProfile.objects.count() == 0


# --- A new edition ----------------------------------------------------------------------------


def edition_file(
    tmp_path: Path, *, drop: set[str], add: dict[str, str], rename: dict[str, str]
) -> Path:
    rows = [
        (d.code, rename.get(d.code, d.name))
        for d in Division.objects.filter(is_current=True)
        if d.code not in drop
    ]
    rows += list(add.items())
    path = tmp_path / "divisions-2025.csv"
    lines = ["# edition: 2025", "code,name", *(f"{code},{name}" for code, name in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_new_edition_adds_renames_and_keeps_abolished_codes_for_id_numbers(
    tmp_path: Path,
) -> None:
    path = edition_file(
        tmp_path, drop={"450126"}, add={"450111": "新设区"}, rename={"450125": "上林市"}
    )

    call_command("update_divisions", str(path), verbosity=0)

    assert Division.objects.get(code="450111").is_current
    assert Division.objects.get(code="450125").name == "上林市"
    dropped = Division.objects.get(code="450126")
    assert not dropped.is_current
    assert division_county_candidates(text="宾阳县") == []
    first_17 = "45012619900101001"  # 宾阳县 no longer listed: its people keep their numbers
    assert resident_id_parse(first_17 + resident_id_check_character(first_17)).area_code
    assert Division.objects.filter(is_current=True, edition="2025").count() > 3000


def test_a_dry_run_changes_nothing(tmp_path: Path) -> None:
    path = edition_file(tmp_path, drop={"450126"}, add={"450111": "新设区"}, rename={})

    call_command("update_divisions", str(path), "--dry-run", verbosity=0)

    assert Division.objects.get(code="450126").is_current
    assert not Division.objects.filter(code="450111").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("# edition: 2025\n450000,广西壮族自治区\n450100,南宁市\n", "34"),
        ("# edition: 2025\n4501,南宁市\n", "line 2"),
        ("# edition: 2025\n450100,南宁市\n450100,南宁\n", "twice"),
        ("450100,南宁市\n", "edition"),
    ],
)
def test_a_partial_or_malformed_table_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    before = Division.objects.filter(is_current=True).count()

    with pytest.raises(CommandError, match=message):
        call_command("update_divisions", str(path), verbosity=0)

    assert Division.objects.filter(is_current=True).count() == before
