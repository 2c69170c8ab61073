"""The provincial platform link at scale, on a fresh database (see bench/README.md, "Sync").

    .venv/bin/python bench/sync.py [--messages N] [--imports M] [--batch B] [--profile]

Outbound: ``--messages`` queued outbox messages (default 100 000: half as many records, two
changes each, so the order per record is exercised) are drained by one worker
(``outbound_deliver`` in this process) into the simulator of the platform running in a process
of its own on a local port. The benchmark prints the rate, checks that the platform got each
message once and in order, and samples this process's resident memory (RSS) after every batch:
draining must not grow it (the outbox is read a batch at a time).

Inbound: ``--imports`` postings (default 20 000) are put on the simulator's feed, a tenth of
them duplicates of postings of ours (which the import links), and pulled by ``inbound_pull``:
each one through the counter's rules, content screen and intake (``posting_take_in``). When the
rate misses its target (or with ``--profile``), a further ``PROFILE_SAMPLE`` postings are put on
the feed (at most ``--imports``) and pulled under cProfile, and the profile printed.

A benchmark reports: it exits 0 whether or not a target is met, and prints MISSED beside a
figure that misses its target.
"""

# ruff: noqa: E402  (Django must be set up before the project's modules are imported)

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
# Forced, not defaulted (as in run.py): the benchmark deletes and re-creates its database.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("BENCH_DB", "var/bench/sync.sqlite3")

import django

django.setup()

from django.conf import settings
from django.utils import timezone
from stdnum.cn import uscc

from accounts.models import User
from bench.results import Row, results_arguments, results_directory, results_report, verdict
from bench.run import Organisation, benchmark_database, heading, organisation_make, profiled
from bench.sweep import analyze
from cases.intake import ApplicantGiven
from markets.models import Membership, Region, Role
from provincial.adapter import HttpPlatformClient
from provincial.inbound import inbound_pull
from provincial.models import InboundRecord, OutboundMessage
from provincial.services import outbound_deliver, outbound_idempotency_key
from provincial.simulator import PlatformSimulator
from workflows.postings.services import posting_take_in

OUTBOUND_TARGET = 1000.0  # messages a second, one worker
INBOUND_TARGET = 2000.0  # postings a second, screening and dedupe included
RSS_GROWTH_MAX_MB = 32.0  # "flat": what draining may add to the RSS after its first batch
DUPLICATE_SHARE = 10  # one imported posting in ten duplicates one of ours
COUNTY = "450103"
PROFILE_SAMPLE = 2000  # postings pulled under cProfile after the measured pull (at most --imports)


# --- The simulator, in a process of its own ---------------------------------------------------


def _serve(port: Any) -> None:
    simulator = PlatformSimulator()
    port.put(simulator.server.server_address[1])
    simulator.server.serve_forever()


class Platform:
    """The simulator in a child process (the benchmark's worker does not share its GIL)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        port = context.Queue()
        self.process = context.Process(target=_serve, args=(port,), daemon=True)
        self.process.start()
        self.url = f"http://127.0.0.1:{port.get(timeout=30)}"

    def _post(self, path: str, body: Any) -> None:
        request = urllib.request.Request(  # noqa: S310 (our own local simulator)
            self.url + path, data=json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=60):  # noqa: S310
            pass

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(self.url + "/admin/stats", timeout=60) as answer:  # noqa: S310
            stats: dict[str, int] = json.loads(answer.read())
            return stats

    def add_records(self, records: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(records), 2000):
            self._post("/admin/records", list(records[start : start + 2000]))

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(timeout=10)


def rss_mb() -> float:
    """This process's resident set size now, in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# --- Outbound ---------------------------------------------------------------------------------


def payload(n: int) -> dict[str, Any]:
    """A posting's payload of the usual size (payloads.posting_payload's keys)."""
    return {
        "status": "published",
        "market_region": "450100",
        "employer": {"kind": "organisation", "name": f"南宁用工单位{n}", "credit_code": "9145"},
        "contact_name": "黄**",
        "contact_phone": "139****0001",
        "occupation": "4-03-02-05",
        "skill_requirements": "有餐厅服务经验，普通话流利",
        "county": COUNTY,
        "address": "南宁市青秀区民族大道 100 号",
        "start_date": "2026-03-03",
        "end_date": "2026-03-31",
        "working_days": "周一至周五",
        "days_per_week": 5,
        "start_time": "09:00",
        "end_time": "18:00",
        "pay_min": "200.00",
        "pay_max": "240.00",
        "pay_method": "daily",
        "settlement": "daily",
        "headcount": 5,
        "employment_form": "temporary",
        "is_public_welfare": False,
        "published_at": "2026-03-02T01:00:00+00:00",
        "ended_at": None,
    }


