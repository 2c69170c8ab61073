"""Explainable matching of job seekers and postings (人岗匹配, standard art. 17).

Every match carries its reasons: which criterion gave how many of its points, in words the
officer can read out to the seeker ("Same occupation (保洁员)", "Hours overlap by 4 h").

How it runs, in both directions:

1. **Candidates, in the database.** ``match_postings`` asks for published postings whose last
   working day has not passed, in the seeker's wanted areas widened to their cities
   (``AREA_PREFIX``), in the seeker's wanted occupation groups (``OCCUPATION_GROUP_DEPTH``),
   newest first, at most ``CANDIDATES`` of them. The area and occupation filters are turned into
   lists of ids first (two small reads of the region and occupation tables), so that the
   candidate read touches the postings table alone and can walk an index (see
   ``bench/README.md``, "Matching", for the plans). Only the columns the scoring needs are read
   (``values_list``: no model instances for two thousand rows). ``match_seekers`` does the same
   with ``workflows.seekers.selectors.seeker_list_available``.
2. **Scores, in Python.** ``_score`` rates one pair on each criterion of ``WEIGHTS``.
3. **Words, for the few shown.** The top ``limit`` pairs get their model instances and their
   reasons rendered through gettext, in the language active at the call.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import Any, NamedTuple

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from markets.models import Region
from workflows.postings.models import Occupation, PayMethod, Posting, Status
from workflows.seekers.models import SeekerProfile
from workflows.seekers.selectors import seeker_list_available

# --- The weights: every criterion and its share of 100 points, in one place --------------------

WEIGHTS: dict[str, int] = {
    # The seeker's wanted occupation: the same code, or inside a wanted group, gets it all; a
    # posting that only shares a group gets a share by depth (OCCUPATION_GROUP_SHARE).
    "occupation": 35,
    # Where: inside a wanted area gets it all, the same city as a wanted area 15/20, the same
    # province 5/20.
    "area": 20,
    # How far from home, when both sides have coordinates (full within 5 km, none beyond 30).
    "distance": 5,
    # Days: the share of the posting's working days on which the seeker is available.
    "days": 10,
    # Hours: the share of the posting's working hours inside the seeker's hours.
    "hours": 5,
    # Pay: the posting's daily pay (normalised) at least the seeker's lowest expected daily pay.
    # Unknown (piece or per-job pay, or no expectation recorded): half, neither for nor against.
    "pay": 15,
    # Skills: the seeker's certificates and skills found in the posting's skill requirements
    # (3 points for one, all 5 for two or more).
    "skills": 5,
    # Recency: posted today gets it all, falling to nothing at RECENCY_DAYS.
    "recency": 5,
}
assert sum(WEIGHTS.values()) == 100  # noqa: S101  (a score is out of 100)

# Shared occupation groups by depth (1 大类, 2 中类, 3 小类), as shares of the occupation weight.
OCCUPATION_GROUP_SHARE = {3: 0.7, 2: 0.45, 1: 0.15}
# Area match levels as shares of the area weight.
AREA_SHARE = {"wanted": 1.0, "city": 0.75, "province": 0.25}
DISTANCE_FULL_KM = 5.0
DISTANCE_NONE_KM = 30.0
SKILL_POINTS_EACH = 3
RECENCY_DAYS = 30

# Candidate selection.
CANDIDATES = 2000  # at most this many, newest first, are scored
OCCUPATION_GROUP_DEPTH = 2  # 中类: a seeker wanting 4-03-02-05 is offered all of 4-03
AREA_PREFIX = 4  # a city's division-code prefix: a seeker wanting 450103 is offered all of 4501


# --- What a match is ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One criterion's contribution to a score, in words."""

    criterion: str  # a key of WEIGHTS
    weight: int  # the criterion's full points
    points: float  # what this pair got of them
    text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "weight": self.weight,
            "points": self.points,
            "text": self.text,
        }


