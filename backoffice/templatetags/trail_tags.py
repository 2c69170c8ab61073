"""The rows of the trail's lists, built in Python: the event log's search and, on the case page,
its timeline, change history, transfers and notes. A template loop costs a few hundred
microseconds a row in variable lookups, filters and escaping; the case page shows 110 rows
(bench/README.md, "The event log"). As ``case_rows`` does (``backoffice_tags``), each value is
escaped with the standard library and each time formatted in the current time zone, as the
``date`` filter formats it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from audit.actions import action_label
from cases.identity import id_numbers_mask

from .backoffice_tags import event_details, target_kind
from .backoffice_tags import html_text as _e

register = template.Library()


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
    if not rows:
        return SafeString(
            f'<tr><td colspan="6" class="hint">{_e(gettext("No event matches."))}</td></tr>'
        )
    return SafeString("\n".join(rows))


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
    if not rows:
        none = gettext("No events recorded.")
        return SafeString(f'<tr><td colspan="4" class="hint">{_e(none)}</td></tr>')
    return SafeString("\n".join(rows))


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
