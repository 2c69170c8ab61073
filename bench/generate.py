"""A province of made-up data, built reproducibly from a seed (see bench/README.md, "Data
generator").

    .venv/bin/python bench/generate.py --cases N [--db URL] [--seed S] [--markets M]
        [--batch B] [--until YYYY-MM-DD] [--stop-after K] [--fresh]

``--db`` is ``sqlite:///path/to/file.sqlite3`` or ``postgres://user:pass@host:port/name`` (the
database is created and migrated when missing); without it, the benchmark settings'
database (``BENCH_DB``, or ``DATABASE_URL``). The data goes into that database itself: it is
kept, for the benchmarks to run on (``bench/lists.py --generated``, ``bench/dashboards.py
--generated``).

What it writes, in proportion to ``--cases`` (per 1 000 000 cases: 30 M audit events, 2 M
postings, 1 M job seekers), as the services would write it:

- ``--markets`` markets (100), one county each, two service stations, ten officers and a team
  lead each (every one with a confirmed authenticator), and an inspector over the province;
- one applicant per case (a person: ID number and mobile encrypted as ``cases.crypto`` does,
  masked and indexed beside), each a registered job seeker; employers for the postings;
- the cases, spread over the markets, kinds, channels and the two years before ``--until``,
  the older ones mostly finished; each with its reference number, its history rows (one per
  transition, as simple_history writes them), its acceptance and completion clocks (stopped,
  running or paused) with the alerts still to come, the sweep's reminders, notes and pending
  transfers;
- about 30 audit events per case (opened, claimed, materials requested and received,
  transferred, notes, resolved, closed, withdrawn, and the officers' views of the case page),
  each sealed onto its market's chain exactly as ``audit.services.event_record`` seals it, so
  ``manage.py verify_audit`` accepts them; the chains' heads are anchored at the end;
- two postings per case, with their history rows.

Rows go in by COPY on PostgreSQL (psycopg's ``cursor.copy``) and ``executemany`` on SQLite,
one transaction per batch of ``--batch`` cases, which also records the batch in the
checkpoint table ``bench_generate_checkpoint``. A run that stops (killed, or ``--stop-after
K`` batches) continues where it stopped when started again with the same arguments: every
batch is made from the seed and its number alone (its ids from the checkpoint), so a resumed
run writes the same rows as an uninterrupted one. The random nonces of the encryption are
derived from the seed too: the same seed gives the same bytes.
"""

# ruff: noqa: E402  (the database is chosen before Django is set up)

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))


def database_environment(url: str) -> None:
    """Point the benchmark settings at ``url`` (before Django is set up)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        # As dj-database-url reads it: sqlite:///relative/path, sqlite:////absolute/path.
        os.environ["BENCH_DB"] = parts.path[1:]
    elif parts.scheme in ("postgres", "postgresql", "pgsql"):
        os.environ["DATABASE_URL"] = url
        # The anchor file of this database's chains: one per database (the bench directory
        # is shared; an anchor of another database's chain would read as a rewritten chain).
        bench_db = Path(os.environ.get("BENCH_DB", "var/bench/bench.sqlite3"))
        bench_dir = (bench_db if bench_db.is_absolute() else PROJECT_ROOT / bench_db).parent
        name = parts.path.lstrip("/")
        os.environ.setdefault("AUDIT_ANCHOR_DIR", str(bench_dir / f"audit-anchors-{name}"))
    else:
        sys.exit(f"--db: sqlite:///path or postgres://user:pass@host:port/name, not {url!r}")


if __name__ == "__main__":
    _pre = argparse.ArgumentParser(add_help=False)
    _pre.add_argument("--db", default="")
    _known, _rest = _pre.parse_known_args()
    if _known.db:
        database_environment(_known.db)

# bench.run sets the benchmark settings up (and refuses the demo database): first.
from bench.results import Row, results_arguments, results_directory, results_report
from bench.run import mobile, resident_id

# isort: split
import shutil

import time_machine
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from accounts.models import User
from audit.anchors import anchor_path
from audit.chain import mac_hex, mac_keys
from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from audit.services import chain_heads_anchor
from cases.counters import case_counts_rebuild
from cases.crypto import (
    FORMAT_VERSION,
    NONCE_BYTES,
    _associated_data,
    _encryption_keys,
    personal_data_index,
)
from cases.identity import mobile_mask, resident_id_mask
from cases.models import (
    Applicant,
    Case,
    CaseNote,
    Channel,
    ReferenceSequence,
    State,
    Transfer,
)
from cases.sla_counters import counter_rows, sla_counters_rebuild
from markets.models import Market, Membership, Region, Role, ServiceStation
from sla.counters import deadline_counts_rebuild, reminder_counts_rebuild
from sla.models import (
    Alert,
    Deadline,
    Level,
    Policy,
    Reminder,
    Target,
)
from workflows.postings.models import Occupation, Posting
from workflows.seekers.models import SeekerProfile

CHECKPOINT = "bench_generate_checkpoint"
# A province of up to a million cases holds, per case, about 30 audit events, 2 postings and a
# registered job seeker; a larger one holds the province's 30 M events, 2 M postings and 1 M
# seekers spread over its cases (``Shape``).
PROVINCE_CASES = 1_000_000
PROVINCE_EVENTS = 30_000_000
PROVINCE_POSTINGS = 2_000_000
PROVINCE_SEEKERS = 1_000_000
DEFERRED = "bench_generate_deferred"
OFFICERS_PER_MARKET = 10
SPAN = timedelta(days=730)  # cases opened over the two years before --until
# The kinds of case, with their weights (the ones with default SLA policies).
KINDS = {"policy_consultation": 8, "complaint": 2, "career_guidance": 3, "training_referral": 3}
SUBJECTS = {
    "policy_consultation": "灵活就业社保补贴政策咨询",
    "complaint": "零工工资拖欠投诉",
    "career_guidance": "职业指导预约",
    "training_referral": "技能培训报名",
}
CHANNELS = {
    Channel.COUNTER: 50,
    Channel.PHONE: 20,
    Channel.STATION: 10,
    Channel.KIOSK: 5,
    Channel.ONLINE: 12,
    Channel.PLATFORM: 3,
}
# Final states by the case's age: recent cases are mostly open, old ones mostly finished.
STATES_RECENT = {
    State.NEW: 12,
    State.IN_PROGRESS: 35,
    State.AWAITING_MATERIALS: 10,
    State.TRANSFER_PENDING: 3,
    State.RESOLVED: 15,
    State.CLOSED: 20,
    State.WITHDRAWN: 5,
}
STATES_OLD = {
    State.NEW: 1,
    State.IN_PROGRESS: 3,
    State.AWAITING_MATERIALS: 1,
    State.TRANSFER_PENDING: 0.2,
    State.RESOLVED: 5,
    State.CLOSED: 83,
    State.WITHDRAWN: 6,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗韦覃蒙莫黎"
GIVEN_NAMES = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
CITIES = "南宁柳州桂林梧州北海防城港钦州贵港玉林百色贺州河池来宾崇左"
CITY_NAMES: tuple[str, ...] = ("南宁", "柳州", "桂林", "梧州", "北海", "防城港", "钦州")
CITY_NAMES += ("贵港", "玉林", "百色", "贺州", "河池", "来宾", "崇左")


@dataclass(frozen=True)
class Shape:
    """What a case brings with it, on average, in a province of ``province_cases`` cases."""

    events_per_case: float
    postings_per_case: float
    seekers_per_case: float

    @classmethod
    def of(cls, province_cases: int) -> Shape:
        spread_over = max(province_cases, PROVINCE_CASES)
        return cls(
            events_per_case=PROVINCE_EVENTS / spread_over,
            postings_per_case=PROVINCE_POSTINGS / spread_over,
            seekers_per_case=PROVINCE_SEEKERS / spread_over,
        )

    def events_drawn(self, rng: random.Random) -> int:
        """A case's number of events, spread around the average (20..42 for 30)."""
        return rng.randint(round(self.events_per_case * 2 / 3), round(self.events_per_case * 1.4))

    @staticmethod
    def count_drawn(rng: random.Random, average: float) -> int:
        """The whole part of ``average``, and one more with the chance of its fraction (no
        draw for a whole average: the same rows as before shapes existed)."""
        whole = int(average)
        fraction = average - whole
        return whole + (1 if fraction and rng.random() < fraction else 0)


