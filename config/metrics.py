"""Prometheus metrics at ``/metrics`` (issue 15; docs/deploy/monitoring.md lists them).

- Request latency by view: ``RequestMetricsMiddleware`` observes a histogram per view name,
  method and status class. Under several gunicorn workers each process keeps its own counts;
  with ``PROMETHEUS_MULTIPROC_DIR`` set (before the process starts) prometheus-client writes
  them to files there and the scrape adds up every worker's.
- The system's own figures, read at scrape time by ``SystemCollector`` with a bounded number of
  queries whatever the size of the data: Celery queue lengths, overdue deadlines (the SLA
  counters), the notification outbox's backlog and dead letters, the age of the newest audit
  anchor, and the read replica's lag (``config.db.replica_lag_seconds``).

Access: with ``LGSC_METRICS_TOKEN`` set, only ``Authorization: Bearer <token>``; without it,
only a request from the loopback address that no proxy forwarded. Everyone else gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import ChannelError
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

import config.db

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "lgsc_http_request_duration_seconds",
    "Time from the request's arrival to its response, by view, method and status class.",
    ["view", "method", "status"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
UNRESOLVED = "<unresolved>"
QUEUE_TIMEOUT_SECONDS = 2
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


class RequestMetricsMiddleware:
    """Second in MIDDLEWARE (after the request id): the whole request is measured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = match.view_name if match is not None else UNRESOLVED
        method = request.method if request.method in _METHODS else "other"
        REQUEST_LATENCY.labels(view, method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


# --- The figures read at scrape time -------------------------------------------------------------


def _queue_names() -> list[str]:
    conf = current_app.conf
    names = {conf.task_default_queue}
    names |= {queue.name for queue in conf.task_queues or ()}
    return sorted(names)


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each Celery queue, as the broker counts them (Redis: LLEN of the
    queue's lists; the embedded file broker: its message files)."""
    lengths = {}
    with current_app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=QUEUE_TIMEOUT_SECONDS)
        channel: Any = conn.default_channel  # a kombu virtual channel (Redis, files)
        for name in _queue_names():
            try:
                lengths[name] = channel.queue_declare(queue=name, passive=True).message_count
            except ChannelError:  # Redis: nothing was ever queued there, or all is taken
                lengths[name] = 0
    return lengths


def _gauge(name: str, documentation: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=labels)


class SystemCollector(Collector):
    """The system's figures, each part read on its own: a part that fails is left out and
    reported by ``lgsc_metrics_part_ok`` instead of failing the whole scrape."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        parts: list[tuple[str, Callable[[datetime], list[Metric]]]] = [
            ("queues", self._queues),
            ("deadlines", self._deadlines),
            ("outbox", self._outbox),
            ("audit", self._audit),
            ("replica", self._replica),
        ]
        health = _gauge(
            "lgsc_metrics_part_ok", "1 when this part of the scrape could be read.", ["part"]
        )
        for name, read in parts:
            try:
                metrics = read(now)
            except Exception:
                logger.warning("metrics: the %s part could not be read", name, exc_info=True)
                health.add_metric([name], 0)
                continue
            health.add_metric([name], 1)
            yield from metrics
        yield health

    @staticmethod
    def _queues(now: datetime) -> list[Metric]:
        gauge = _gauge("lgsc_celery_queue_length", "Tasks waiting in the Celery queue.", ["queue"])
        for name, length in queue_lengths().items():
            gauge.add_metric([name], length)
        return [gauge]

    @staticmethod
    def _deadlines(now: datetime) -> list[Metric]:
        from sla.counters import deadline_overdue_counts

        gauge = _gauge(
            "lgsc_deadlines_overdue",
            "Completion clocks past their due time and not stopped, by kind of subject.",
            ["subject_type"],
        )
        for subject_type, count in sorted(deadline_overdue_counts(now=now).items()):
            gauge.add_metric([subject_type], count)
        return [gauge]

    @staticmethod
    def _outbox(now: datetime) -> list[Metric]:
        from notifications.selectors import outbox_figures

        figures = outbox_figures()
        messages = _gauge(
            "lgsc_outbox_messages",
            "Outbox messages still to send (pending) and given up (failed: dead letters).",
            ["status"],
        )
        messages.add_metric(["pending"], figures.pending)
        messages.add_metric(["failed"], figures.failed)
        oldest = _gauge(
            "lgsc_outbox_oldest_pending_age_seconds",
            "Age of the oldest message still to send (0 when none is).",
        )
        since = figures.oldest_pending_at
        oldest.add_metric([], (now - since).total_seconds() if since is not None else 0)
        return [messages, oldest]

    @staticmethod
    def _audit(now: datetime) -> list[Metric]:
        from audit.anchors import anchor_book
        from audit.selectors import anchor_max_age

        book = anchor_book()
        metrics: list[Metric] = []
        if book.last_at is not None:
            age = _gauge(
                "lgsc_audit_anchor_age_seconds",
                "Seconds since the newest anchor of the audit chains (absent: none yet).",
            )
            age.add_metric([], (now - book.last_at).total_seconds())
            metrics.append(age)
        limit = _gauge(
            "lgsc_audit_anchor_max_age_seconds",
            "How old the anchoring may get before it is overdue (AUDIT_ANCHOR_MAX_AGE_HOURS).",
        )
        limit.add_metric([], anchor_max_age().total_seconds())
        faults = _gauge("lgsc_audit_anchor_file_faults", "Lines of the anchor file that fail.")
        faults.add_metric([], len(book.faults))
        return [*metrics, limit, faults]

    @staticmethod
    def _replica(now: datetime) -> list[Metric]:
        lag = config.db.replica_lag_seconds()
        if lag is None:
            return []
        gauge = _gauge(
            "database_replica_lag_seconds", "How far the read replica is behind the primary."
        )
        gauge.add_metric([], lag)
        return [gauge]


# --- The endpoint --------------------------------------------------------------------------------


def metrics_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "LGSC_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if any(request.META.get(header) for header in FORWARDING_HEADERS):
        return False  # a proxy passed it on: it may come from anywhere
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics_text() -> bytes:
    """Every metric: the requests' (added up over the worker processes in multiprocess
    mode), then the system's, read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    system = CollectorRegistry(auto_describe=False)
    system.register(SystemCollector())
    return generate_latest(requests) + generate_latest(system)


@login_not_required
@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """For Prometheus; never public (see the module's docstring)."""
    if not metrics_allowed(request):
        return HttpResponse("metrics: not allowed\n", status=403, content_type="text/plain")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