def messages_bulk_make(count: int) -> int:
    """``count`` pending messages: records 1..count/2, sequence 1 then 2, as written."""
    now = timezone.now()
    records = max(count // 2, 1)
    made = 0
    for start in range(0, count, 5000):
        rows = []
        for i in range(start, min(start + 5000, count)):
            record, sequence = i % records + 1, i // records + 1
            rows.append(
                OutboundMessage(
                    record_type="posting",
                    record_id=record,
                    sequence=sequence,
                    change="published" if sequence == 1 else "extended",
                    payload=payload(record),
                    idempotency_key=outbound_idempotency_key(
                        record_type="posting", record_id=record, sequence=sequence
                    ),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        OutboundMessage.objects.bulk_create(rows)
        made += len(rows)
    return made


class SampledClient(HttpPlatformClient):
    """The HTTP client, sampling the RSS at every batch."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.samples: list[float] = []

    def deliver(self, messages: Sequence[Mapping[str, Any]]) -> dict[str, str]:
        self.samples.append(rss_mb())
        return super().deliver(messages)


def bench_outbound(platform: Platform, count: int, batch: int) -> list[Row]:
    heading(f"Outbound: {count} queued messages, batches of {batch}")
    started = time.perf_counter()
    made = messages_bulk_make(count)
    analyze()
    print(f"set-up: {made} messages queued; ANALYZE; {time.perf_counter() - started:.1f} s")
    client = SampledClient(base_url=platform.url, timeout=60)
    before = rss_mb()
    started = time.perf_counter()
    run = outbound_deliver(client=client, batch=batch)
    seconds = time.perf_counter() - started
    rate = run.delivered / seconds if seconds else 0.0
    stats = platform.stats()
    left = OutboundMessage.objects.exclude(status=OutboundMessage.Status.DELIVERED).count()
    first = client.samples[0] if client.samples else before
    peak = max(client.samples, default=before)
    growth = peak - first
    print(
        f"delivered {run.delivered} in {seconds:.1f} s ({rate:.0f}/s) in {run.batches} batches; "
        f"{left} left; the platform got {stats['received']} "
        f"({stats['duplicates']} duplicates, {stats['out_of_order']} out of order)"
    )
    print(
        f"RSS: {before:.0f} MB before, {first:.0f} MB at the first batch, "
        f"peak {peak:.0f} MB (+{growth:.1f} MB while draining)"
    )
    complete = left == 0 and stats["received"] == made and stats["out_of_order"] == 0
    return [
        Row(
            f"outbound, one worker ({made // 1000}k messages)",
            f"{rate:.0f} messages/s",
            f"≥ {OUTBOUND_TARGET:.0f}/s, each once, in order",
            verdict(rate >= OUTBOUND_TARGET and complete),
            value=round(rate, 1),
            unit="messages/s",
        ),
        Row(
            f"draining {made // 1000}k queued messages",
            f"RSS +{growth:.1f} MB (peak {peak:.0f} MB)",
            f"flat: ≤ +{RSS_GROWTH_MAX_MB:.0f} MB",
            verdict(growth <= RSS_GROWTH_MAX_MB and complete),
            value=round(growth, 1),
            unit="MB",
        ),
    ]


# --- Inbound ----------------------------------------------------------------------------------


def credit_code(n: int) -> str:
    base = f"91450103MA{n:07d}"
    return base + uscc.calc_check_digit(base)


def posting_fields(n: int, start: str, end: str) -> dict[str, Any]:
    return {
        "contact_name": "黄经理",
        "contact_phone": "13907710001",
        "occupation": "4-03-02-05",
        "skill_requirements": "有餐厅服务经验，普通话流利" if n % 7 else "年龄35岁以下，有经验",
        "county": COUNTY,
        "address": f"南宁市青秀区民族大道 {n} 号",
        "start_date": start,
        "end_date": end,
        "working_days": "周一至周五",
        "days_per_week": "5",
        "start_time": "09:00",
        "end_time": "18:00",
        "break_minutes": "60",
        "pay_min": "200",
        "pay_max": "240",
        "pay_method": "daily",
        "settlement": "daily",
        "headcount": "5",
        "employment_form": "temporary",
        "description": "午市、晚市餐厅服务，提供工作餐。",
    }


def importer_make(organisation: Organisation) -> User:
    user = User(username=settings.PROVINCIAL_IMPORT_USERNAME, full_name="省平台同步")
    user.set_unusable_password()
    user.save()
    for market in organisation.markets:
        Membership.objects.create(user=user, role=Role.OFFICER, market=market)
    return user


def feed_make(
    organisation: Organisation, count: int, first: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """``count`` feed items (numbered from ``first``); every DUPLICATE_SHARE-th duplicates a
    posting of ours, made here through the intake. Returns the items and how many are
    duplicates."""
    nanning = organisation.markets[0]
    Region.objects.get_or_create(
        code=COUNTY, defaults={"name": "青秀区", "level": "county", "parent": nanning.region}
    )
    officer = organisation.officers[nanning.pk][0]
    today = timezone.localdate()
    start, end = (today + timedelta(days=1)).isoformat(), (today + timedelta(days=20)).isoformat()
    items, duplicates = [], 0
    for n in range(first, first + count):
        code = credit_code(n)
        if n % DUPLICATE_SHARE == 0:
            posting_take_in(
                actor=officer,
                market=nanning,
                employer=ApplicantGiven(name=f"南宁用工单位{n}", credit_code=code),
                data=posting_fields(1, start, end),
                publish=True,
            )
            duplicates += 1
        items.append(
            {
                "platform_id": f"GX-P-{n:07d}",
                "record_type": "posting",
                "updated_at": timezone.now().isoformat(),
                "status": "published",
                "employer": {"name": f"南宁用工单位{n}", "credit_code": code},
                "posting": posting_fields(n + 1, start, end),
            }
        )
    return items, duplicates


def bench_inbound(
    organisation: Organisation, platform: Platform, count: int, *, profile: bool
) -> list[Row]:
    heading(f"Inbound: {count} postings on the platform's feed")
    started = time.perf_counter()
    importer_make(organisation)
    items, duplicates = feed_make(organisation, count)
    platform.add_records(items)
    analyze()
    print(
        f"set-up: {count} feed items ({duplicates} duplicates of ours, made through the intake); "
        f"{time.perf_counter() - started:.1f} s"
    )
    client = HttpPlatformClient(base_url=platform.url, timeout=60)
    started = time.perf_counter()
    run = inbound_pull(client=client)
    seconds = time.perf_counter() - started
    rate = run.items / seconds if seconds else 0.0
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(run.outcomes.items()))
    print(f"imported {run.items} in {seconds:.1f} s ({rate:.0f}/s), {run.pages} pages: {outcomes}")
    again = inbound_pull(client=client)
    linked = InboundRecord.objects.filter(outcome=InboundRecord.Outcome.LINKED).count()
    print(f"pulled again: {again.items} items read; {linked} linked")
    complete = (
        run.items == count
        and InboundRecord.objects.count() == count
        and linked == duplicates
        and again.items == 0
    )
    if profile or rate < INBOUND_TARGET:
        sample, _duplicates = feed_make(organisation, min(count, PROFILE_SAMPLE), first=count)
        platform.add_records(sample)
        profiled(
            lambda: inbound_pull(client=client),
            title=f"inbound_pull of {len(sample)} further postings",
            lines=30,
        )
    return [
        Row(
            f"inbound import ({count // 1000}k postings, screened, deduped)",
            f"{rate:.0f} postings/s",
            f"≥ {INBOUND_TARGET:.0f}/s, each once",
            verdict(rate >= INBOUND_TARGET and complete),
            value=round(rate, 1),
            unit="postings/s",
        ),
    ]


def bench_sync(
    messages: int, imports: int, batch: int, *, profile: bool, args: dict[str, Any], out: Any
) -> None:
    organisation = organisation_make()
    platform = Platform()
    try:
        rows = bench_outbound(platform, messages, batch)
        rows += bench_inbound(organisation, platform, imports, profile=profile)
    finally:
        platform.stop()
    results_report("sync", rows, args=args, directory=out)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=_positive, default=100_000, help="queued (100000)")
    parser.add_argument("--imports", type=_positive, default=20_000, help="feed items (20000)")
    parser.add_argument("--batch", type=_positive, default=500, help="messages a request (500)")
    parser.add_argument("--profile", action="store_true", help="cProfile even when on target")
    results_arguments(parser)
    args = parser.parse_args(argv)
    with benchmark_database():
        bench_sync(
            args.messages,
            args.imports,
            args.batch,
            profile=args.profile,
            args={"messages": args.messages, "imports": args.imports, "batch": args.batch},
            out=results_directory(args),
        )
    return 0


def _chunks(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


if __name__ == "__main__":
    sys.exit(main())