# --- Writing rows -----------------------------------------------------------------------------


class Table:
    """The columns of one model's table, and a row of it from a dict of values keyed by
    column: missing columns get the field's default, values are converted as the database
    backend would (SQLite keeps times as naive UTC text, durations as microseconds)."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = [
            f
            for f in model._meta.concrete_fields
            if not getattr(f, "generated", False) and f.column
        ]
        self.model = model
        self.name = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.pk = model._meta.pk.column if model._meta.pk else "id"
        sqlite = connection.vendor == "sqlite"
        ops = connection.ops
        # The row is made by a function compiled for the table: a tuple of the values in
        # column order, each converted where the backend needs it (a generic loop over the
        # columns cost a third of the run).
        names: dict[str, Any] = {}
        items = []
        for index, f in enumerate(fields):
            kind = f.get_internal_type()
            convert: Callable[[Any], Any] | None = None
            if kind == "JSONField":
                convert = _json
            elif sqlite and kind == "DateTimeField":
                convert = _sqlite_datetime(ops.adapt_datetimefield_value)
            elif sqlite and kind == "DateField":
                convert = ops.adapt_datefield_value
            elif sqlite and kind == "TimeField":
                convert = ops.adapt_timefield_value
            elif sqlite and kind == "DurationField":
                convert = _microseconds
            if f.has_default() and not callable(f.default):
                default = f.get_default()
            elif f.has_default() and f.default in (list, dict, timedelta):
                default = f.default()
            elif f.null:
                default = None
            elif f.blank and kind in ("CharField", "TextField"):
                default = ""
            else:
                default = _MISSING
            value = f"v[{f.column!r}]"
            if default is not _MISSING:
                names[f"d{index}"] = default
                value = f"v.get({f.column!r}, d{index})"
            if convert is not None:
                names[f"c{index}"] = convert
                value = f"(None if (x{index} := {value}) is None else c{index}(x{index}))"
            items.append(value)
        source = "def row(v):\n    return (" + ", ".join(items) + ",)\n"
        exec(compile(source, f"<row of {self.name}>", "exec"), names)  # noqa: S102  (our own text)
        self.row: Callable[[dict[str, Any]], tuple[Any, ...]] = names["row"]


_MISSING = object()


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _sqlite_datetime(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A time as Django's SQLite backend stores it (naive UTC text), quick for UTC ones."""

    def convert(value: datetime) -> Any:
        if value.tzinfo is UTC:
            return str(value.replace(tzinfo=None))
        return adapt(value)

    return convert


