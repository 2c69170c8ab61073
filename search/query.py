"""What was typed into the search box, and what it is: pure functions, no database.

The box takes one line. It is cleaned as names are (NFKC: full-width digits and letters to
ASCII; invisible characters out; runs of white space made one), cut to
:data:`QUERY_MAX_LENGTH` characters, and then recognised, most specific first:

1. a resident ID number (17 digits and a digit or X): found through the keyed lookup hash
   ``Applicant.id_number_index``, never by decrypting rows; an audited search;
2. a mobile number (with or without +86 and separators): through the keyed lookup hashes
   ``Applicant.mobile_index`` and ``Case.contact_mobile_index``; an audited search;
3. a unified social credit code (18 letters and digits): the employer's, exactly;
4. a whole case reference (``450102-2026-000123``): exactly;
5. a part of a reference (digits and dashes only, at least three: "the last digits");
6. anything else of at least :data:`TEXT_MIN_LENGTH` characters: a part of a name, a posting's
   title or an occupation.

A single character (other than the exact forms above, which are long) is refused before any
query runs: it would match a good part of every table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError

from cases.identity import (
    RESIDENT_ID_FORMAT,
    mobile_mask,
    mobile_normalise,
    resident_id_mask,
    text_visible,
)

QUERY_MAX_LENGTH = 100
TEXT_MIN_LENGTH = 2
REFERENCE_PART_MIN_LENGTH = 3
REFERENCE_FORMAT = re.compile(r"^\d{6}-\d{4}-\d{6}$")
REFERENCE_PART_FORMAT = re.compile(r"^[\d-]+$")
CREDIT_CODE_FORMAT = re.compile(r"^[0-9A-Z]{18}$")
_MOBILE_SHAPE = re.compile(r"^[+\d\s\-()]+$")


class QueryKind(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    ID_NUMBER = "id_number"
    MOBILE = "mobile"
    CREDIT_CODE = "credit_code"
    REFERENCE = "reference"
    REFERENCE_PART = "reference_part"
    TEXT = "text"


# Searches by personal data: each one is an audit event.
AUDITED_KINDS = frozenset({QueryKind.ID_NUMBER, QueryKind.MOBILE})


@dataclass(frozen=True)
class SearchQuery:
    """A cleaned query and what it was recognised as. ``value`` is what the kind searches
    for: the normalised ID number, mobile, code or reference, or the text."""

    kind: QueryKind
    value: str = ""
    typed: str = ""  # cleaned, as shown back in the box
    truncated: bool = False

    @property
    def audited(self) -> bool:
        return self.kind in AUDITED_KINDS

    @property
    def masked(self) -> str:
        """What may be shown outside the search box (a page title, the event log): the ID
        number or mobile masked, anything else as typed."""
        if self.kind == QueryKind.ID_NUMBER:
            return resident_id_mask(self.value)
        if self.kind == QueryKind.MOBILE:
            return mobile_mask(self.value)
        return self.typed

    @property
    def searches(self) -> bool:
        return self.kind not in (QueryKind.EMPTY, QueryKind.TOO_SHORT)


def query_clean(raw: str) -> tuple[str, bool]:
    """The text as searched (see the module's docstring) and whether it was cut short."""
    text = " ".join(text_visible(unicodedata.normalize("NFKC", raw or "")).split())
    if len(text) > QUERY_MAX_LENGTH:
        return text[:QUERY_MAX_LENGTH].rstrip(), True
    return text, False


def query_parse(raw: str) -> SearchQuery:
    """Recognise what was typed (see the module's docstring)."""
    text, truncated = query_clean(raw)
    if not text:
        return SearchQuery(QueryKind.EMPTY, truncated=truncated)
    compact = "".join(text.split()).upper()

    def found(kind: QueryKind, value: str) -> SearchQuery:
        return SearchQuery(kind, value, typed=text, truncated=truncated)

    if RESIDENT_ID_FORMAT.match(compact):
        return found(QueryKind.ID_NUMBER, compact)
    if _MOBILE_SHAPE.match(text):
        try:
            return found(QueryKind.MOBILE, mobile_normalise(text))
        except ValidationError:
            pass
    if CREDIT_CODE_FORMAT.match(compact) and not compact.isdigit():
        return found(QueryKind.CREDIT_CODE, compact)
    if REFERENCE_FORMAT.match(compact):
        return found(QueryKind.REFERENCE, compact)
    if REFERENCE_PART_FORMAT.match(compact) and any(c.isdigit() for c in compact):
        if len(compact) >= REFERENCE_PART_MIN_LENGTH:
            return found(QueryKind.REFERENCE_PART, compact)
        return SearchQuery(QueryKind.TOO_SHORT, compact, typed=text, truncated=truncated)
    if len(text) < TEXT_MIN_LENGTH:
        return SearchQuery(QueryKind.TOO_SHORT, text, typed=text, truncated=truncated)
    return found(QueryKind.TEXT, text)


def fts5_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: in double quotes, inner double quotes doubled, so that no
    character of it is read as query syntax (``AND``, ``*``, ``:``, ``^`` …)."""
    return '"' + text.replace('"', '""') + '"'
