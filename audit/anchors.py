"""Anchors: each chain's head, written at least daily where the database cannot reach.

A seal (``audit.chain``) stops someone without the key from re-sealing edited rows, but not from
cutting rows off the end of a chain and moving its head back, nor from removing a whole chain:
what is left still verifies. An anchor records, outside the database, that a chain had reached
a sequence with a given seal. ``verify_audit`` then reports a chain that is missing, shorter
than anchored, or whose row at an anchored sequence carries another seal.

The anchor file is ``settings.AUDIT_ANCHOR_DIR / audit-anchors.jsonl``: one JSON object per line
and per chain head per anchoring::

    {"at": "2026-03-02T18:15:00.000000+00:00", "chain": "market:3", "key": "1a2b3c4d",
     "mac": "<the head row's seal>", "market": 3, "sequence": 42, "sig": "<HMAC>", "v": 1}

``sig`` is an HMAC-SHA256 of the line's other fields under the audit key named by ``key`` (one of
``settings.AUDIT_MAC_KEYS``, used for this purpose alone), so a line cannot be forged or altered
without the key either. The file is only ever opened with O_APPEND; in production make it
append-only for everyone (``chattr +a``) and keep the directory on another machine or mount
than the database.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .chain import UnknownMacKeyError, mac_equal, mac_hex, mac_key, mac_keys

ANCHOR_FILE_NAME = "audit-anchors.jsonl"
FORMAT_VERSION = 1
_PURPOSE = b"lgsc audit anchor"


@dataclass(frozen=True)
class ChainHead:
    """A chain's end as the database records it: its last sequence and that row's seal."""

    chain: str
    sequence: int
    mac: str


@dataclass(frozen=True)
class Anchor:
    """One verified line of the anchor file."""

    chain: str
    sequence: int
    mac: str
    at: datetime
    line: int


class AnchorProblem(StrEnum):
    """What is wrong with a line of the anchor file, or with the file itself."""

    MALFORMED = "malformed"  # not JSON, an unknown format, a missing or malformed field
    UNKNOWN_KEY = "unknown_key"  # signed under a key that is not configured: forged, or retired
    BAD_SIGNATURE = "bad_signature"  # the signature does not match: altered or forged
    UNREADABLE = "unreadable"  # the file itself cannot be read (line 0)


class AnchorLineError(ValueError):
    """Why one line is not a trustworthy anchor: ``problem`` and, as the message, the details."""

    def __init__(self, problem: AnchorProblem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem


@dataclass(frozen=True)
class AnchorFault:
    """A line of the anchor file that cannot be trusted (malformed, or its signature fails), or
    the whole file when it cannot be read (``line`` 0)."""

    line: int
    reason: str
    problem: AnchorProblem = AnchorProblem.MALFORMED


@dataclass(frozen=True)
class AnchorBook:
    """Everything the anchor file says, by chain."""

    path: Path
    anchors: dict[str, list[Anchor]] = field(default_factory=dict)
    faults: list[AnchorFault] = field(default_factory=list)

    def for_chain(self, chain: str) -> list[Anchor]:
        return self.anchors.get(chain, [])

    @property
    def chains(self) -> list[str]:
        return sorted(self.anchors)

    @property
    def last_at(self) -> datetime | None:
        times = [anchors[-1].at for anchors in self.anchors.values() if anchors]
        return max(times) if times else None


def anchor_dir() -> Path:
    directory = getattr(settings, "AUDIT_ANCHOR_DIR", None)
    if not directory:
        raise ImproperlyConfigured("AUDIT_ANCHOR_DIR must be set.")
    return Path(directory)


def anchor_path() -> Path:
    return anchor_dir() / ANCHOR_FILE_NAME


def _market_id(chain: str) -> int | None:
    prefix, _, market_id = chain.partition(":")
    return int(market_id) if prefix == "market" and market_id.isdigit() else None


def _signed_part(payload: dict[str, Any]) -> bytes:
    body = {name: value for name, value in payload.items() if name != "sig"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def anchor_line(head: ChainHead, *, at: datetime) -> str:
    """The signed line that anchors ``head`` at ``at``, under the first audit key."""
    key_id, key = mac_keys()[0]
    payload: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "chain": head.chain,
        "market": _market_id(head.chain),
        "sequence": head.sequence,
        "mac": head.mac,
        "key": key_id,
    }
    payload["sig"] = mac_hex(key, _PURPOSE, _signed_part(payload))
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def anchor_file_append(heads: Sequence[ChainHead], *, at: datetime) -> Path:
    """Append one signed line per head to the anchor file, in one write, and flush it to disk.

    The file is opened with O_APPEND only (never truncated or rewritten), so it also works when
    the operating system keeps it append-only (``chattr +a``)."""
    path = anchor_path()
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    data = "".join(anchor_line(head, at=at) + "\n" for head in heads).encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(f"short write to {path}: {written} of {len(data)} bytes")
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def _anchor_parse(text: str, number: int) -> Anchor:
    """One line as an Anchor; raises AnchorLineError saying what is wrong with it."""
    malformed = AnchorProblem.MALFORMED
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        raise AnchorLineError(malformed, "not a JSON line (torn or edited)") from None
    if not isinstance(payload, dict) or payload.get("v") != FORMAT_VERSION:
        raise AnchorLineError(malformed, "not an anchor line of a known format")
    try:
        chain, sequence, mac = str(payload["chain"]), payload["sequence"], str(payload["mac"])
        at = datetime.fromisoformat(str(payload["at"]))
        key_id, sig = str(payload["key"]), str(payload["sig"])
    except (KeyError, ValueError):
        raise AnchorLineError(
            malformed, "an anchor line with a missing or malformed field"
        ) from None
    if not isinstance(sequence, int) or sequence < 1 or at.tzinfo is None:
        raise AnchorLineError(malformed, "an anchor line with a malformed sequence or time")
    try:
        key = mac_key(key_id)
    except UnknownMacKeyError:
        raise AnchorLineError(
            AnchorProblem.UNKNOWN_KEY,
            f"signed with key {key_id}, which is not in AUDIT_MAC_KEYS "
            "(keep retired keys configured while their anchors are checked)",
        ) from None
    if not mac_equal(mac_hex(key, _PURPOSE, _signed_part(payload)), sig):
        raise AnchorLineError(
            AnchorProblem.BAD_SIGNATURE,
            "signature does not match the line (the line was altered or forged)",
        )
    return Anchor(chain=chain, sequence=sequence, mac=mac, at=at, line=number)


@lru_cache(maxsize=4)
def _book_read(path: Path, _mtime_ns: int, _size: int, _keys: tuple[str, ...]) -> AnchorBook:
    book = AnchorBook(path=path)
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                anchor = _anchor_parse(text, number)
            except AnchorLineError as error:
                book.faults.append(
                    AnchorFault(line=number, reason=str(error), problem=error.problem)
                )
                continue
            book.anchors.setdefault(anchor.chain, []).append(anchor)
    return book


def anchor_book() -> AnchorBook:
    """The anchor file as read now (re-read only when it changed); empty when there is none.

    A file that is there but cannot be read (permissions, a directory in its place, an I/O
    error) is a fault of the book, at line 0, not an exception: it vouches for nothing, and the
    checks report it. That outcome is not cached, so the file is tried again next time."""
    path = anchor_path()
    try:
        stat = path.stat()
        keys = tuple(getattr(settings, "AUDIT_MAC_KEYS", None) or ())
        return _book_read(path, stat.st_mtime_ns, stat.st_size, keys)
    except FileNotFoundError:
        return AnchorBook(path=path)
    except OSError as error:
        reason = f"the file cannot be read: {type(error).__name__}: {error.strerror or error}"
        fault = AnchorFault(line=0, reason=reason, problem=AnchorProblem.UNREADABLE)
        return AnchorBook(path=path, faults=[fault])


def anchors_by_sequence(anchors: Iterable[Anchor]) -> dict[int, list[Anchor]]:
    by_sequence: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_sequence.setdefault(anchor.sequence, []).append(anchor)
    return by_sequence