def _microseconds(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def history_table(model: type[models.Model]) -> Table:
    return Table(model.history.model)  # type: ignore[attr-defined]


class Writer:
    """Rows by table, written together at the end of a batch: COPY on PostgreSQL,
    ``executemany`` on SQLite, inside the batch's transaction. The tables are written in the
    order their first rows came, at every flush: a table whose rows point at another's comes
    after it even when a flush falls between the two."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[Table, list[tuple[Any, ...]]]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: Table, values: dict[str, Any]) -> None:
        self.rows.setdefault(table.name, (table, []))[1].append(table.row(values))

    def flush(self) -> int:
        written = 0
        raw = connection.connection
        for name, (table, rows) in self.rows.items():
            if not rows:
                continue
            columns = ", ".join(f'"{c}"' for c in table.columns)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    copy_sql = f'COPY "{name}" ({columns}) FROM STDIN'
                    with cursor.cursor.copy(copy_sql) as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in table.columns)
                insert = f'INSERT INTO "{name}" ({columns}) VALUES ({marks})'  # noqa: S608
                raw.executemany(insert, rows)
            self.counts[name] = self.counts.get(name, 0) + len(rows)
            written += len(rows)
            rows.clear()
        return written


# --- Deterministic randomness and encryption ------------------------------------------------


def batch_random(seed: int, batch: int) -> random.Random:
    """The generator of one batch: from the seed and the batch's number alone."""
    return random.Random(f"lgsc-generate:{seed}:{batch}")  # noqa: S311  (made-up data)


class Sealer:
    """Personal data encrypted as ``cases.crypto.personal_data_encrypt`` does (same key, same
    token format), with the nonce derived from the seed and the row instead of drawn at
    random, so the same seed gives the same bytes. Each (table, row, column) has its own
    nonce: no nonce is used twice under the key."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.key_id, key = _encryption_keys()[0]
        self.aead = AESGCM(key)
        self.associated = _associated_data(self.key_id)

    def encrypt(self, plaintext: str, *, where: str) -> str:
        nonce = hashlib.sha256(f"{self.seed}:{where}".encode()).digest()[:NONCE_BYTES]
        sealed = self.aead.encrypt(nonce, plaintext.encode(), self.associated)
        body = _b64(nonce + sealed)
        return f"{FORMAT_VERSION}:{self.key_id}:{body}"


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# --- The audit chains -------------------------------------------------------------------------


class Chains:
    """The heads of the markets' chains while a batch appends to them; every event sealed as
    ``audit.services._event_next`` seals it (``audit.chain.event_canonical``)."""

    def __init__(self, heads: dict[str, tuple[int, str]]) -> None:
        self.heads = dict(heads)
        self.key_id, self.key = mac_keys()[0]

    def seal(self, values: dict[str, Any]) -> None:
        """Give ``values`` (an event's columns, ``new_values`` already as canonical JSON
        text, ``old_values`` empty) its place in its chain and its seal."""
        chain = values["chain"]
        sequence, prev_hash = self.heads.get(chain, (0, GENESIS_HASH))
        sequence += 1
        values["sequence"] = sequence
        values["prev_hash"] = prev_hash
        values["mac_key_id"] = self.key_id
        ip = values["ip_address"]
        occurred = values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
        # audit.chain.event_canonical's JSON, its keys in sorted order, written out.
        canonical = (
            f'{{"action":{_js(values["action"])},"actor_id":{_jv(values["actor_id"])},'
            f'"actor_label":{_js(values["actor_label"])},"chain":{_js(chain)},'
            f'"ip_address":{"null" if ip is None else _js(ip)},'
            f'"mac_key_id":{_js(self.key_id)},"market_id":{_jv(values["market_id"])},'
            f'"new_values":{values["new_values"]},"occurred_at":"{occurred}",'
            f'"old_values":{{}},"prev_hash":"{prev_hash}","sequence":{sequence},'
            f'"success":true,"target_id":{_js(values["target_id"])},'
            f'"target_label":{_js(values["target_label"])},'
            f'"target_type":{_js(values["target_type"])}}}'
        )
        values["hash"] = seal = mac_hex(
            self.key, b"lgsc audit event", (prev_hash + canonical).encode("utf-8")
        )
        self.heads[chain] = (sequence, seal)


@lru_cache(maxsize=65_536)
def _js(text: str) -> str:
    """A string as the canonical JSON writes it."""
    return json.dumps(text, ensure_ascii=False)


def _jv(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def canonical_json(values: dict[str, Any]) -> str:
    """``values`` as the canonical JSON writes a nested object (sorted keys, no spaces)."""
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- The organisation --------------------------------------------------------------------------


@dataclass
class Organisation:
    markets: list[dict[str, Any]]  # id, prefix, county id, stations, officers, lead
    policies: dict[tuple[str, str], tuple[int, int, str]]  # (kind, target) -> id, amount, unit
    occupations: list[int]


def organisation_make(markets: int, *, at: datetime) -> None:
    """The markets, their counties, stations and staff, and an inspector over the province
    (through the ORM: a few thousand rows, with the history rows and audit events its
    receivers write), made as if ``at``, so that their audit events, which start the markets'
    chains, are the same on every run. The team lead of the first market is ``bench-lead``
    and the inspector ``bench-inspector``, as the benchmarks' own set-ups name them; every
    password date is today's (no page sends them to change it)."""
    now = timezone.now()
    with time_machine.travel(at, tick=False):
        _organisation_make(markets, now=now)


def _organisation_make(markets: int, *, now: datetime) -> None:
    province = Region.objects.create(code="450000", name="广西壮族自治区", level="province")
    cities: dict[int, Region] = {}
    number = 0
    # A usable password, as staff have (an account nobody can sign in with is offered as no
    # case's receiver or owner), hashed once for all; the benchmarks sign in by force_login.
    hashed = make_password(secrets.token_hex(8))
    for index in range(markets):
        city_number = index % len(CITY_NAMES) + 1
        city_name = CITY_NAMES[city_number - 1]
        if city_number not in cities:
            cities[city_number] = Region.objects.create(
                code=f"45{city_number:02d}00", name=f"{city_name}市", parent=province, level="city"
            )
        county_number = index // len(CITY_NAMES) + 2
        county = Region.objects.create(
            code=f"45{city_number:02d}{county_number:02d}",
            name=f"{city_name}第{county_number - 1}区",
            parent=cities[city_number],
            level="county",
        )
        market = Market.objects.create(
            region=county,
            name=f"{county.name}零工市场",
            service_phone="0771-5501234",
            address="民族大道 100 号",
            opens_at=clock_time(8, 30),
            closes_at=clock_time(17, 30),
            premises_area_m2=120,
        )
        for name in ("朝阳", "新竹"):
            ServiceStation.objects.create(market=market, name=f"{name}站", address="社区")
        staff = []
        for _ in range(OFFICERS_PER_MARKET):
            number += 1
            staff.append((f"bench-officer-{number:04d}", f"工作人员{number:04d}", Role.OFFICER))
        lead_name = "bench-lead" if index == 0 else f"bench-lead-{index + 1:03d}"
        staff.append((lead_name, f"组长{index + 1:03d}", Role.TEAM_LEAD))
        for username, full_name, role in staff:
            user = User(
                username=username, full_name=full_name, password=hashed, password_changed_at=now
            )
            user.save()
            Membership.objects.create(user=user, role=role, market=market)
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    inspector = User(username="bench-inspector", full_name="督查员", password_changed_at=now)
    inspector.set_unusable_password()
    inspector.save()
    Membership.objects.create(user=inspector, role=Role.INSPECTOR, region=province)
    TOTPDevice.objects.create(user=inspector, name="authenticator", confirmed=True)


def organisation_load() -> Organisation:
    markets = []
    for market in Market.objects.select_related("region").order_by("pk"):
        officers = list(
            Membership.objects.filter(market=market, role=Role.OFFICER)
            .order_by("user_id")
            .values_list("user_id", "user__username")
        )
        stations = list(
            ServiceStation.objects.filter(market=market).order_by("pk").values_list("pk", flat=True)
        )
        markets.append(
            {
                "id": market.pk,
                "prefix": market.region.code,
                "county": market.region_id,
                "stations": stations,
                "officers": officers,
            }
        )
    policies = {
        (p.kind, p.target): (p.pk, p.amount, p.unit)
        for p in Policy.objects.filter(market=None).order_by("pk")
    }
    occupations = list(Occupation.objects.order_by("pk").values_list("pk", flat=True))
    return Organisation(markets=markets, policies=policies, occupations=occupations)


# --- The checkpoint ---------------------------------------------------------------------------


@dataclass
class Checkpoint:
    """What the last finished batch left: the arguments of the run, the batches done, the
    next id of every table written, the reference numbers given and the chains' heads."""

    params: dict[str, Any]
    batches_done: int = 0
    next_ids: dict[str, int] = field(default_factory=dict)
    references: dict[str, int] = field(default_factory=dict)
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    finished: bool = False

    def state(self) -> str:
        return json.dumps(
            {
                "next_ids": self.next_ids,
                "references": self.references,
                "heads": self.heads,
                "finished": self.finished,
            },
            sort_keys=True,
        )


def checkpoint_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {CHECKPOINT} (id integer PRIMARY KEY, "
            "params text NOT NULL, batches_done integer NOT NULL, state text NOT NULL)"
        )


def checkpoint_read() -> Checkpoint | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT params, batches_done, state FROM {CHECKPOINT} WHERE id = 1")  # noqa: S608
        found = cursor.fetchone()
    if found is None:
        return None
    params, batches_done, state = found
    values = json.loads(state)
    return Checkpoint(
        params=json.loads(params),
        batches_done=batches_done,
        next_ids=values["next_ids"],
        references=values["references"],
        heads={chain: (int(s), h) for chain, (s, h) in values["heads"].items()},
        finished=values["finished"],
    )


def checkpoint_write(checkpoint: Checkpoint, *, first: bool = False) -> None:
    with connection.cursor() as cursor:
        if first:
            cursor.execute(
                f"INSERT INTO {CHECKPOINT} (id, params, batches_done, state) "  # noqa: S608
                "VALUES (1, %s, %s, %s)",
                [json.dumps(checkpoint.params), checkpoint.batches_done, checkpoint.state()],
            )
        else:
            cursor.execute(
                f"UPDATE {CHECKPOINT} SET batches_done = %s, state = %s WHERE id = 1",  # noqa: S608
                [checkpoint.batches_done, checkpoint.state()],
            )


# --- Indexes and constraints built once, after the rows --------------------------------------


def _deferred_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {DEFERRED} (id integer PRIMARY KEY, "
            "drop_sql text NOT NULL, create_sql text NOT NULL)"
        )


def _schema_of(tables: Tables) -> list[tuple[str, str]]:
    """(drop, create) of every index and constraint of the written tables but their primary
    keys and checks, in the order to create them again: unique ones and indexes, then foreign
    keys (SQLite: indexes only; its foreign keys are part of the table)."""
    names = [table.name for table in tables.all()]
    found: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT r.relname, c.conname, pg_get_constraintdef(c.oid), c.contype "
                "FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
                "WHERE r.relname = ANY(%s) AND c.contype IN ('u', 'f') "
                "ORDER BY c.contype DESC, r.relname, c.conname",
                [names],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
                "AND c.contype IN ('p', 'u')) ORDER BY i.tablename, i.indexname",
                [names],
            )
            indexes = cursor.fetchall()
            quote = connection.ops.quote_name
            for table, name, definition, _kind in constraints:
                found.append(
                    (
                        f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}",
                        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}",
                    )
                )
            found += [(f"DROP INDEX {quote(name)}", definition) for _t, name, definition in indexes]
            # Created again: the unique ones and indexes first, the foreign keys last.
            return sorted(found, key=lambda pair: "FOREIGN KEY" in pair[1])
        marks = ", ".join("%s" for _ in names)
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND tbl_name IN ({marks}) ORDER BY tbl_name, name",
            names,
        )
        return [(f'DROP INDEX "{name}"', sql) for name, sql in cursor.fetchall()]


