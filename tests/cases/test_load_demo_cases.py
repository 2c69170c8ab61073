"""The demo cases come through the real services, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from cases.models import Case, SingleNotice, State


@pytest.mark.django_db
def test_demo_cases_are_opened_once_with_their_trail() -> None:
    call_command("load_demo")
    call_command("load_demo_cases")
    counts = (Case.objects.count(), AuditEvent.objects.filter(action="case.opened").count())

    call_command("load_demo_cases")

    assert counts == (4, 4)
    assert (Case.objects.count(), AuditEvent.objects.count() > 0) == (4, True)
    assert AuditEvent.objects.filter(action="case.opened").count() == 4
    assert SingleNotice.objects.count() == 1
    assert Case.objects.filter(state=State.AWAITING_MATERIALS).count() == 1
    assert {case.reference.split("-")[0] for case in Case.objects.all()} == {"450100", "450200"}
