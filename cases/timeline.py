"""The applicant's time line (申请人办事记录): every record of one person or employer that the
user may see, newest first, in one list that pages.

Each kind of record is a ``TimelineSource``: the records of an applicant that a user may see
(a query), the time they are sorted by, and how one becomes an ``Entry``. The engine registers
its own (cases, single notices); each workflow registers its records (postings, referrals,
guidance items, training, placements, complaints) from its app's ``ready()``, so this module
never imports a workflow.

Reading a page costs two queries per source (a count and the newest rows up to the end of the
page), however many records there are: each source is asked for its newest ``stop`` rows, and
the rows are merged by time. A person's history is tens or hundreds of rows, not millions, so
a page far down reads a little more, never everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from heapq import merge
from itertools import islice
from typing import TYPE_CHECKING, Any, overload

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from markets.models import Role
from markets.selectors import market_ids_visible_to

from . import permissions as can
from .kinds import kind_get
from .models import Applicant, Case, SingleNotice
from .selectors import case_visibility

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Entry:
    """One line of the time line. ``link`` names the record a page shows, as (what, id): the
    back office turns it into a URL (``case``, ``notice``, ``posting``, ``seeker`` …).
    ``case_id`` is the case whose completion deadline is the entry's due time; ``due`` a due
    day of the record itself (a posting's last working day, a subsidy's end)."""

    at: datetime
    source: str
    label: StrOrPromise
    title: str
    state: str
    link: tuple[str, int]
    market: str = ""
    case_id: int | None = None
    due: date | None = None
    detail: str = ""

    def sort_key(self) -> tuple[datetime, str, int]:
        return (self.at, self.source, self.link[1])


@dataclass(frozen=True)
class Scope:
    """Whose line, and what the reader may see, read once for every source: ``market_ids``,
    the markets ``user`` may see (``market_ids_visible_to``: where they work, and an
    inspector's regions), for records kept per market; ``cases``, the applicant's cases
    ``user`` may see (``case_visibility``), for records of a case."""

    user: User
    applicant: Applicant
    market_ids: list[int]
    cases: QuerySet[Case]


@dataclass(frozen=True)
class TimelineSource:
    """A kind of record on the time line. ``rows(scope)`` gives the records of
    ``scope.applicant`` that ``scope.user`` may see; ``when`` is the field they are sorted by
    (newest first); ``entry`` turns one row into an ``Entry``."""

    code: str
    label: StrOrPromise
    rows: Callable[[Scope], QuerySet[Any]]
    when: str
    entry: Callable[[Any], Entry]


SOURCES: dict[str, TimelineSource] = {}


def timeline_source_register(source: TimelineSource) -> TimelineSource:
    """Add (or replace, by code) a kind of record on every applicant's time line."""
    SOURCES[source.code] = source
    return source


class ApplicantTimeline:
    """The applicant's time line as a sequence Django's ``Paginator`` can page: its length is
    the sum of the sources' counts, and a slice reads each source's newest rows up to the end
    of the slice and merges them."""

    def __init__(self, *, user: User, applicant: Applicant) -> None:
        scope = Scope(
            user=user,
            applicant=applicant,
            market_ids=market_ids_visible_to(user=user),
            cases=Case.objects.filter(case_visibility(user=user), applicant=applicant),
        )
        self._queries = [
            (source, source.rows(scope).order_by(f"-{source.when}", "-pk"))
            for source in SOURCES.values()
        ]
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(query.count() for _source, query in self._queries)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _entries(self, stop: int) -> Iterator[Entry]:
        streams = [[source.entry(row) for row in query[:stop]] for source, query in self._queries]
        return merge(*streams, key=Entry.sort_key, reverse=True)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int, /) -> Entry: ...

    @overload
    def __getitem__(self, index: slice, /) -> list[Entry]: ...

    def __getitem__(self, index: int | slice, /) -> Entry | list[Entry]:
        if isinstance(index, int):
            found = self[index : index + 1]
            if index < 0 or not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        if stop is None or start < 0 or stop < 0 or index.step not in (None, 1):
            raise ValueError("A time line is read by a slice from 0 onwards.")
        return list(islice(self._entries(stop), start, stop))


def applicant_timeline(*, user: User, applicant: Applicant) -> ApplicantTimeline:
    """Every record of ``applicant`` that ``user`` may see, newest first (see the module)."""
    return ApplicantTimeline(user=user, applicant=applicant)


def applicant_get_visible(*, user: User, pk: int) -> Applicant:
    """The applicant, when one of their cases (any kind, any state) is one ``user`` may see
    (``case_visibility``: the markets they work in, cases they took first, inspectors'
    regions); else Applicant.DoesNotExist (→ 404). The ID number and mobile are left unread."""
    visible = Case.objects.filter(case_visibility(user=user), applicant_id=pk)
    applicant: Applicant = (
        Applicant.objects.defer("id_number", "mobile")
        .select_related("industry")
        .filter(pk=pk, pk__in=visible.values("applicant_id"))
        .get()
    )
    return applicant


def applicant_case_to_reveal_on(*, user: User, applicant: Applicant) -> Case | None:
    """A case of ``applicant`` on which ``user`` may reveal the whole ID number (as the case
    page allows: its owner while working in its market, or a team lead of its market), the
    newest first; None when there is none."""
    markets = can.market_roles(user)
    led = [market for market, role in markets.items() if role == Role.TEAM_LEAD]
    case: Case | None = (
        Case.objects.filter(applicant=applicant)
        .filter(Q(owner=user, market_id__in=list(markets)) | Q(market_id__in=led))
        .order_by("-opened_at", "-pk")
        .first()
    )
    return case


# --- The engine's own records -------------------------------------------------------------------


def _cases(scope: Scope) -> QuerySet[Case]:
    return scope.cases.select_related("market").defer("contact_mobile", "description", "outcome")


def _case_entry(case: Case) -> Entry:
    kind = kind_get(case.kind)
    return Entry(
        at=case.opened_at,
        source="case",
        label=kind.label if kind else case.kind,
        title=f"{case.reference} {case.subject}",
        state=str(case.get_state_display()),
        link=("case", case.pk),
        market=case.market.name,
        case_id=case.pk,
    )


def _notices(scope: Scope) -> QuerySet[SingleNotice]:
    notices: QuerySet[SingleNotice] = (
        SingleNotice.objects.filter(case__in=scope.cases.values("pk"))
        .select_related("case__market")
        .defer("legal_basis", "where_to_submit", "how_to_complain", "sms_text")
        .annotate(
            item_count=Count("items", distinct=True),
            outstanding=Count("items", filter=Q(items__received_at__isnull=True), distinct=True),
        )
    )
    return notices


def _notice_entry(notice: Any) -> Entry:
    outstanding = int(notice.outstanding)
    state = (
        _("%(n)s of %(total)s items still missing") % {"n": outstanding, "total": notice.item_count}
        if outstanding
        else _("Every item received")
    )
    return Entry(
        at=notice.issued_at,
        source="notice",
        label=_("Single notice"),
        title=notice.case.reference,
        state=str(state),
        link=("notice", notice.case_id),
        market=notice.case.market.name,
        detail=str(_("%(days)s working days to hand items in") % {"days": notice.time_limit_days}),
    )


CASES = timeline_source_register(
    TimelineSource(code="case", label=_("Cases"), rows=_cases, when="opened_at", entry=_case_entry)
)
NOTICES = timeline_source_register(
    TimelineSource(
        code="notice",
        label=_("Single notices"),
        rows=_notices,
        when="issued_at",
        entry=_notice_entry,
    )
)