def schema_defer(tables: Tables) -> int:
    """Before the first batch: the written tables' indexes and constraints dropped (each row
    would otherwise update a dozen indexes, the search's trigram ones among them, and check
    its foreign keys one by one), and how to make them again kept in the database, so a run
    resumed after a crash still builds them. Returns how many were dropped now."""
    _deferred_table()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DEFERRED}")  # noqa: S608
        if cursor.fetchone()[0]:
            return 0  # dropped by the run this one resumes
        pairs = _schema_of(tables)
        for position, (drop, create) in enumerate(pairs, start=1):
            cursor.execute(drop)
            cursor.execute(
                f"INSERT INTO {DEFERRED} (id, drop_sql, create_sql) VALUES (%s, %s, %s)",  # noqa: S608
                [position, drop, create],
            )
    return len(pairs)


def schema_restore() -> int:
    """After the last batch: every index and constraint dropped by ``schema_defer`` made again
    (each in a transaction with its removal from the list: a run stopped meanwhile goes on with
    the rest); the unique ones and foreign keys check every row as they are made. On SQLite
    the foreign keys, off during the batches, are checked here. Returns how many were made."""
    _deferred_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, create_sql FROM {DEFERRED} ORDER BY id")  # noqa: S608
        pending = cursor.fetchall()
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '1GB'")
    for position, create in pending:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(create)
            cursor.execute(f"DELETE FROM {DEFERRED} WHERE id = %s", [position])  # noqa: S608
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            broken = cursor.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"rows with a missing parent: {broken[:10]}")
    return len(pending)


