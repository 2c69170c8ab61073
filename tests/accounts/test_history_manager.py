"""django-simple-history builds a manager class on every access of ``Model.history`` (and each
history row written accesses it): the class is built once per model instead (issue 14,
``accounts.history.history_manager_class_kept``), and the managers made from it behave the
same."""

from __future__ import annotations

import pytest
from conftest import applicant_make

from accounts.models import User
from cases.models import Applicant


def test_the_history_manager_class_is_built_once_per_model() -> None:
    assert type(Applicant.history) is type(Applicant.history)


@pytest.mark.django_db
def test_an_instances_history_is_still_its_own(officer: User) -> None:
    first = applicant_make(officer)
    second = applicant_make(officer, name="李四", id_number="450103198512120028")

    assert [row.name for row in first.history.all()] == ["韦小宝"]
    assert [row.name for row in second.history.all()] == ["李四"]
    assert Applicant.history.count() == 2
    assert first.history.instance == first
