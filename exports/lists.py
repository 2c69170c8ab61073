"""The lists that can be exported, each declared once: what its rows are (a selector that already
narrows to what the user may see), its columns, and who may export it.

A list's ``criteria`` are the filters of its page, already checked by the page's form and kept
as plain JSON (ids, codes, ISO dates) on the export job, so a worker can read the same rows
later. ``allowed`` is asked when the export is requested and again when its file is built:
someone whose role was revoked in between gets no file.

To export a list through another selector (the case lists' new filters), change ``rows`` (and
the page's criteria) here; the jobs, files, progress and the trail stay as they are.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.actions import action_label
from cases.identity import id_numbers_mask
from cases.kinds import kind_get
from cases.models import Channel, State
from cases.selectors import CASE_SORT_DEFAULT
from cases.services import CASE_SUBJECT
from cases.staff_selectors import audit_event_search, audit_market_list, case_list_for_market
from sla.models import Deadline, Target

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Criteria = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    """One column: its heading, the fields it reads (``values_list`` paths, never a whole
    row: an encrypted field is exported only if a column names it), and how they are shown
    (by default the one field as it is)."""

    heading: StrOrPromise
    fields: tuple[str, ...]
    show: Callable[..., object] | None = None
    # The column holds codes (a state, a kind): each is shown once per file, then remembered.
    codes: bool = False


@dataclass(frozen=True)
class ExportableList:
    name: str
    title: StrOrPromise
    columns: tuple[Column, ...]
    # rows(user, criteria): the list as the user's page shows it, ordered.
    rows: Callable[[User, Criteria], QuerySet[Any]]
    # allowed(user, criteria): may this user export this list with these filters?
    allowed: Callable[[User, Criteria], bool]
    # The market whose chain records the export (None: the global chain).
    market_id: Callable[[Criteria], int | None]

    @property
    def fields(self) -> list[str]:
        return [field for column in self.columns for field in column.fields]

    def headings(self) -> list[str]:
        return [str(column.heading) for column in self.columns]

    def row_shower(self) -> Callable[[Sequence[object]], list[object]]:
        """A function from one row of ``values_list(*self.fields)`` to its cells, for one file
        (labels of codes are looked up once per file, in the language active now)."""
        plan: list[tuple[int, int, Callable[..., object] | None, dict[object, object] | None]] = []
        start = 0
        for column in self.columns:
            end = start + len(column.fields)
            plan.append((start, end, column.show, {} if column.codes else None))
            start = end

        def cells(values: Sequence[object]) -> list[object]:
            out: list[object] = []
            for first, end, show, memo in plan:
                if show is None:
                    out.append(values[first])
                elif memo is not None:
                    key = values[first]
                    if key not in memo:
                        memo[key] = show(key)
                    out.append(memo[key])
                else:
                    out.append(show(*values[first:end]))
            return out

        return cells


# --- How values are shown (the display time zone, labels instead of codes) -----------------------


def _when(value: datetime | None) -> str:
    """In the display time zone (Asia/Shanghai), to the minute."""
    return f"{value.astimezone(_display_zone()):%Y-%m-%d %H:%M}" if value else ""


@functools.cache
def _display_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _state(code: str) -> str:
    return str(_STATE_LABELS.get(code, code))


_STATE_LABELS: dict[str, StrOrPromise] = dict(State.choices)
_CHANNEL_LABELS: dict[str, StrOrPromise] = dict(Channel.choices)


def _kind(code: str) -> str:
    kind = kind_get(code)
    return str(kind.label) if kind else code


def _channel(code: str) -> str:
    return str(_CHANNEL_LABELS.get(code, code))


def _person(full_name: str | None, username: str | None) -> str:
    return full_name or username or ""


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def _masked(text: str) -> str:
    return id_numbers_mask(text or "")


def _int_or_none(value: object) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _supervised_market_ids(user: User) -> set[int]:
    """The markets the user supervises: leads, or inspects over their region."""
    return set(audit_market_list(user=user).values_list("pk", flat=True))


# --- A market's cases (the team lead's list) -----------------------------------------------------


def _case_rows(user: User, criteria: Criteria) -> QuerySet[Any]:
    due = Deadline.objects.filter(
        subject_type=CASE_SUBJECT, subject_id=OuterRef("pk"), target=Target.COMPLETION
    ).values("due_at")[:1]
    market_id = _int_or_none(criteria.get("market_id"))
    cases = case_list_for_market(
        user=user,
        market_id=market_id if market_id is not None else 0,
        state=str(criteria.get("state") or ""),
        kind=str(criteria.get("kind") or ""),
        owner_id=_int_or_none(criteria.get("owner_id")),
        channel=str(criteria.get("channel") or ""),
        station_id=_int_or_none(criteria.get("station_id")),
        due=str(criteria.get("due") or ""),
        opened_from=_day(criteria.get("opened_from")),
        opened_to=_day(criteria.get("opened_to")),
        sort=str(criteria.get("sort") or CASE_SORT_DEFAULT),
    )
    return cases.annotate(due_at=Subquery(due))


def _case_allowed(user: User, criteria: Criteria) -> bool:
    market_id = _int_or_none(criteria.get("market_id"))
    return market_id is not None and market_id in _supervised_market_ids(user)


CASE_LIST = ExportableList(
    name="cases",
    title=_("Market cases"),
    columns=(
        Column(_("Reference"), ("reference",)),
        Column(_("Kind"), ("kind",), _kind, codes=True),
        Column(_("Subject"), ("subject",)),
        Column(_("Applicant"), ("applicant__name",)),
        Column(_("ID number"), ("applicant__id_number_masked",)),
        Column(_("State"), ("state",), _state, codes=True),
        Column(_("Channel"), ("channel",), _channel, codes=True),
        Column(_("Service station"), ("station__name",)),
        Column(_("Owner"), ("owner__full_name", "owner__username"), _person),
        Column(
            _("First-contact officer"),
            ("first_contact_officer__full_name", "first_contact_officer__username"),
            _person,
        ),
        Column(_("Opened"), ("opened_at",), _when),
        Column(_("Due"), ("due_at",), _when),
        Column(_("Closed"), ("closed_at",), _when),
    ),
    rows=_case_rows,
    allowed=_case_allowed,
    market_id=lambda criteria: _int_or_none(criteria.get("market_id")),
)


# --- The event log's search ----------------------------------------------------------------------


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _event_rows(user: User, criteria: Criteria) -> QuerySet[Any]:
    readable = _supervised_market_ids(user)
    market_id = _int_or_none(criteria.get("market_id"))
    market_ids = sorted(readable if market_id is None else readable & {market_id})
    return audit_event_search(
        user=user,
        market_ids=market_ids,
        action=str(criteria.get("action") or ""),
        actor_username=str(criteria.get("actor_username") or ""),
        date_from=_day(criteria.get("date_from")),
        date_to=_day(criteria.get("date_to")),
        case_reference=str(criteria.get("case_reference") or ""),
    )


def _event_allowed(user: User, criteria: Criteria) -> bool:
    readable = _supervised_market_ids(user)
    market_id = _int_or_none(criteria.get("market_id"))
    if criteria.get("market_id") not in (None, "") and market_id is None:
        return False
    return bool(readable) and (market_id is None or market_id in readable)


AUDIT_EVENT_LIST = ExportableList(
    name="audit_events",
    title=_("Audit events"),
    columns=(
        Column("#", ("pk",)),
        Column(_("When"), ("occurred_at",), _when),
        Column(_("Market"), ("market__name",)),
        Column(_("What"), ("action",), lambda code: str(action_label(code)), codes=True),
        Column(_("Succeeded"), ("success",), _yes_no, codes=True),
        Column(_("Who"), ("actor_label",)),
        Column(_("About"), ("target_label",), _masked),
    ),
    rows=_event_rows,
    allowed=_event_allowed,
    market_id=lambda criteria: _int_or_none(criteria.get("market_id")),
)


LISTS: dict[str, ExportableList] = {
    exportable.name: exportable for exportable in (CASE_LIST, AUDIT_EVENT_LIST)
}


def export_list_get(name: str) -> ExportableList | None:
    return LISTS.get(name)
