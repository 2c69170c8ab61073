"""The search box's reads: what a query finds among the records the user may see, grouped by
type (cases, persons, employers, postings), a page of each.

Why a ``search`` app of its own, above the services (``workflows``) and below the pages: it
reads cases and applicants (``cases``) and postings (``workflows.postings``) together, which
neither may do (``cases`` sits below the workflows), and it owns access paths of its own
(the trigram indexes and the SQLite FTS5 tables, ``search/index.py``) with their migrations.
Visibility is not decided here: cases through ``cases.selectors.case_visibility``, applicants
as "someone with a case the user may see", postings through the markets the user may see.

Every group is one query for its page (``PAGE_SIZE`` + 1 rows tell whether there is a next
page: no ``COUNT(*)`` over a common name), plus a fixed few: the user's markets and roles, the
applicants behind an ID number, mobile or credit code, the occupations behind a text, the
latest case of each applicant shown, and the deadlines of every case on the page. The number
of queries does not grow with the number of results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import Model, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from cases.crypto import mobile_index, personal_data_index
from cases.models import Applicant, Case, applicant_key
from cases.selectors import case_visibility
from cases.sla_selectors import DeadlineMap, deadline_map_for_cases
from markets.selectors import market_ids_visible_to
from workflows.postings.codes import OCCUPATION_CODE
from workflows.postings.models import Occupation, Posting

from .index import ids_capped, name_match, reference_part_match
from .query import QueryKind, SearchQuery

PAGE_SIZE = 10
PAGE_MAX = 50  # deeper pages of a search are refined, not paged through
# At most this many people (and as many employers) whose name matches a text are looked at:
# a common text ("有限公司", a surname and one character) matches thousands, and checking each
# one's visibility would grow with them. The page says when the cap was reached.
CANDIDATES = 200
GROUPS = ("cases", "persons", "employers", "postings")

Row = TypeVar("Row")
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class ResultPage(Generic[Row]):
    rows: list[Row]
    number: int = 1
    has_next: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class ApplicantHit:
    """A person or employer found, with their latest case the user may see (its state and
    due date are what the result shows)."""

    applicant: Applicant
    latest_case: Case | None


@dataclass
class SearchResults:
    query: SearchQuery
    cases: ResultPage[Case] = field(default_factory=lambda: ResultPage([]))
    persons: ResultPage[ApplicantHit] = field(default_factory=lambda: ResultPage([]))
    employers: ResultPage[ApplicantHit] = field(default_factory=lambda: ResultPage([]))
    postings: ResultPage[Posting] = field(default_factory=lambda: ResultPage([]))
    deadlines: DeadlineMap = field(default_factory=dict)
    # Groups whose matches reached CANDIDATES: only that many were looked at.
    capped: set[str] = field(default_factory=set)

    @property
    def found(self) -> dict[str, int]:
        """How many of each type the pages show."""
        return {group: len(getattr(self, group)) for group in GROUPS}

    @property
    def empty(self) -> bool:
        return not any(self.found.values())


def page_number(value: object) -> int:
    """A page number as typed in a URL: 1 for anything that is not one, at most PAGE_MAX."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), PAGE_MAX)