@contextmanager
def foreign_keys_off() -> Iterator[None]:
    """SQLite: foreign keys not checked row by row during the batches (``schema_restore``
    checks them all at the end); PostgreSQL's are dropped by ``schema_defer``."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = ON")


# --- One batch of cases -----------------------------------------------------------------------


class Tables:
    def __init__(self) -> None:
        self.applicant = Table(Applicant)
        self.applicant_history = history_table(Applicant)
        self.seeker = Table(SeekerProfile)
        self.seeker_history = history_table(SeekerProfile)
        self.case = Table(Case)
        self.case_history = history_table(Case)
        self.deadline = Table(Deadline)
        self.alert = Table(Alert)
        self.reminder = Table(Reminder)
        self.note = Table(CaseNote)
        self.note_history = history_table(CaseNote)
        self.transfer = Table(Transfer)
        self.transfer_history = history_table(Transfer)
        self.event = Table(AuditEvent)
        self.posting = Table(Posting)
        self.posting_history = history_table(Posting)

    def all(self) -> list[Table]:
        return [t for t in vars(self).values() if isinstance(t, Table)]


class Ids:
    def __init__(self, next_ids: dict[str, int]) -> None:
        self.next_ids = next_ids

    def take(self, table: Table) -> int:
        value = self.next_ids[table.name]
        self.next_ids[table.name] = value + 1
        return value


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_NAMES, k=rng.randint(1, 2)))


def _due(start: datetime, amount: int, unit: str) -> datetime:
    """Roughly the due time of a clock (working days as 7/5 calendar days)."""
    if unit == "working_hours":
        return start + timedelta(hours=amount * 2)
    if unit == "same_day":
        return start + timedelta(hours=8)
    return start + timedelta(days=amount * 7 / 5)


@dataclass
class BatchMaker:
    """The rows of one batch of cases, from the seed and the batch number alone (and the ids
    and chain heads the batches before it left)."""

    seed: int
    cases: int
    until: datetime
    organisation: Organisation
    tables: Tables
    sealer: Sealer
    shape: Shape

    def make(self, batch: int, first: int, last: int, checkpoint: Checkpoint) -> Writer:
        rng = batch_random(self.seed, batch)
        writer = Writer()
        ids = Ids(checkpoint.next_ids)
        chains = Chains(checkpoint.heads)
        for number in range(first, last):
            self._case(number, rng, writer, ids, chains, checkpoint.references)
        checkpoint.heads = chains.heads
        return writer

    def _case(
        self,
        number: int,
        rng: random.Random,
        writer: Writer,
        ids: Ids,
        chains: Chains,
        references: dict[str, int],
    ) -> None:
        t = self.tables
        org = self.organisation
        market = org.markets[rng.randrange(len(org.markets))]
        officers = market["officers"]
        opened_at = (
            self.until
            - SPAN
            + SPAN * (number / self.cases)
            + timedelta(seconds=rng.randint(0, 600))
        ).replace(microsecond=rng.randrange(1_000_000))
        age = self.until - opened_at
        final = _weighted(rng, STATES_RECENT if age < timedelta(days=45) else STATES_OLD)
        kind = _weighted(rng, KINDS)
        channel = _weighted(rng, CHANNELS)
        first_contact_id, _username = officers[rng.randrange(len(officers))]

        # The applicant, a registered job seeker (all of them in a province of up to a
        # million cases).
        applicant_id = ids.take(t.applicant)
        id_number = resident_id(number, area=market["prefix"])
        phone = mobile(number * 7 + 1)
        registered = opened_at - timedelta(minutes=rng.randint(1, 30))
        applicant = {
            "id": applicant_id,
            "kind": Applicant.Kind.PERSON,
            "name": _person_name(rng),
            "id_number": self.sealer.encrypt(id_number, where=f"applicant:{applicant_id}:id"),
            "id_number_index": personal_data_index(id_number),
            "id_number_masked": resident_id_mask(id_number),
            "gender": "male" if int(id_number[16]) % 2 else "female",
            "birth_date": date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
            "mobile": self.sealer.encrypt(phone, where=f"applicant:{applicant_id}:mobile"),
            "mobile_masked": mobile_mask(phone),
            "mobile_index": personal_data_index(phone),
            "credit_code": "",
            "created_at": registered,
        }
        writer.add(t.applicant, applicant)
        self._history(
            writer, ids, t.applicant_history, applicant, "+", registered, first_contact_id
        )
        if Shape.count_drawn(rng, self.shape.seekers_per_case):
            self._seeker(writer, ids, rng, applicant_id, market, registered, first_contact_id)

        # The case and what happened to it.
        year = timezone.localtime(opened_at).year
        key = f"{market['prefix']}:{year}"
        references[key] = references.get(key, 0) + 1
        case_id = ids.take(t.case)
        reference = f"{market['prefix']}-{year}-{references[key]:06d}"
        subject = SUBJECTS[kind]
        station = None
        if channel == Channel.STATION or rng.random() < 0.1:
            station = market["stations"][0 if rng.random() < 0.67 else 1]
        claimed_at_intake = channel in (Channel.COUNTER, Channel.STATION)
        case = {
            "id": case_id,
            "reference": reference,
            "kind": kind,
            "state": State.IN_PROGRESS if claimed_at_intake else State.NEW,
            "market_id": market["id"],
            "station_id": station,
            "channel": channel,
            "applicant_id": applicant_id,
            "contact_mobile": self.sealer.encrypt(phone, where=f"case:{case_id}:mobile"),
            "contact_mobile_index": applicant["mobile_index"],
            "subject": subject,
            "description": "来窗口咨询，已登记。",
            "first_contact_officer_id": first_contact_id,
            "owner_id": first_contact_id if claimed_at_intake else None,
            "priority": "urgent" if rng.random() < 0.05 else "normal",
            "outcome": "",
            "opened_at": opened_at,
            "resolved_at": None,
            "closed_at": None,
        }
        label = f"{reference} {subject}"[:200]
        steps: list[tuple[datetime, str, dict[str, Any], int]] = []  # when, action, values, actor
        moment = opened_at

        def later(low_minutes: int, high_minutes: int) -> datetime:
            nonlocal moment
            moment = min(
                moment + timedelta(minutes=rng.randint(low_minutes, high_minutes)), self.until
            )
            return moment

        def step(action: str, actor: int, **changes: Any) -> None:
            case.update(changes)
            steps.append((moment, action, dict(case), actor))

        step("case.opened", first_contact_id)
        acceptance_stop: datetime | None = opened_at if claimed_at_intake else None
        completion_stop: datetime | None = None
        paused_at: datetime | None = None
        owner = first_contact_id
        transfer_at: datetime | None = None
        if final != State.NEW:
            if not claimed_at_intake:
                owner = officers[rng.randrange(len(officers))][0]
                later(10, 600)
                acceptance_stop = moment
                step("case.claimed", owner, state=State.IN_PROGRESS, owner_id=owner)
            if final == State.AWAITING_MATERIALS or rng.random() < 0.2:
                later(30, 2000)
                step("case.materials_requested", owner, state=State.AWAITING_MATERIALS)
                if final == State.AWAITING_MATERIALS:
                    paused_at = moment
                else:
                    later(600, 5000)
                    step("case.materials_received", owner, state=State.IN_PROGRESS)
            if final == State.TRANSFER_PENDING:
                later(30, 1000)
                transfer_at = moment
                step("case.transferred", owner, state=State.TRANSFER_PENDING)
            if final in (State.RESOLVED, State.CLOSED):
                later(60, 8000)
                completion_stop = moment
                step(
                    "case.resolved",
                    owner,
                    state=State.RESOLVED,
                    outcome="已答复申请人。",
                    resolved_at=moment,
                )
            if final == State.CLOSED:
                later(10, 3000)
                step("case.closed", owner, state=State.CLOSED, closed_at=moment)
        if final == State.WITHDRAWN:
            later(10, 3000)
            acceptance_stop = acceptance_stop or moment
            completion_stop = moment
            step("case.withdrawn", owner, state=State.WITHDRAWN, closed_at=moment)

        writer.add(t.case, case)
        for at, action, snapshot, actor in steps:
            change = "+" if action == "case.opened" else "~"
            self._history(writer, ids, t.case_history, snapshot, change, at, actor)

        # Clocks and reminders.
        self._clock(writer, ids, case, Target.ACCEPTANCE, opened_at, acceptance_stop, None, rng)
        self._clock(
            writer, ids, case, Target.COMPLETION, opened_at, completion_stop, paused_at, rng
        )

        # A pending transfer.
        if transfer_at is not None:
            to_market = org.markets[(org.markets.index(market) + 1) % len(org.markets)]
            transfer = {
                "id": ids.take(t.transfer),
                "case_id": case_id,
                "from_user_id": owner,
                "to_market_id": to_market["id"],
                "to_user_id": None,
                "reason": "不属于本市场受理范围",
                "status": Transfer.Status.PENDING,
                "created_at": transfer_at,
                "decline_reason": "",
            }
            writer.add(t.transfer, transfer)
            self._history(writer, ids, t.transfer_history, transfer, "+", transfer_at, owner)

        # Notes and views, to about the shape's events per case in all.
        events: list[tuple[datetime, str, int, dict[str, Any], str | None]] = [
            (at, action, actor, snapshot, None) for at, action, snapshot, actor in steps
        ]
        viewed_from: str | None

        def snapshot_at(at: datetime) -> dict[str, Any]:
            """The case as it stood at ``at`` (after the last transition before it)."""
            found = steps[0][2]
            for when, _action, snapshot, _actor in steps:
                if when > at:
                    break
                found = snapshot
            return found

        end = completion_stop or self.until
        window = max((end - opened_at).total_seconds(), 60.0)
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            at = opened_at + timedelta(seconds=rng.uniform(0, window))
            note = {
                "id": ids.take(t.note),
                "case_id": case_id,
                "author_id": owner,
                "text": "电话联系申请人，已说明所需材料。",
                "created_at": at,
            }
            writer.add(t.note, note)
            self._history(writer, ids, t.note_history, note, "+", at, owner)
            events.append((at, "case.note_added", owner, snapshot_at(at), None))
        views = max(0, self.shape.events_drawn(rng) - len(events))
        for _ in range(views):
            at = opened_at + timedelta(seconds=rng.uniform(0, window))
            viewer = officers[rng.randrange(len(officers))][0]
            viewed_from = f"10.45.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            events.append((at, "case.viewed", viewer, snapshot_at(at), viewed_from))
        events.sort(key=lambda e: e[0])
        usernames = dict(officers)
        chain = f"market:{market['id']}"
        for at, action, actor, snapshot, ip in events:
            new_values: dict[str, Any] = {"reference": reference, "state": snapshot["state"]}
            if action in ("case.opened", "case.closed"):
                new_values.update(kind=kind, channel=channel)
            elif action == "case.resolved":
                new_values["outcome"] = snapshot["outcome"]
            elif action == "case.withdrawn":
                new_values["reason"] = "申请人撤回"
            elif action == "case.materials_requested":
                new_values.update(notice_id=None, item_count=2)
            elif action == "case.materials_received":
                new_values["item_count"] = 2
            elif action == "case.transferred":
                new_values.update(to_market_id=None, to_user_id=None, reason="不属于本市场受理范围")
            elif action == "case.viewed":
                new_values["page"] = "case"
            event = {
                "id": ids.take(t.event),
                "occurred_at": at,
                "actor_id": actor,
                "actor_label": usernames.get(actor, ""),
                "action": action,
                "target_type": "cases.case",
                "target_id": str(case_id),
                "target_label": label,
                "market_id": market["id"],
                "old_values": "{}",
                "new_values": canonical_json(new_values),
                "ip_address": ip,
                "success": True,
                "chain": chain,
            }
            chains.seal(event)
            writer.add(t.event, event)

        # Postings of the market's employers.
        for _ in range(Shape.count_drawn(rng, self.shape.postings_per_case)):
            self._posting(writer, ids, market, rng, opened_at, first_contact_id)

    def _seeker(
        self,
        writer: Writer,
        ids: Ids,
        rng: random.Random,
        applicant_id: int,
        market: dict[str, Any],
        registered: datetime,
        officer: int,
    ) -> None:
        t = self.tables
        org = self.organisation
        seeker = {
            "id": ids.take(t.seeker),
            "applicant_id": applicant_id,
            "household_type": rng.choice(["urban", "rural"]),
            "home_county_id": market["county"],
            "wanted_occupations": rng.sample(org.occupations, k=min(2, len(org.occupations))),
            "wanted_areas": [market["prefix"]],
            "available_days": [1, 2, 3, 4, 5],
            "min_daily_pay": Decimal(rng.randrange(120, 300)),
            "years_of_experience": rng.randrange(0, 20),
            "registered_at": registered,
            "updated_at": registered,
        }
        writer.add(t.seeker, seeker)
        self._history(writer, ids, t.seeker_history, seeker, "+", registered, officer)

    def _history(
        self,
        writer: Writer,
        ids: Ids,
        table: Table,
        values: dict[str, Any],
        kind: str,
        at: datetime,
        user: int | None,
    ) -> None:
        writer.add(
            table,
            {
                **values,
                "history_id": ids.take(table),
                "history_date": at,
                "history_change_reason": None,
                "history_type": kind,
                "history_user_id": user,
            },
        )

    def _clock(
        self,
        writer: Writer,
        ids: Ids,
        case: dict[str, Any],
        target: str,
        started: datetime,
        stopped: datetime | None,
        paused: datetime | None,
        rng: random.Random,
    ) -> None:
        policy = self.organisation.policies.get((case["kind"], target))
        if policy is None:
            return
        policy_id, amount, unit = policy
        due = _due(started, amount, unit)
        warn = due - (due - started) / 5
        escalate = due + timedelta(days=2)
        now = self.until
        deadline_id = ids.take(self.tables.deadline)
        writer.add(
            self.tables.deadline,
            {
                "id": deadline_id,
                "subject_type": "cases.case",
                "subject_id": case["id"],
                "market_id": case["market_id"],
                "officer_id": case["owner_id"],  # the case's owner, as the clock services keep it
                "channel": case["channel"],  # and its channel and station
                "station_id": case["station_id"],
                "kind": case["kind"],
                "target": target,
                "policy_id": policy_id,
                "started_at": started,
                "due_at": due,
                "warn_at": warn,
                "escalate_at": escalate,
                "estimated": False,
                "paused_at": paused,
                "paused_total": timedelta(0),
                "stopped_at": stopped,
                "met": None if stopped is None else stopped <= due,
            },
        )
        if stopped is None and paused is None:  # its alerts: the levels still to come
            for moment, level in (
                (warn, Level.WARNING),
                (due, Level.BREACH),
                (escalate, Level.ESCALATION),
            ):
                if moment > now:
                    writer.add(
                        self.tables.alert,
                        {
                            "id": ids.take(self.tables.alert),
                            "deadline_id": deadline_id,
                            "level": level,
                            "at": moment,
                            "market_id": case["market_id"],
                            "subject_type": "cases.case",
                            "target": target,
                        },
                    )
        end = stopped or paused or now
        for moment, level in (
            (warn, Level.WARNING),
            (due, Level.BREACH),
            (escalate, Level.ESCALATION),
        ):
            if moment < end:
                writer.add(
                    self.tables.reminder,
                    {
                        "id": ids.take(self.tables.reminder),
                        "deadline_id": deadline_id,
                        "level": level,
                        "created_at": moment,
                        "delivered_at": moment + timedelta(seconds=rng.randint(5, 120)),
                        "queued_until": moment,  # no lease: as the model's default
                    },
                )

    def _posting(
        self,
        writer: Writer,
        ids: Ids,
        market: dict[str, Any],
        rng: random.Random,
        at: datetime,
        officer: int,
    ) -> None:
        t = self.tables
        employer_id = ids.take(t.applicant)
        employer = {
            "id": employer_id,
            "kind": Applicant.Kind.ORGANISATION,
            "name": f"{rng.choice(CITIES)}{rng.randrange(1000)}号劳务公司",
            "id_number": "",
            "id_number_index": "",
            "id_number_masked": "",
            "gender": "",
            "birth_date": None,
            "mobile": "",
            "mobile_masked": "",
            "mobile_index": "",
            "credit_code": "",
            "created_at": at,
        }
        writer.add(t.applicant, employer)
        self._history(writer, ids, t.applicant_history, employer, "+", at, officer)
        posting_id = ids.take(t.posting)
        phone = mobile(posting_id * 13 + 5)
        start = timezone.localtime(at).date() + timedelta(days=rng.randint(1, 10))
        pay = Decimal(rng.randrange(120, 320))
        age = self.until - at
        status = (
            rng.choice(["published", "published", "filled", "in_review"])
            if age < timedelta(days=30)
            else rng.choice(["expired", "expired", "filled", "withdrawn"])
        )
        published = at + timedelta(hours=rng.randint(1, 30)) if status != "in_review" else None
        posting = {
            "id": posting_id,
            "employer_id": employer_id,
            "contact_name": _person_name(rng),
            "contact_phone": self.sealer.encrypt(phone, where=f"posting:{posting_id}:phone"),
            "contact_phone_masked": mobile_mask(phone),
            "occupation_id": rng.choice(self.organisation.occupations),
            "industry_id": None,
            "skill_requirements": "能吃苦耐劳，有相关经验者优先。",
            "county_id": market["county"],
            "address": "民族大道 88 号",
            "latitude": None,
            "longitude": None,
            "start_date": start,
            "end_date": start + timedelta(days=rng.randint(1, 60)),
            "working_days": "周一至周五",
            "days_per_week": 5,
            "start_time": clock_time(9, 0),
            "end_time": clock_time(17, 0),
            "break_minutes": 60,
            "pay_min": pay,
            "pay_max": pay + 50,
            "pay_method": "daily",
            "settlement": "daily",
            "pay_daily": pay,
            "piece_daily_output": None,
            "headcount": rng.randint(1, 20),
            "employment_form": rng.choice(["part_time", "temporary", "seasonal"]),
            "is_public_welfare": False,
            "eligibility": [],
            "description": "",
            "screening_findings": [],
            "screening_justification": "",
            "screening_exception_by_id": None,
            "status": status,
            "market_id": market["id"],
            "case_id": None,
            "created_at": at,
            "published_at": published,
            "ended_at": None if status in ("published", "in_review") else at + timedelta(days=20),
        }
        writer.add(t.posting, posting)
        self._history(writer, ids, t.posting_history, posting, "+", at, officer)


# --- The run ----------------------------------------------------------------------------------


def database_ready() -> None:
    """Create the database when missing, as a copy of ``BENCH_TEMPLATE_DB`` when that names
    a migrated one, then migrate it; when ``BENCH_TEMPLATE_DB`` names none yet, leave the
    migrated database there for the next run (the smoke tests migrate once)."""
    name = str(connection.settings_dict["NAME"])
    template = os.environ.get("BENCH_TEMPLATE_DB", "")
    if connection.vendor == "sqlite":
        path = Path(name).resolve()
        if path == (PROJECT_ROOT / "var" / "db.sqlite3").resolve():
            sys.exit(f"Refusing to generate into the demo database {path}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() and template and Path(template).exists():
            shutil.copyfile(template, path)
            template = ""
        call_command("migrate", verbosity=0, interactive=False)
        if template and not Path(template).exists() and not Case.objects.exists():
            with connection.cursor() as cursor:  # everything into the main file, then copy it
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
            shutil.copyfile(path, template)
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        missing = cursor.fetchone() is None
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        template_found = bool(template) and cursor.fetchone() is not None
        if missing:
            copied = f' TEMPLATE "{template}"' if template_found else ""
            cursor.execute(f'CREATE DATABASE "{name}"{copied}')
    call_command("migrate", verbosity=0, interactive=False)
    if template and not template_found and not Case.objects.exists():
        connection.close()  # a template must have no one connected
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')


def database_drop() -> None:
    """``--fresh``: the database removed, to be made again."""
    name = str(connection.settings_dict["NAME"])
    connection.close()
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def next_ids(tables: Tables) -> dict[str, int]:
    found = {}
    with connection.cursor() as cursor:
        for table in tables.all():
            cursor.execute(f'SELECT MAX("{table.pk}") FROM "{table.name}"')  # noqa: S608
            (value,) = cursor.fetchone()
            found[table.name] = (value or 0) + 1
    return found


def finish(checkpoint: Checkpoint, tables: Tables) -> None:
    """After the last batch: the indexes and constraints made again, the reference counters,
    the sequences of the tables written with explicit ids (PostgreSQL), the dashboards'
    counters of the clocks and the cases (as the services keep them), fresh planner statistics, and
    the chains' heads anchored outside the database (as the daily anchoring would have)."""
    started = time.perf_counter()
    made = schema_restore()
    print(f"indexes and constraints made again: {made} in {time.perf_counter() - started:.1f} s")
    deadline_counts_rebuild()
    reminder_counts_rebuild()
    case_counts_rebuild()
    with transaction.atomic():
        for key, last in checkpoint.references.items():
            prefix, year = key.split(":")
            ReferenceSequence.objects.update_or_create(
                prefix=prefix, year=int(year), defaults={"last": last}
            )
        if connection.vendor == "postgresql":
            models_written = [table.model for table in tables.all()]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models_written):
                    cursor.execute(sql)
        checkpoint.finished = True
        checkpoint_write(checkpoint)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    chain_heads_anchor()


