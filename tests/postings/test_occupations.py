"""The national occupation classification (职业分类大典 2022) as the markets use it: the 8 major
groups and the common gig occupations (工种), each under its group by code prefix."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from workflows.postings.models import Occupation, occupation_ancestor_codes
from workflows.postings.selectors import occupation_list_for_postings, occupation_search

pytestmark = pytest.mark.django_db


def test_the_eight_major_groups_are_the_top_level() -> None:
    majors = Occupation.objects.filter(parent__isnull=True).order_by("code")

    assert [m.code for m in majors] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert all(m.level == Occupation.Level.MAJOR for m in majors)
    assert majors.get(code="4").name == "社会生产服务和生活服务人员"


def test_common_gig_occupations_are_seeded_under_their_middle_and_major_group() -> None:
    occupations = list(occupation_list_for_postings())

    assert len(occupations) >= 40
    for occupation in occupations:
        assert occupation.level == Occupation.Level.OCCUPATION
        middle = occupation.parent
        assert middle is not None
        assert middle.level == Occupation.Level.MIDDLE
        assert middle.code == "-".join(occupation.code.split("-")[:2])
        assert middle.parent is not None
        assert middle.parent.code == occupation.code.split("-")[0]
    names = {o.name for o in occupations}
    for name in (
        "家政服务员",
        "保洁员",
        "网约配送员",
        "餐厅服务员",
        "保安员",
        "养老护理员",
        "电工",
    ):
        assert name in names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("搬运工", "装卸搬运工"),
        ("外卖", "网约配送员"),
        ("泥瓦工", "砌筑工"),
        ("4-03-02-05", "餐厅服务员"),
    ],
)
def test_an_occupation_is_found_by_the_name_used_at_the_counter(text: str, name: str) -> None:
    assert name in {o.name for o in occupation_search(text=text)}


def test_ancestor_codes_are_nearest_first() -> None:
    assert occupation_ancestor_codes("4-03-02-01") == ["4-03-02", "4-03", "4"]
    assert occupation_ancestor_codes("4") == []


def test_an_added_occupation_takes_its_level_and_nearest_category() -> None:
    minor = Occupation(code="4-03-02", name="餐饮服务人员")
    minor.full_clean()
    minor.save()
    occupation = Occupation(code="4-03-02-09", name="调酒师")

    occupation.full_clean()

    assert minor.level == Occupation.Level.MINOR
    assert minor.parent is not None and minor.parent.code == "4-03"
    assert occupation.level == Occupation.Level.OCCUPATION
    assert occupation.parent == minor


@pytest.mark.parametrize("code", ["9", "4-3", "4-03-02-01-01", "04-03", "4-03-x2", ""])
def test_a_malformed_occupation_code_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Occupation(code=code, name="某工种").full_clean()

    assert "code" in caught.value.message_dict


def test_the_middle_groups_of_the_2022_classification_are_seeded() -> None:
    middles = Occupation.objects.filter(level=Occupation.Level.MIDDLE)

    assert middles.count() >= 70
    parents = {m.parent.code if m.parent else "" for m in middles.select_related("parent")}
    assert parents <= set("12345678")
    assert middles.get(code="4-03").name == "住宿和餐饮服务人员"
    assert middles.get(code="6-29").name == "建筑施工人员"
    home_services = middles.select_related("parent").get(code="4-10").parent
    assert home_services is not None and home_services.code == "4"