def _page(rows: QuerySet[M], number: int) -> ResultPage[M]:
    start = (number - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    return ResultPage(found[:PAGE_SIZE], number, has_next=len(found) > PAGE_SIZE)


@dataclass(frozen=True)
class _Criteria:
    """What each group looks for; None: the group is not searched for this kind of query.
    ``persons`` and ``employers``: the candidates' ids (to be narrowed to the visible ones)."""

    cases: Q | None = None
    persons: list[int] | None = None
    employers: list[int] | None = None
    postings: Q | None = None


def _applicant_ids(condition: Q) -> list[int]:
    return list(Applicant.objects.filter(condition).values_list("pk", flat=True)[:100])


def _candidates(condition: Q, kind: str) -> list[int]:
    """Up to CANDIDATES ids of applicants of ``kind`` matching ``condition``, in no order: no
    ORDER BY, so that the database reads the matches from the name's index and stops at the
    cap, instead of walking the whole table in key order in the hope of an early match."""
    ids = Applicant.objects.filter(condition, kind=kind).order_by().values_list("pk", flat=True)
    return ids_capped(ids, CANDIDATES)


def _occupation_ids(condition: Q) -> list[int]:
    # The classification (a few thousand rows) is read whole: no index needed.
    return list(Occupation.objects.filter(condition).values_list("pk", flat=True))


def _criteria(query: SearchQuery) -> _Criteria:
    value = query.value
    if query.kind == QueryKind.ID_NUMBER:
        # Through the keyed hash only; an 18-digit credit code is looked up as well.
        ids = _applicant_ids(
            applicant_key("id_number_index", personal_data_index(value))
            | applicant_key("credit_code", value)
        )
        return _Criteria(Q(applicant_id__in=ids), ids, ids, Q(employer_id__in=ids))
    if query.kind == QueryKind.MOBILE:
        digest = mobile_index(value)
        ids = sorted(
            set(_applicant_ids(Q(mobile_index=digest)))
            | set(
                Case.objects.filter(contact_mobile_index=digest)
                .values_list("applicant_id", flat=True)
                .distinct()[:100]
            )
        )
        return _Criteria(
            Q(contact_mobile_index=digest) | Q(applicant_id__in=ids),
            ids,
            ids,
            Q(employer_id__in=ids),
        )
    if query.kind == QueryKind.CREDIT_CODE:
        ids = _applicant_ids(applicant_key("credit_code", value))
        return _Criteria(Q(applicant_id__in=ids), ids, ids, Q(employer_id__in=ids))
    if query.kind == QueryKind.REFERENCE:
        return _Criteria(cases=Q(reference=value), postings=Q(case__reference=value))
    if query.kind == QueryKind.REFERENCE_PART:
        # "4-03-02": digits and dashes are also an occupation code (a category and below).
        postings = None
        if OCCUPATION_CODE.match(value):
            occupations = _occupation_ids(Q(code=value) | Q(code__startswith=f"{value}-"))
            postings = Q(occupation_id__in=occupations)
        return _Criteria(cases=reference_part_match(value), postings=postings)
    if query.kind == QueryKind.TEXT:
        occupations = _occupation_ids(Q(name__contains=value) | Q(aliases__contains=value))
        persons = _candidates(name_match(value), Applicant.Kind.PERSON)
        employers = _candidates(name_match(value), Applicant.Kind.ORGANISATION)
        return _Criteria(
            persons=persons,
            employers=employers,
            postings=Q(occupation_id__in=occupations) | Q(employer_id__in=employers),
        )
    return _Criteria()


def _applicants_visible(ids: list[int], visible: Q) -> QuerySet[Applicant]:
    """The applicants of ``ids`` with a case the user may see, each with the pk of the latest
    such case (``latest_case_id``), newest registration first."""
    latest = (
        Case.objects.filter(visible, applicant_id=OuterRef("pk"))
        .order_by("-opened_at", "-pk")
        .values("pk")[:1]
    )
    applicants: QuerySet[Applicant] = (
        Applicant.objects.filter(pk__in=ids)
        .annotate(latest_case_id=Subquery(latest))
        .filter(latest_case_id__isnull=False)
        .defer("id_number", "mobile")
        .order_by("-pk")
    )
    return applicants


def search_querysets(*, user: User, query: SearchQuery) -> dict[str, QuerySet[Any]]:
    """group → the rows ``query`` finds in it that ``user`` may see, in the order shown; only
    the groups this kind of query searches. (The benchmark explains these.)"""
    return _search_plan(user, query)[0]


def _search_plan(user: User, query: SearchQuery) -> tuple[dict[str, QuerySet[Any]], set[str]]:
    """The querysets of ``search_querysets``, and the groups whose candidates reached the cap."""
    if not query.searches:
        return {}, set()
    criteria = _criteria(query)
    capped = {
        group
        for group, ids in (("persons", criteria.persons), ("employers", criteria.employers))
        if ids is not None and len(ids) >= CANDIDATES
    }
    visible = case_visibility(user=user)
    querysets: dict[str, QuerySet[Any]] = {}
    if criteria.cases is not None:
        querysets["cases"] = (
            Case.objects.filter(visible)
            .filter(criteria.cases)
            .select_related("market", "applicant")
            .defer("contact_mobile", "description", "applicant__id_number", "applicant__mobile")
            .order_by("-opened_at", "-pk")
        )
    if criteria.persons is not None:
        querysets["persons"] = _applicants_visible(criteria.persons, visible).filter(
            kind=Applicant.Kind.PERSON
        )
    if criteria.employers is not None:
        querysets["employers"] = _applicants_visible(criteria.employers, visible).filter(
            kind=Applicant.Kind.ORGANISATION
        )
    if criteria.postings is not None:
        querysets["postings"] = (
            Posting.objects.filter(criteria.postings)
            .filter(market_id__in=market_ids_visible_to(user=user))
            .select_related("occupation", "employer", "market", "case")
            .defer(
                "contact_phone",
                "employer__id_number",
                "employer__mobile",
                "case__contact_mobile",
                "case__description",
            )
            .order_by("-pk")
        )
    return querysets, capped


def search_results(
    *, user: User, query: SearchQuery, pages: Mapping[str, int] | None = None
) -> SearchResults:
    """What ``query`` finds that ``user`` may see: a page of each group (``pages``: group →
    page number, default 1)."""
    results = SearchResults(query)
    pages = pages or {}
    found: dict[str, ResultPage[Applicant]] = {}
    querysets, results.capped = _search_plan(user, query)
    for group, rows in querysets.items():
        page = _page(rows, pages.get(group, 1))
        if group in ("persons", "employers"):
            found[group] = page
        else:
            setattr(results, group, page)
    latest = _latest_cases([a for page in found.values() for a in page])
    for group, page in found.items():
        hits = [ApplicantHit(a, latest.get(a.pk)) for a in page]
        setattr(results, group, ResultPage(hits, page.number, page.has_next))
    if query.searches:
        results.deadlines = deadline_map_for_cases(case_ids=_case_ids(results))
    return results


def _latest_cases(applicants: list[Applicant]) -> dict[int, Case]:
    """applicant id → the case ``latest_case_id`` names, in one query (none for none)."""
    ids = [a.latest_case_id for a in applicants]  # type: ignore[attr-defined]
    if not ids:
        return {}
    cases = Case.objects.filter(pk__in=ids).only("pk", "reference", "state", "kind", "applicant")
    return {case.applicant_id: case for case in cases}


def _case_ids(results: SearchResults) -> Iterable[int]:
    yield from (case.pk for case in results.cases)
    for hit in [*results.persons, *results.employers]:
        if hit.latest_case is not None:
            yield hit.latest_case.pk
    yield from (posting.case_id for posting in results.postings if posting.case_id)