@dataclass
class Outcome:
    batches: int
    seconds: float
    counts: dict[str, int]
    stopped: bool
    cpu_seconds: float = 0.0  # the generator's own CPU time (the database server's apart)


def generate(
    *,
    cases: int,
    seed: int,
    markets: int,
    batch_size: int,
    until: date,
    stop_after: int | None,
    progress: bool = True,
    province_cases: int = 0,
) -> Outcome:
    checkpoint_table()
    province_cases = province_cases or cases
    params = {
        "cases": cases,
        "province_cases": province_cases,
        "seed": seed,
        "markets": markets,
        "batch": batch_size,
        "until": until.isoformat(),
    }
    checkpoint = checkpoint_read()
    tables = Tables()
    if checkpoint is None:
        if Case.objects.exists():
            sys.exit("The database holds cases that were not generated here: use --fresh.")
        # Anchors left by an earlier database of this name vouch for chains that are gone:
        # verify_audit would read the new chains as rewritten.
        stale = anchor_path()
        if stale.exists():
            print(f"removing the anchors of an earlier database: {stale}")
            stale.unlink()
        with transaction.atomic():
            organisation_make(markets, at=_until(until) - SPAN - timedelta(days=1))
            heads = {
                head.chain: (head.last_sequence, head.last_hash)
                for head in AuditChainHead.objects.all()
            }
            checkpoint = Checkpoint(params=params, next_ids=next_ids(tables), heads=heads)
            checkpoint_write(checkpoint, first=True)
        print(f"organisation: {markets} markets, {markets * (OFFICERS_PER_MARKET + 1) + 1} staff")
    elif checkpoint.params != params:
        sys.exit(
            f"The database was generated with {checkpoint.params}, not {params}: "
            "use the same arguments to continue, or --fresh to start again."
        )
    elif checkpoint.batches_done:
        print(f"resuming after batch {checkpoint.batches_done}", flush=True)
    organisation = organisation_load()
    until_at = _until(until)
    shape = Shape.of(province_cases)
    maker = BatchMaker(seed, cases, until_at, organisation, tables, Sealer(seed), shape)
    if not checkpoint.finished:
        deferred = schema_defer(tables)
        if deferred:
            print(f"indexes and constraints put off until the rows are in: {deferred}")
    total = -(-cases // batch_size)
    started = time.perf_counter()
    started_cpu = time.process_time()
    counts: dict[str, int] = {}
    rows = 0
    with (
        foreign_keys_off(),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            disable=not progress,
        ) as bar,
    ):
        task = bar.add_task("batches", total=total, completed=checkpoint.batches_done, rate="")
        for batch in range(checkpoint.batches_done, total):
            first, last = batch * batch_size, min((batch + 1) * batch_size, cases)
            with transaction.atomic():
                writer = maker.make(batch, first, last, checkpoint)
                rows += writer.flush()
                _heads_save(checkpoint.heads)
                checkpoint.batches_done = batch + 1
                checkpoint_write(checkpoint)
            for name, count in writer.counts.items():
                counts[name] = counts.get(name, 0) + count
            elapsed = time.perf_counter() - started
            bar.update(task, advance=1, rate=f"{rows / elapsed:,.0f} rows/s")
            if stop_after is not None and stop_after <= batch + 1 < total:
                print(f"stopped after batch {batch + 1} of {total} (--stop-after)", flush=True)
                return Outcome(batch + 1, elapsed, counts, stopped=True)
    if not checkpoint.finished:
        finish(checkpoint, tables)
    return Outcome(
        total,
        time.perf_counter() - started,
        counts,
        stopped=False,
        cpu_seconds=time.process_time() - started_cpu,
    )


