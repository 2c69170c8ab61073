"""Personal data kept no longer than needed (个人信息保护法 art. 19), and everything held about
a person on request (art. 45) — issue 13, item 18.

Retention: once every case of a person has ended (closed, withdrawn or resolved) more than
``settings.LGSC_RETENTION_YEARS`` years ago, a periodic task anonymises the person: the name
becomes "已匿名", the ID number and mobile (ciphertexts, lookup hash, masked forms) are
cleared, the birth date is cut to its year, the cases' descriptions and the notes' texts are
cleared, attachments are deleted (rows and files), and the same fields are cleared in the
history rows too. What the figures need stays: the cases themselves with their kind, market,
channel, states, dates and outcome, the deadlines, the gender and the birth year, and the
audit trail, which is never rewritten (the anonymisation is itself an event on it).

Higher layers (the workflows) hold more about a person; they register what they anonymise
and what they export with :func:`anonymiser_register` and :func:`exporter_register`.

Subject access: a team lead of a market that served the person exports everything held about
them (:func:`applicant_data_export`); every export is an audit event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User

from . import permissions as can
from .events import applicant_anonymised_event, applicant_data_exported_event
from .fsm import delete_with_history, save_with_history
from .models import (
    OPEN_STATES,
    Applicant,
    Case,
    CaseAttachment,
    CaseNote,
    SingleNotice,
)

ANONYMISED = "已匿名"  # stored data, not a user interface text: what the records now say
ANONYMISED_TEXT = "[已匿名]"

Anonymiser = Callable[[Applicant], dict[str, int]]
Exporter = Callable[[Applicant], Any]

_ANONYMISERS: list[Anonymiser] = []
_EXPORTERS: dict[str, Exporter] = {}


def anonymiser_register(anonymiser: Anonymiser) -> None:
    """A higher layer's part of anonymising a person: called inside the transaction, returns
    counts for the audit event."""
    if anonymiser not in _ANONYMISERS:
        _ANONYMISERS.append(anonymiser)


def exporter_register(name: str, exporter: Exporter) -> None:
    """A higher layer's part of a person's export, under ``name``: JSON-able data."""
    _EXPORTERS[name] = exporter


def record_as_dict(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row's concrete fields (foreign keys as ids), decrypted, for an export."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.name not in exclude and field.attname not in exclude
    }


# --- Retention ------------------------------------------------------------------------------------


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """The moment ``LGSC_RETENTION_YEARS`` years before ``now`` (29 February → 28th)."""
    now = now or timezone.now()
    years: int = settings.LGSC_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def applicant_list_due_for_anonymising(*, now: datetime | None = None) -> QuerySet[Applicant]:
    """Persons not yet anonymised who have cases, none of them open, the last of them ended
    (closed, withdrawn, or resolved and never closed) before the retention cutoff."""
    open_case = Case.objects.filter(applicant=OuterRef("pk"), state__in=OPEN_STATES)
    return (
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, anonymised_at__isnull=True)
        .annotate(last_ended=Max(Coalesce("cases__closed_at", "cases__resolved_at")))
        .filter(~Exists(open_case), last_ended__lt=retention_cutoff(now=now))
        .order_by("pk")
    )


def _scrub_history(model: type[models.Model], ids: list[int], **values: Any) -> None:
    # History rows are not themselves history-tracked: a plain update is right here.
    history = model.history.model  # type: ignore[attr-defined]
    history.objects.filter(id__in=ids).update(**values)


@transaction.atomic
def applicant_anonymise(
    *, applicant: Applicant, actor: User | None = None, now: datetime | None = None
) -> Applicant:
    """Anonymise one person (see the module's docstring). Refused while a case is open;
    nothing happens to one anonymised already."""
    now = now or timezone.now()
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if applicant.anonymised_at is not None:
        return applicant
    cases = list(Case.objects.select_for_update(of=("self",)).filter(applicant=applicant))
    if any(case.state in OPEN_STATES for case in cases):
        raise PermissionDenied("A case of this person is still open.")
    case_ids = [case.pk for case in cases]

    applicant.name = ANONYMISED
    applicant.id_number = ""
    applicant.id_number_index = ""
    applicant.id_number_masked = ""
    applicant.mobile = ""
    applicant.mobile_masked = ""
    applicant.mobile_index = ""
    if applicant.birth_date is not None:
        applicant.birth_date = date(applicant.birth_date.year, 1, 1)
    applicant.anonymised_at = now
    save_with_history(applicant, actor)
    _scrub_history(
        Applicant,
        [applicant.pk],
        name=ANONYMISED,
        id_number_index="",
        id_number_masked="",
        mobile_masked="",
        birth_date=applicant.birth_date,
    )

    for case in cases:
        if case.description or case.contact_mobile:
            # The case's own contact mobile is kept out of its history (see Case.history).
            case.description = ""
            case.contact_mobile = ""
            case.contact_mobile_index = ""
            save_with_history(
                case,
                actor,
                update_fields=["description", "contact_mobile", "contact_mobile_index"],
            )
    _scrub_history(Case, case_ids, description="")

    notes = list(CaseNote.objects.filter(case_id__in=case_ids))
    for note in notes:
        note.text = ANONYMISED_TEXT
        save_with_history(note, actor, update_fields=["text"])
    _scrub_history(CaseNote, [note.pk for note in notes], text=ANONYMISED_TEXT)

    attachments = list(CaseAttachment.objects.filter(case_id__in=case_ids))
    attachment_ids = [attachment.pk for attachment in attachments]  # gone after delete()
    for attachment in attachments:
        name = attachment.file.name
        storage = attachment.file.storage
        delete_with_history(attachment, actor)
        # The file goes once the rows are gone for good (never on a rollback).
        transaction.on_commit(partial(storage.delete, name))
    _scrub_history(CaseAttachment, attachment_ids, original_name=ANONYMISED_TEXT, file="")

    counts = {"cases": len(cases), "notes": len(notes), "attachments": len(attachments)}
    for anonymiser in _ANONYMISERS:
        counts.update(anonymiser(applicant))
    applicant_anonymised_event(applicant, actor, counts=counts)
    return applicant


def applicants_anonymise_due(*, now: datetime | None = None) -> int:
    """The periodic task's body: anonymise every person past the retention period, each in
    its own transaction. Returns how many."""
    done = 0
    for pk in list(applicant_list_due_for_anonymising(now=now).values_list("pk", flat=True)):
        applicant_anonymise(applicant=Applicant(pk=pk), now=now)
        done += 1
    return done


# --- Subject access -------------------------------------------------------------------------------


def _case_export(case: Case) -> dict[str, Any]:
    notices = SingleNotice.objects.filter(case=case).prefetch_related("items")
    return {
        **record_as_dict(case),
        "notes": [record_as_dict(note) for note in case.notes.all()],
        "notices": [
            {**record_as_dict(notice), "items": [record_as_dict(i) for i in notice.items.all()]}
            for notice in notices
        ],
        "attachments": [record_as_dict(a, exclude=("file",)) for a in case.attachments.all()],
        "transfers": [record_as_dict(t) for t in case.transfers.all()],
    }


@transaction.atomic
def applicant_data_export(*, actor: User, case: Case) -> dict[str, Any]:
    """Everything held about the applicant of ``case`` (subject access, 个人信息保护法 art. 45),
    for a team lead of the case's market; every export is an audit event."""
    if not can.lead(case, actor):
        raise PermissionDenied
    applicant = case.applicant
    data: dict[str, Any] = {
        "exported_at": timezone.now(),
        "applicant": record_as_dict(applicant),
        "cases": [_case_export(c) for c in applicant.cases.order_by("opened_at", "pk")],
    }
    for name, exporter in sorted(_EXPORTERS.items()):
        data[name] = exporter(applicant)
    applicant_data_exported_event(applicant, case, actor, sections=sorted(data))
    # Round-trip through the encoder: dates, decimals and times as text, ready for a file.
    exported: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return exported