@dataclass(frozen=True)
class Match:
    """A seeker and a posting, scored 0–100, with the reasons of the score (the largest
    contribution first). ``match_postings`` ranks postings for a seeker, ``match_seekers``
    seekers for a posting; either way both sides are here."""

    seeker: SeekerProfile
    posting: Posting
    score: int
    reasons: list[Reason] = field(default_factory=list)

    def reasons_json(self) -> list[dict[str, Any]]:
        return [reason.as_json() for reason in self.reasons]


# --- The two sides as plain values ------------------------------------------------------------


@dataclass(frozen=True)
class _Seeker:
    pk: int
    occupations: tuple[str, ...]
    areas: tuple[str, ...]
    days: frozenset[int]
    available_from: time | None
    available_until: time | None
    min_daily_pay: Decimal | None
    skill_words: tuple[str, ...]
    home: tuple[float, float] | None = None


class _Posting(NamedTuple):  # a tuple: two thousand are made per call
    pk: int
    occupation: str  # code
    county: str  # code
    latitude: Decimal | None
    longitude: Decimal | None
    working_days: str
    days_per_week: int
    start_time: time
    end_time: time
    pay_method: str
    pay_daily: Decimal | None
    skill_requirements: str
    published_at: datetime | None


# A criterion's result before it is put into words: (criterion, points, message key, values).
_Part = tuple[str, float, str, dict[str, Any]]

_POSTING_COLUMNS = (
    "pk",
    "occupation_id",
    "county_id",
    "latitude",
    "longitude",
    "working_days",
    "days_per_week",
    "start_time",
    "end_time",
    "pay_method",
    "pay_daily",
    "skill_requirements",
    "published_at",
)
_SEEKER_COLUMNS = (
    "pk",
    "wanted_occupations",
    "wanted_areas",
    "available_days",
    "available_from",
    "available_until",
    "min_daily_pay",
    "skills",
    "certificates",
    "home_county_id",
)


# --- Pure rules: codes, days, hours, words ------------------------------------------------------


def shared_depth(first: str, second: str) -> int:
    """How many leading segments two occupation codes share: 4-03-02-05 and 4-03-01-01 → 2."""
    depth = 0
    for a, b in zip(first.split("-"), second.split("-"), strict=False):
        if a != b:
            break
        depth += 1
    return depth


def occupation_group(code: str, depth: int = OCCUPATION_GROUP_DEPTH) -> str:
    """The group of ``code`` at ``depth`` segments (a shorter code is its own group)."""
    return "-".join(code.split("-")[:depth])


def area_prefix(code: str) -> str:
    """The division-code prefix of the candidate area of a wanted region: a county or city
    stands for its city (``AREA_PREFIX`` digits), a province for the province."""
    if code.endswith("0000"):
        return code[:2]
    return code[:AREA_PREFIX]


def region_contains(area: str, county: str) -> bool:
    """Whether the region ``area`` (a 6-digit code of any level) contains ``county``."""
    if area.endswith("0000"):
        return county[:2] == area[:2]
    if area.endswith("00"):
        return county[:4] == area[:4]
    return county == area


_WEEKDAY = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
_WEEK = r"(?:周|星期|礼拜)"
_DAY = _WEEK + r"([一二三四五六日天七])"
_DAY_RANGE = re.compile(_DAY + r"\s*(?:至|到|-|~|－|—|～)\s*" + _WEEK + r"?([一二三四五六日天七])")
_DAY_ONE = re.compile(_DAY)


