"""A small, real HTTP server that plays the provincial platform (docs/provincial-sync.md), for
the tests, the benchmarks and ``make run`` (``PROVINCIAL_SIMULATOR=1``).

It accepts the outbound feed (``POST /v1/messages``) and records what it got, refusing a
message whose record's previous sequence number it has not seen (so a broken order shows);
it serves an inbound feed (``GET /v1/records``) from records put in with ``add_record`` (or
``POST /admin/records``, one record or a list), with an opaque cursor. It can be told, by its
Python API or ``POST /admin/faults`` (JSON), to:

- ``down``: answer 503 to everything;
- ``fail_next``: answer 500 to the next N requests;
- ``timeout_next``: hold the next N requests for ``delay`` seconds before answering;
- ``duplicate_pages``: serve each inbound page twice (the cursor does not move the first time);
- ``shuffle_pages``: serve each inbound page in reverse order.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Faults:
    down: bool = False
    fail_next: int = 0
    timeout_next: int = 0
    delay: float = 0.0
    duplicate_pages: bool = False
    shuffle_pages: bool = False


@dataclass
class PlatformState:
    """Everything the simulated platform holds, behind one lock."""

    faults: Faults = field(default_factory=Faults)
    # idempotency key -> message, in the order first received
    received: dict[str, dict[str, Any]] = field(default_factory=dict)
    duplicates: int = 0
    out_of_order: int = 0
    last_sequence: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    records: list[dict[str, Any]] = field(default_factory=list)
    served_twice: set[int] = field(default_factory=set)
    requests: int = 0


class PlatformSimulator:
    """Start with ``start()`` (a free port unless one is given), stop with ``stop()``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, token: str = "") -> None:
        self.state = PlatformState()
        self.lock = threading.Lock()
        self.token = token
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                simulator._handle(self, "GET")

            def do_POST(self) -> None:
                simulator._handle(self, "POST")

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    def start(self) -> PlatformSimulator:
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- The Python API ----------------------------------------------------------------------

    def set_faults(self, **faults: Any) -> None:
        with self.lock:
            for name, value in faults.items():
                if not hasattr(self.state.faults, name):
                    raise ValueError(f"unknown fault {name!r}")
                setattr(self.state.faults, name, value)

    def heal(self) -> None:
        with self.lock:
            self.state.faults = Faults()

    def add_record(self, record: dict[str, Any]) -> None:
        """Put one record (a posting or a registration, the contract's shape) on the feed."""
        with self.lock:
            self.state.records.append(dict(record))

    def received(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.state.received.values())

    def reset_received(self) -> None:
        with self.lock:
            self.state.received.clear()
            self.state.last_sequence.clear()
            self.state.duplicates = self.state.out_of_order = 0

    # --- HTTP ---------------------------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        handler.send_response(status)
        content_type = "application/problem+json" if status >= 400 else "application/json"
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        url = urlparse(handler.path)
        if url.path == "/admin/faults" and method == "POST":
            try:
                self.set_faults(**json.loads(raw or b"{}"))
            except (ValueError, TypeError) as error:
                self._answer(handler, 400, {"title": "bad fault", "detail": str(error)})
                return
            self._answer(handler, 200, {"ok": True})
            return
        if url.path == "/admin/records" and method == "POST":
            try:
                given = json.loads(raw)
                for record in given if isinstance(given, list) else [given]:
                    self.add_record(dict(record))
            except (ValueError, TypeError) as error:
                self._answer(handler, 400, {"title": "bad record", "detail": str(error)})
                return
            self._answer(handler, 200, {"ok": True})
            return
        if url.path == "/admin/stats" and method == "GET":
            with self.lock:
                state = self.state
                stats = {
                    "received": len(state.received),
                    "duplicates": state.duplicates,
                    "out_of_order": state.out_of_order,
                    "records": len(state.records),
                    "requests": state.requests,
                }
            self._answer(handler, 200, stats)
            return
        with self.lock:
            self.state.requests += 1
            faults = self.state.faults
            down = faults.down
            fail = faults.fail_next > 0
            if fail:
                faults.fail_next -= 1
            slow = faults.timeout_next > 0
            if slow:
                faults.timeout_next -= 1
            delay = faults.delay
        if slow:
            time.sleep(delay)
        if down:
            self._answer(handler, 503, {"title": "Service Unavailable", "status": 503})
            return
        if fail:
            self._answer(handler, 500, {"title": "Internal Server Error", "status": 500})
            return
        if self.token and handler.headers.get("Authorization") != f"Bearer {self.token}":
            self._answer(handler, 401, {"title": "Unauthorized", "status": 401})
            return
        if url.path == "/v1/messages" and method == "POST":
            try:
                body = json.loads(raw)
                messages = list(body["messages"])
            except (ValueError, KeyError, TypeError):
                self._answer(handler, 400, {"title": "Bad Request", "status": 400})
                return
            self._answer(handler, 200, {"results": self._accept(messages)})
            return
        if url.path == "/v1/records" and method == "GET":
            query = parse_qs(url.query)
            cursor = (query.get("cursor") or [""])[0]
            limit = int((query.get("limit") or ["100"])[0])
            self._answer(handler, 200, self._page(cursor, limit))
            return
        self._answer(handler, 404, {"title": "Not Found", "status": 404})

    def _accept(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        results = []
        with self.lock:
            state = self.state
            for message in messages:
                key = str(message.get("idempotency_key", ""))
                if key in state.received:
                    state.duplicates += 1
                    results.append({"idempotency_key": key, "status": "duplicate"})
                    continue
                record = (str(message.get("record_type")), int(message.get("record_id", 0)))
                sequence = int(message.get("sequence", 0))
                if sequence != state.last_sequence[record] + 1:
                    state.out_of_order += 1
                    results.append(
                        {
                            "idempotency_key": key,
                            "status": "rejected",
                            "error": f"out of order: expected sequence "
                            f"{state.last_sequence[record] + 1}, got {sequence}",
                        }
                    )
                    continue
                state.last_sequence[record] = sequence
                state.received[key] = message
                results.append({"idempotency_key": key, "status": "accepted"})
        return results

    def _page(self, cursor: str, limit: int) -> dict[str, Any]:
        with self.lock:
            start = int(cursor or 0)
            items = self.state.records[start : start + limit]
            end = start + len(items)
            if self.state.faults.duplicate_pages and start not in self.state.served_twice:
                self.state.served_twice.add(start)
                end = start  # the same page again next time
            if self.state.faults.shuffle_pages:
                items = list(reversed(items))
            return {
                "items": items,
                "next_cursor": str(end),
                "has_more": end < len(self.state.records) and bool(items),
            }
