"""Notes on a case. (Attachments: ``cases.attachments``.)"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .. import events
from .. import permissions as can
from ..fsm import save_with_history
from ..models import (
    Case,
    CaseNote,
)
from .base import (
    text_clean,
)


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    if not (can.work_on(case, actor) or case.first_contact_officer_id == actor.pk):
        raise PermissionDenied
    note = CaseNote(case=case, author=actor, text=text_clean(text, field="text", label=_("note")))
    save_with_history(note, actor)
    events.case_note_added_event(case, actor)
    return note
