"""``Case.get_state_display`` is the project's own (a list draws one per row): it must say
exactly what Django's generated one says, in both languages."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.utils.translation import override

from cases.models import Case, State


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("state", [*State.values, "not-a-state"])
def test_state_display_is_django_own(state: str, language: str) -> None:
    case = Case(state=state)
    field = Case._meta.get_field("state")

    with override(language):
        ours = case.get_state_display()
        django = Model._get_FIELD_display(case, field)  # type: ignore[attr-defined]

    assert ours == django
    assert type(ours) is str


def test_state_display_is_translated() -> None:
    with override("en"):
        english = Case(state=State.NEW).get_state_display()
        label = str(State.NEW.label)
    with override("zh-hans"):
        chinese = Case(state=State.NEW).get_state_display()

    assert english == label == "Waiting to be claimed"
    assert chinese != english