@functools.lru_cache(maxsize=1024)
def working_days_parse(text: str) -> frozenset[int]:
    """The ISO weekdays a posting's "working days" text names, or an empty set when it names
    none that can be read (then only the number of days a week is known).
    ``"周一至周五"`` → 1–5; ``"周六、周日"`` → 6, 7; ``"每天"`` → 1–7; ``"周末"`` → 6, 7."""
    days: set[int] = set()
    if any(word in text for word in ("每天", "每日", "全周", "天天")):
        return frozenset(range(1, 8))
    if "工作日" in text:
        days.update(range(1, 6))
    if any(word in text for word in ("周末", "双休日", "节假日")):
        days.update((6, 7))
    rest = text
    for first, last in _DAY_RANGE.findall(text):
        start, end = _WEEKDAY[first], _WEEKDAY[last]
        wraps = start > end  # 周五至周一
        days.update([*range(start, 8), *range(1, end + 1)] if wraps else range(start, end + 1))
    rest = _DAY_RANGE.sub("", rest)
    days.update(_WEEKDAY[day] for day in _DAY_ONE.findall(rest))
    return frozenset(days)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def hours_overlap(
    start: time, end: time, available_from: time, available_until: time
) -> tuple[float, float]:
    """(hours of the shift inside the seeker's hours, hours of the shift). An end at or
    before the start is the next morning's (a night shift); the seeker's hours are within one
    day, and are counted on both days the shift touches."""
    begin, finish = _minutes(start), _minutes(end)
    if finish <= begin:
        finish += 24 * 60
    free_from, free_until = _minutes(available_from), _minutes(available_until)
    inside = 0
    for day in (0, 24 * 60):
        inside += max(0, min(finish, free_until + day) - max(begin, free_from + day))
    return inside / 60, (finish - begin) / 60


_SKILL_SPLIT = re.compile(r"[\s,，、;；。.:：/（）()【】\[\]]+")
_SKILL_VERBS = ("会", "能", "懂", "熟悉", "擅长", "精通", "持有", "有")


def skill_words(skills: str, certificates: Iterable[str]) -> tuple[str, ...]:
    """The words of a seeker to look for in a posting's skill requirements: each certificate
    (also without its bracketed part: "机动车驾驶证（C1）" → "机动车驾驶证"), and each phrase of
    the skills text (split at punctuation, a leading 会/熟悉/… dropped), two characters or
    longer."""
    words: list[str] = []
    for certificate in certificates:
        words.append(certificate.strip())
        words.extend(_SKILL_SPLIT.split(certificate))
    for phrase in _SKILL_SPLIT.split(skills):
        for verb in _SKILL_VERBS:
            if phrase.startswith(verb) and len(phrase) > len(verb) + 1:
                phrase = phrase.removeprefix(verb)
                break
        words.append(phrase)
    return tuple(dict.fromkeys(word for word in (w.strip() for w in words) if len(word) >= 2))


def distance_km(first: tuple[float, float], second: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(a))


# --- Scoring one pair ----------------------------------------------------------------------------


def _occupation(seeker: _Seeker, posting: _Posting) -> _Part:
    weight = WEIGHTS["occupation"]
    best: _Part = ("occupation", 0.0, "occupation_none", {})
    best_depth = 0
    for wanted in seeker.occupations:
        if posting.occupation == wanted:
            return ("occupation", float(weight), "occupation_same", {"code": wanted})
        if posting.occupation.startswith(f"{wanted}-"):
            return ("occupation", float(weight), "occupation_in_group", {"group": wanted})
        depth = shared_depth(posting.occupation, wanted)
        if depth > best_depth:
            best_depth = depth
            group = occupation_group(wanted, depth)
            points = weight * OCCUPATION_GROUP_SHARE.get(depth, 0.0)
            best = ("occupation", points, "occupation_group", {"group": group})
    return best


def _area(seeker: _Seeker, posting: _Posting) -> _Part:
    weight = WEIGHTS["area"]
    county = posting.county
    if not seeker.areas:
        return ("area", weight / 2, "area_unknown", {})
    for wanted in seeker.areas:
        if region_contains(wanted, county):
            return ("area", weight * AREA_SHARE["wanted"], "area_wanted", {"region": wanted})
    for wanted in seeker.areas:
        if wanted[:4] == county[:4] and not wanted.endswith("0000"):
            city = county[:4] + "00"
            return ("area", weight * AREA_SHARE["city"], "area_city", {"region": city})
    for wanted in seeker.areas:
        if wanted[:2] == county[:2]:
            province = county[:2] + "0000"
            return ("area", weight * AREA_SHARE["province"], "area_province", {"region": province})
    return ("area", 0.0, "area_other", {"region": county})