def _until(until: date) -> datetime:
    """The end of the generated history: midnight (Asia/Shanghai) starting ``until``, in UTC."""
    start = datetime.combine(until, clock_time(0), tzinfo=timezone.get_default_timezone())
    return start.astimezone(UTC)


def _heads_save(heads: dict[str, tuple[int, str]]) -> None:
    existing = set(
        AuditChainHead.objects.filter(chain__in=list(heads)).values_list("chain", flat=True)
    )
    AuditChainHead.objects.bulk_create(
        [
            AuditChainHead(chain=chain, last_sequence=sequence, last_hash=hash_)
            for chain, (sequence, hash_) in heads.items()
            if chain not in existing
        ]
    )
    for chain, (sequence, hash_) in heads.items():
        if chain in existing:
            AuditChainHead.objects.filter(chain=chain).update(
                last_sequence=sequence, last_hash=hash_
            )


def report(outcome: Outcome, *, args: dict[str, Any], out: Path | None) -> None:
    rows_written = sum(outcome.counts.values())
    seconds = max(outcome.seconds, 1e-9)
    cases = outcome.counts.get(Case._meta.db_table, 0)
    events = outcome.counts.get(AuditEvent._meta.db_table, 0)
    print(f"\n{rows_written} rows in {outcome.seconds:.1f} s: {rows_written / seconds:,.0f} rows/s")
    for name, count in sorted(outcome.counts.items()):
        print(f"  {name}: {count}")
    per_case = seconds / max(cases, 1)
    cpu = max(outcome.cpu_seconds, 1e-9)
    print(
        f"the generator's own CPU: {outcome.cpu_seconds:.1f} s, "
        f"{rows_written / cpu:,.0f} rows per CPU second"
    )
    rows = [
        Row(
            f"generate {cases} cases ({rows_written} rows, {events} audit events)",
            f"{rows_written / seconds:,.0f} rows/s, {cases / seconds:,.0f} cases/s",
            "5 M cases ≤ 30 min",
            "",
            value=round(rows_written / seconds, 1),
            unit="rows/s",
        ),
        Row(
            "the generator's own CPU time (the database server's apart)",
            f"{outcome.cpu_seconds:.1f} s: {rows_written / cpu:,.0f} rows per CPU second",
            "",
            "",
            value=round(rows_written / cpu, 1),
            unit="rows/CPU s",
        ),
        Row(
            f"projected: 5 000 000 cases (this run's time per case, cases as in a province of "
            f"{args.get('province_cases') or cases:,})",
            f"{5_000_000 * per_case / 60:,.0f} min",
            "≤ 30 min",
            "ok" if 5_000_000 * per_case <= 1800 else "MISSED",
            value=round(5_000_000 * per_case / 60, 1),
            unit="min",
        ),
    ]
    results_report("generate", rows, args=args, directory=out, header=("run", "result", "target"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=0, help="cases to generate")
    parser.add_argument("--db", default="", help="sqlite:///file or postgres://…/name")
    parser.add_argument("--seed", type=int, default=14, help="the seed (14)")
    parser.add_argument("--markets", type=int, default=100, help="markets (100)")
    parser.add_argument("--batch", type=int, default=1000, help="cases per batch (1000)")
    parser.add_argument(
        "--province-cases",
        type=int,
        default=0,
        help="make the cases as in a province of this many (its events, postings and seekers "
        "per case; default --cases): a sample of a larger province",
    )
    parser.add_argument(
        "--until",
        type=date.fromisoformat,
        default=None,
        help="the day the generated history ends (today; kept by a resumed run)",
    )
    parser.add_argument("--stop-after", type=int, default=None, help="stop after K batches")
    parser.add_argument("--fresh", action="store_true", help="drop the database and start again")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--summary", action="store_true", help="print what the database holds (JSON), no more"
    )
    results_arguments(parser)
    args = parser.parse_args(argv)
    if args.summary:
        print(json.dumps(summary(), ensure_ascii=False, indent=2, default=str))
        return 0
    if args.cases <= 0:
        parser.error("--cases N: how many cases to generate")
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}", flush=True)
    print(f"audit anchors: {settings.AUDIT_ANCHOR_DIR}", flush=True)
    if args.fresh:
        database_drop()
    database_ready()
    checkpoint_table()
    found = checkpoint_read()
    until = args.until
    if until is None:
        until = (
            date.fromisoformat(found.params["until"]) if found is not None else timezone.localdate()
        )
    outcome = generate(
        cases=args.cases,
        seed=args.seed,
        markets=args.markets,
        batch_size=args.batch,
        until=until,
        stop_after=args.stop_after,
        progress=not args.no_progress,
        province_cases=args.province_cases,
    )
    if outcome.stopped:
        return 0
    report(
        outcome,
        args={
            "cases": args.cases,
            "province_cases": args.province_cases or args.cases,
            "markets": args.markets,
            "batch": args.batch,
            "seed": args.seed,
        },
        out=results_directory(args),
    )
    return 0


