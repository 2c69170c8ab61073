"""The rows of the trail's lists, built in Python: the event log's search and, on the case page,
its timeline, change history, transfers and notes. A template loop costs a few hundred
microseconds a row in variable lookups, filters and escaping; the case page shows 110 rows
(bench/README.md, "The event log"). As ``case_rows`` does (``backoffice_tags``), each value is
escaped with the standard library and each time formatted in the current time zone, as the
``date`` filter formats it."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from django import template
from django.apps import apps
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from audit.actions import action_label
from cases.identity import id_numbers_mask

from .backoffice_tags import html_text as _e
from .backoffice_tags import rows_or_none

register = template.Library()

# Values of an audit event worth showing on the case's timeline.
_EVENT_DETAILS = ("reason", "outcome", "item")

# What an event is about when that is no model: the types audit.services and audit.events use.
_PSEUDO_TARGETS = {"audit.chain": gettext_lazy("Audit chain")}


def target_kind(target_type: str) -> str:
    """What kind of thing an event is about, in words ("Training wish", "Case"), from the
    recorded ``app_label.model``; empty for a type nobody knows."""
    if target_type in _PSEUDO_TARGETS:
        return str(_PSEUDO_TARGETS[target_type])
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return ""
    return capfirst(str(model._meta.verbose_name))


@functools.cache
def _choice_labels(app_label: str, key: str) -> dict[str, Any]:
    """The labels of the choices of the fields named ``key`` in the models of an app, by code
    (``("startup", "outcome")`` → ``{"provided": "Provided", …}``); a code two fields label
    differently is left out."""
    labels: dict[str, Any] = {}
    ambiguous: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label != app_label:
            continue
        for field in model._meta.get_fields():
            if field.name != key or not getattr(field, "choices", None):
                continue
            for code, label in field.flatchoices:  # type: ignore[union-attr]
                if code in labels and str(labels[code]) != str(label):
                    ambiguous.add(code)
                labels[code] = label
    return {code: label for code, label in labels.items() if code not in ambiguous}


def _detail_text(action: str, key: str, value: object) -> str:
    """One value of an event in words: a choice code of the event's app as its label (in the
    language of the page), anything else as it was recorded."""
    prefix = action.split(".", 1)[0]
    for app_label in (prefix, f"{prefix}s"):
        label = _choice_labels(app_label, key).get(value) if isinstance(value, str) else None
        if label is not None:
            return str(label)
    return str(value)


def event_details(event: Any) -> str:
    """The few values of an event a reader needs on the timeline (reason, outcome, item):
    codes as their labels, ID numbers masked."""
    values = getattr(event, "new_values", None)
    if not values:
        return ""
    parts = [
        _detail_text(event.action, key, values[key])
        for key in _EVENT_DETAILS
        if values.get(key) not in (None, "")
    ]
    if values.get("meant_for"):  # sent to the deputy of an absent officer (AB岗, cases.cover)
        parts.append(
            gettext("meant for %(name)s, away until %(end)s: sent to the deputy")
            % {"name": values["meant_for"], "end": values.get("absence_ends_on", "")}
        )
    return id_numbers_mask(" · ".join(parts))


def _when(at: datetime | None, seconds: bool = True) -> str:
    """``at`` in the current time zone as the ``date`` filter writes "Y-m-d H:i(:s)"; empty
    for none."""
    if at is None:
        return ""
    local = timezone.localtime(at)
    return f"{local:%Y-%m-%d %H:%M:%S}" if seconds else f"{local:%Y-%m-%d %H:%M}"


def _masked(text: Any) -> str:
    """Free text with ID numbers masked, escaped."""
    return _e(id_numbers_mask(str(text)))


@register.simple_tag
def event_rows(events: Any) -> SafeString:
    """The rows of the event log's search (``audit/event_table.html``): number, time,
    market, what (and "failed"), who, and what it was about."""
    failed = f' <span class="tag warn">{_e(gettext("failed"))}</span>'
    rows = []
    for event in events:
        kind = target_kind(event.target_type)
        about = f'<span class="hint">{_e(kind)}</span> · ' if kind else ""
        rows.append(
            f'<tr><td class="mono">{int(event.pk)}</td>'
            f'<td class="when">{_when(event.occurred_at)}</td>'
            f"<td>{_e(event.market.name) if event.market is not None else ''}</td>"
            f"<td>{_e(action_label(event.action))}{'' if event.success else failed}</td>"
            f"<td>{_e(event.actor_label or '—')}</td>"
            f"<td>{about}{_masked(event.target_label)}</td></tr>"
        )
    return rows_or_none(rows, columns=6, none=gettext("No event matches."))


@register.simple_tag
def timeline_rows(events: Any) -> SafeString:
    """The rows of a case's timeline: time, what, who, and the few values worth reading."""
    rows = [
        f'<tr><td class="when">{_when(event.occurred_at)}</td>'
        f"<td>{_e(action_label(event.action))}</td>"
        f"<td>{_e(event.actor or event.actor_label)}</td>"
        f'<td class="text">{_e(event_details(event))}</td></tr>'
        for event in events
    ]
    return rows_or_none(rows, columns=4, none=gettext("No events recorded."))