def _distance(seeker: _Seeker, posting: _Posting) -> _Part | None:
    if seeker.home is None or posting.latitude is None or posting.longitude is None:
        return None
    km = distance_km(seeker.home, (float(posting.latitude), float(posting.longitude)))
    share = (DISTANCE_NONE_KM - km) / (DISTANCE_NONE_KM - DISTANCE_FULL_KM)
    points = WEIGHTS["distance"] * min(1.0, max(0.0, share))
    return ("distance", points, "distance", {"km": km})


def _days(seeker: _Seeker, posting: _Posting) -> _Part:
    weight = WEIGHTS["days"]
    if not seeker.days:
        return ("days", weight / 2, "days_unknown", {})
    named = working_days_parse(posting.working_days)
    if named:
        common = len(named & seeker.days)
        needed = len(named)
    else:  # only the number of days a week is known
        needed = max(1, posting.days_per_week)
        common = min(needed, len(seeker.days))
    values = {"common": common, "available": len(seeker.days), "needed": needed}
    return ("days", weight * common / needed, "days", values)


def _hours(seeker: _Seeker, posting: _Posting) -> _Part:
    weight = WEIGHTS["hours"]
    if seeker.available_from is None or seeker.available_until is None:
        return ("hours", weight / 2, "hours_unknown", {})
    inside, shift = hours_overlap(
        posting.start_time, posting.end_time, seeker.available_from, seeker.available_until
    )
    values = {
        "hours": inside,
        "shift": (posting.start_time, posting.end_time),
        "available": (seeker.available_from, seeker.available_until),
    }
    if inside <= 0:
        return ("hours", 0.0, "hours_none", values)
    return ("hours", weight * min(1.0, inside / shift), "hours", values)


def _pay(seeker: _Seeker, posting: _Posting) -> _Part:
    weight = WEIGHTS["pay"]
    if posting.pay_daily is None:
        method = PayMethod(posting.pay_method).label if posting.pay_method else ""
        return ("pay", weight / 2, "pay_not_daily", {"method": method})
    values = {"pay": posting.pay_daily, "expected": seeker.min_daily_pay}
    if seeker.min_daily_pay is None:
        return ("pay", weight / 2, "pay_no_expectation", values)
    if posting.pay_daily >= seeker.min_daily_pay:
        return ("pay", float(weight), "pay_enough", values)
    return ("pay", 0.0, "pay_below", values)


def _skills(seeker: _Seeker, posting: _Posting) -> _Part:
    requirements = posting.skill_requirements.casefold()
    found = [word for word in seeker.skill_words if word.casefold() in requirements]
    points = min(WEIGHTS["skills"], SKILL_POINTS_EACH * len(found))
    return ("skills", float(points), "skills" if found else "skills_none", {"words": found})


def _recency(posting: _Posting, today_starts: datetime) -> _Part:
    if posting.published_at is None:
        return ("recency", 0.0, "recency_unknown", {})
    # Whole local days between the day of publication and today (no timezone conversion per
    # row: the start of today, local time, is worked out once).
    age = 0
    if posting.published_at < today_starts:
        age = (today_starts - posting.published_at) // timedelta(days=1) + 1
    points = WEIGHTS["recency"] * max(0.0, 1 - age / RECENCY_DAYS)
    return ("recency", points, "recency", {"days": age})


def day_start(day: date) -> datetime:
    """The first moment of ``day`` in the current (display) time zone."""
    return timezone.make_aware(datetime.combine(day, time()))


# The criteria that depend on the seeker and on a few of the posting's columns only: their result
# is worked out once per distinct value of those columns in a call (a few dozen occupations,
# counties, shifts and pay figures among two thousand candidates).
_CACHED_CRITERIA: tuple[
    tuple[Callable[[_Seeker, _Posting], _Part], Callable[[_Posting], Any]], ...
] = (
    (_occupation, attrgetter("occupation")),
    (_area, attrgetter("county")),
    (_days, attrgetter("working_days", "days_per_week")),
    (_hours, attrgetter("start_time", "end_time")),
    (_pay, attrgetter("pay_method", "pay_daily")),
    (_skills, attrgetter("skill_requirements")),
)