def rows_digest() -> dict[str, str]:
    """A digest of every generated table's rows in id order (the audit events of the markets'
    chains: the global chain's last row records the anchoring, at the time it happened)."""
    digests = {}
    with connection.cursor() as cursor:
        for table in Tables().all():
            where = " WHERE chain <> 'global'" if table.model is AuditEvent else ""
            cursor.execute(f'SELECT * FROM "{table.name}"{where} ORDER BY "{table.pk}"')  # noqa: S608
            digest = hashlib.sha256()
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
            digests[table.name] = digest.hexdigest()
    return digests


def schema_names() -> list[str]:
    """The names of the written tables' indexes and constraints (to compare with a database
    just migrated: ``schema_restore`` made every one again)."""
    names = [table.name for table in Tables().all()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.conname FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
                "WHERE r.relname = ANY(%s) UNION SELECT indexname FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = ANY(%s)",
                [names, names],
            )
        else:
            marks = ", ".join("%s" for _ in names)
            cursor.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})",  # noqa: S608
                names,
            )
        return sorted(row[0] for row in cursor.fetchall())


def counters_as_rebuilt() -> bool:
    """Whether the dashboards' counters are what ``manage.py sla_counters_rebuild`` counts
    from the clocks, the cases and their owners (tried in a transaction rolled back)."""
    with transaction.atomic():
        before = counter_rows()
        sla_counters_rebuild()
        after = counter_rows()
        transaction.set_rollback(True)
    return bool(before) and before == after


def summary() -> dict[str, Any]:
    """What the database holds (``--summary``): rows by table, their digests, the checkpoint,
    the first job seeker's ID number read back through the model (decrypted), the tables'
    indexes and constraints, and whether the dashboards' counters match the clocks."""
    counts = {}
    with connection.cursor() as cursor:
        for table in Tables().all():
            cursor.execute(f'SELECT COUNT(*) FROM "{table.name}"')  # noqa: S608
            counts[table.name] = cursor.fetchone()[0]
    checkpoint = checkpoint_read()
    seeker = SeekerProfile.objects.select_related("applicant").order_by("pk").first()
    first: dict[str, Any] = {}
    if seeker is not None:
        applicant = seeker.applicant
        case = Case.objects.filter(applicant=applicant).select_related("market__region").first()
        first = {
            "id_number": applicant.id_number,
            "id_number_masked": applicant.id_number_masked,
            "index_matches": personal_data_index(applicant.id_number or "")
            == applicant.id_number_index,
            "market_prefix": case.market.region.code if case else "",
            "mobile": applicant.mobile,
        }
    return {
        "counts": counts,
        "digests": rows_digest(),
        "markets": Market.objects.count(),
        "batches_done": checkpoint.batches_done if checkpoint else 0,
        "finished": checkpoint.finished if checkpoint else False,
        "first_seeker": first,
        "schema": schema_names(),
        "counters_as_rebuilt": counters_as_rebuilt()
        if checkpoint and checkpoint.finished
        else None,
    }


if __name__ == "__main__":
    sys.exit(main())