@register.simple_tag
def history_rows(history: Any) -> SafeString:
    """The rows of a case's change history (``cases.staff_selectors.HistoryEntry``): when,
    who, and each field changed from what to what (for the record that created the case,
    what it was created with)."""
    created = f"{_e(gettext('Created'))}: "
    other = f'<span class="hint">{_e(gettext("Other fields"))}</span>'
    rows = []
    for entry in history:
        made = entry.kind == "+"
        changes = "; ".join(
            f'<span class="change">{_e(change.label)}: '
            f"{'' if made else f'{_masked(change.old)} → '}{_masked(change.new)}</span>"
            for change in entry.changes
        )
        if not entry.changes and not made:
            changes = other
        rows.append(
            f'<tr><td class="when">{_when(entry.at)}</td>'
            f"<td>{_e(entry.user or '—')}</td>"
            f"<td>{created if made else ''}{changes}</td></tr>"
        )
    return SafeString("\n".join(rows))


@register.simple_tag
def case_transfer_rows(transfers: Any) -> SafeString:
    """The rows of a case's transfers: sent when, by whom, to whom, why (and why declined),
    and how it ended (by whom, when)."""
    declined = _e(gettext("Declined because:"))
    rows = []
    for transfer in transfers:
        to = f"{_e(transfer.to_user)} · " if transfer.to_user is not None else ""
        reason = _masked(transfer.reason)
        if transfer.decline_reason:
            reason += f'<br><span class="hint">{declined} {_masked(transfer.decline_reason)}</span>'
        status = _e(transfer.get_status_display())
        if transfer.decided_by is not None:
            decided = _when(transfer.decided_at, seconds=False)
            status += f'<br><span class="hint">{_e(transfer.decided_by)} {decided}</span>'
        rows.append(
            f'<tr><td class="when">{_when(transfer.created_at, seconds=False)}</td>'
            f"<td>{_e(transfer.from_user)}</td>"
            f"<td>{to}{_e(transfer.to_market.name)}</td>"
            f'<td class="text">{reason}</td><td>{status}</td></tr>'
        )
    return SafeString("\n".join(rows))


@register.simple_tag
def note_articles(notes: Any) -> SafeString:
    """A case's notes, each with its author and time."""
    articles = [
        f'<article class="note"><p class="hint">{_e(note.author)} · '
        f"{_when(note.created_at, seconds=False)}</p>"
        f'<p class="text">{_masked(note.text)}</p></article>'
        for note in notes
    ]
    if not articles:
        return SafeString(f'<p class="hint">{_e(gettext("No notes yet."))}</p>')
    return SafeString("\n".join(articles))