class _Scorer:
    """Scores postings for one seeker, on one day."""

    def __init__(self, seeker: _Seeker, today: date) -> None:
        self.seeker = seeker
        self.today_starts = day_start(today)
        self.cache: list[dict[Any, _Part]] = [{} for _criterion in _CACHED_CRITERIA]

    def score(self, posting: _Posting) -> tuple[int, list[_Part]]:
        parts: list[_Part] = []
        for (criterion, key_of), cache in zip(_CACHED_CRITERIA, self.cache, strict=True):
            key = key_of(posting)
            part = cache.get(key)
            if part is None:
                part = cache[key] = criterion(self.seeker, posting)
            parts.append(part)
        distance = _distance(self.seeker, posting)
        if distance is not None:
            parts.insert(2, distance)
        parts.append(_recency(posting, self.today_starts))
        score = round(sum(part[1] for part in parts))
        return max(0, min(100, score)), parts


# --- Putting reasons into words --------------------------------------------------------------


def _yuan(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return f"{amount.normalize():f}" if amount == amount.to_integral() else f"{amount:.2f}"


def _hours_text(hours: float) -> str:
    return f"{hours:.1f}".removesuffix(".0")


def _text(key: str, values: dict[str, Any], names: dict[str, str]) -> str:
    """The words of one reason (gettext, English source text)."""

    def name(code: str) -> str:
        return names.get(code, code)

    if key == "occupation_same":
        return _("Same occupation (%(name)s)") % {"name": name(values["code"])}
    if key == "occupation_in_group":
        return _("In the wanted occupation group (%(group)s)") % values
    if key == "occupation_group":
        return _("Same occupation group (%(group)s)") % values
    if key == "occupation_none":
        return _("Another occupation than the ones wanted")
    if key == "area_wanted":
        return _("Work in the seeker's wanted area (%(region)s)") % {
            "region": name(values["region"])
        }
    if key == "area_city":
        return _("Same city (%(region)s)") % {"region": name(values["region"])}
    if key == "area_province":
        return _("Same province (%(region)s)") % {"region": name(values["region"])}
    if key == "area_other":
        return _("Outside the wanted areas (%(region)s)") % {"region": name(values["region"])}
    if key == "area_unknown":
        return _("No wanted area recorded")
    if key == "distance":
        return _("%(km)s km from home") % {"km": f"{values['km']:.1f}"}
    if key == "days":
        return (
            ngettext(
                "Works on %(common)d of the seeker's %(available)d available days",
                "Works on %(common)d of the seeker's %(available)d available days",
                values["available"],
            )
            % values
        )
    if key == "days_unknown":
        return _("No available days recorded")
    if key == "hours":
        return _("Hours overlap by %(hours)s h") % {"hours": _hours_text(values["hours"])}
    if key == "hours_none":
        return _("Hours do not overlap (%(shift)s, available %(available)s)") % {
            "shift": "–".join(f"{moment:%H:%M}" for moment in values["shift"]),
            "available": "–".join(f"{moment:%H:%M}" for moment in values["available"]),
        }
    if key == "hours_unknown":
        return _("No available hours recorded")
    if key == "pay_enough":
        return _("Pays %(pay)s yuan/day, at least the %(expected)s expected") % {
            "pay": _yuan(values["pay"]),
            "expected": _yuan(values["expected"]),
        }
    if key == "pay_below":
        return _("Pays below the expected %(expected)s yuan/day: %(pay)s yuan/day") % {
            "pay": _yuan(values["pay"]),
            "expected": _yuan(values["expected"]),
        }
    if key == "pay_no_expectation":
        return _("Pays %(pay)s yuan/day; no expected pay recorded") % {"pay": _yuan(values["pay"])}
    if key == "pay_not_daily":
        return _("Pay %(method)s: not comparable with a daily figure") % values
    if key == "skills":
        return _("Skills mentioned: %(words)s") % {"words": "、".join(values["words"])}
    if key == "skills_none":
        return _("None of the seeker's skills is mentioned")
    if key == "recency":
        if values["days"] == 0:
            return _("Posted today")
        return ngettext("Posted %(days)d day ago", "Posted %(days)d days ago", values["days"]) % (
            values
        )
    if key == "recency_unknown":
        return _("Not yet published")
    raise ValueError(key)


def _names(parts: Iterable[_Part]) -> dict[str, str]:
    """The names of the occupations and regions the reasons name, by code (two small reads)."""
    occupations: set[str] = set()
    regions: set[str] = set()
    for _criterion, _points, key, values in parts:
        if key == "occupation_same":
            occupations.add(values["code"])
        elif key.startswith("area_") and "region" in values:
            regions.add(values["region"])
    names = dict(Occupation.objects.filter(code__in=occupations).values_list("code", "name"))
    names.update(Region.objects.filter(code__in=regions).values_list("code", "name"))
    return names


def _reasons(parts: list[_Part], names: dict[str, str]) -> list[Reason]:
    reasons = [
        Reason(
            criterion=criterion,
            weight=WEIGHTS[criterion],
            points=round(points, 1),
            text=_text(key, values, names),
        )
        for criterion, points, key, values in parts
    ]
    return sorted(reasons, key=lambda reason: -reason.points)


# --- Reading the two sides ----------------------------------------------------------------------


def _seeker_view(row: Sequence[Any], home: tuple[float, float] | None = None) -> _Seeker:
    pk, occupations, areas, days, available_from, available_until, pay, skills, certificates = row[
        :9
    ]
    return _Seeker(
        pk=pk,
        occupations=tuple(occupations or ()),
        areas=tuple(areas or ()),
        days=frozenset(days or ()),
        available_from=available_from,
        available_until=available_until,
        min_daily_pay=pay,
        skill_words=skill_words(skills or "", certificates or ()),
        home=home,
    )


def _seeker_row(seeker: SeekerProfile) -> tuple[Any, ...]:
    return tuple(getattr(seeker, name) for name in _SEEKER_COLUMNS)


def _posting_view(
    row: Sequence[Any], occupation_codes: dict[int, str], county_codes: dict[int, str]
) -> _Posting:
    pk, occupation_id, county_id, *rest = row
    return _Posting(pk, occupation_codes[occupation_id], county_codes[county_id], *rest)


def _posting_row(posting: Posting) -> tuple[Any, ...]:
    return tuple(getattr(posting, name) for name in _POSTING_COLUMNS)


def _codes(
    model: type[Occupation] | type[Region], ids: Iterable[int], known: dict[int, str]
) -> None:
    """Add the codes of ``ids`` missing from ``known`` (a small read, only when needed)."""
    missing = set(ids) - known.keys()
    if missing:
        known.update(model.objects.filter(pk__in=missing).values_list("pk", "code"))


def posting_candidates_filter(seeker: SeekerProfile, *, today: date) -> dict[str, Any]:
    """The candidate conditions of a seeker, as ``Posting.objects.filter`` keywords: published,
    last working day not passed, county inside the wanted areas widened to their cities (or,
    with no wanted area, the home county's city), occupation inside the wanted groups at
    ``OCCUPATION_GROUP_DEPTH``. The area and occupation conditions are lists of ids, looked up
    here in the (small) region and occupation tables."""
    conditions: dict[str, Any] = {"status": Status.PUBLISHED, "end_date__gte": today}
    areas = list(seeker.wanted_areas or [])
    if not areas and seeker.home_county is not None:
        areas = [seeker.home_county.code]
    if areas:
        where = Q()
        for prefix in {area_prefix(code) for code in areas}:
            where |= Q(code__startswith=prefix)
        conditions["county_id__in"] = list(
            Region.objects.filter(where, level=Region.Level.COUNTY).values_list("pk", flat=True)
        )
    if seeker.wanted_occupations:
        where = Q()
        for group in {occupation_group(code) for code in seeker.wanted_occupations}:
            where |= Q(code=group) | Q(code__startswith=f"{group}-")
        conditions["occupation_id__in"] = list(
            Occupation.objects.filter(where).values_list("pk", flat=True)
        )
    return conditions


def posting_candidates(seeker: SeekerProfile, *, today: date) -> Any:
    """The candidate query of ``match_postings`` (a values_list queryset; for EXPLAIN too)."""
    return (
        Posting.objects.filter(**posting_candidates_filter(seeker, today=today))
        .order_by("-published_at", "-pk")
        .values_list(*_POSTING_COLUMNS)[:CANDIDATES]
    )


# --- The two directions -------------------------------------------------------------------------


def match_postings(
    seeker: SeekerProfile,
    limit: int = 20,
    *,
    today: date | None = None,
    home: tuple[float, float] | None = None,
) -> list[Match]:
    """The ``limit`` best published postings for ``seeker``, best first (ties: newest first).

    ``home`` (latitude, longitude) adds the distance criterion: the profile records no
    coordinates, so a caller that knows them (a map click at the counter) passes them."""
    today = today or timezone.localdate()
    rows = list(posting_candidates(seeker, today=today))
    occupation_codes: dict[int, str] = {}
    county_codes: dict[int, str] = {}
    _codes(Occupation, (row[1] for row in rows), occupation_codes)
    _codes(Region, (row[2] for row in rows), county_codes)
    scorer = _Scorer(_seeker_view(_seeker_row(seeker), home), today)
    scored = []
    for position, row in enumerate(rows):  # rows are newest first: position breaks ties
        posting_view = _posting_view(row, occupation_codes, county_codes)
        score, parts = scorer.score(posting_view)
        scored.append((-score, position, posting_view.pk, parts))
    scored.sort(key=lambda item: (item[0], item[1]))
    top = scored[:limit]
    postings = Posting.objects.select_related("occupation", "county", "market", "employer").in_bulk(
        [pk for _score_, _position, pk, _parts in top]
    )
    names = _names(part for *_rest, parts in top for part in parts)
    return [
        Match(seeker=seeker, posting=postings[pk], score=-negative, reasons=_reasons(parts, names))
        for negative, _position, pk, parts in top
    ]


def match_seekers(posting: Posting, limit: int = 20, *, today: date | None = None) -> list[Match]:
    """The ``limit`` seekers who fit ``posting`` best, best first (ties: latest registration
    update first). Candidates: seekers with available days who want the posting's occupation
    group (``OCCUPATION_GROUP_DEPTH``) or a broader one, and an area in its city or wider
    (``seeker_list_available``), at most ``CANDIDATES``."""
    today = today or timezone.localdate()
    candidates = seeker_list_available(
        occupation_prefix=occupation_group(posting.occupation.code),
        county_prefix=posting.county.code[:AREA_PREFIX],
    )
    rows = list(candidates.values_list(*_SEEKER_COLUMNS)[:CANDIDATES])
    posting_view = _posting_view(
        _posting_row(posting),
        {posting.occupation_id: posting.occupation.code},
        {posting.county_id: posting.county.code},
    )
    scored = []
    for position, row in enumerate(rows):
        score, parts = _Scorer(_seeker_view(row), today).score(posting_view)
        scored.append((-score, position, row[0], parts))
    scored.sort(key=lambda item: (item[0], item[1]))
    top = scored[:limit]
    seekers = (
        SeekerProfile.objects.select_related("applicant", "home_county")
        .defer("applicant__id_number", "applicant__mobile")
        .in_bulk([pk for _score_, _position, pk, _parts in top])
    )
    names = _names(part for *_rest, parts in top for part in parts)
    return [
        Match(seeker=seekers[pk], posting=posting, score=-negative, reasons=_reasons(parts, names))
        for negative, _position, pk, parts in top
    ]


def match_one(seeker: SeekerProfile, posting: Posting, *, today: date | None = None) -> Match:
    """The score and reasons of one pair, whether or not either would be a candidate of the
    other (a referral the officer makes by hand)."""
    today = today or timezone.localdate()
    posting_view = _posting_view(
        _posting_row(posting),
        {posting.occupation_id: posting.occupation.code},
        {posting.county_id: posting.county.code},
    )
    score, parts = _Scorer(_seeker_view(_seeker_row(seeker)), today).score(posting_view)
    reasons = _reasons(parts, _names(parts))
    return Match(seeker=seeker, posting=posting, score=score, reasons=reasons)
