"""The garbage collector in a long-running process (the web workers).

A Django process holds some hundreds of thousands of objects from start-up (modules, models,
URL patterns, templates, translations) that live as long as it does. Python's collector walks
them all at each full collection, which a request's thousands of short-lived objects trigger
from time to time: a pause of tens of milliseconds in the middle of one request in a few dozen
(bench/README, "Matching": p95 117 → 57 ms at a median of 47). Frozen after start-up, they
are left out of every collection (``gc.freeze``); what requests create is collected as before.
"""

from __future__ import annotations

import gc


def gc_freeze_after_start() -> int:
    """Collect what start-up left for garbage, then keep every object alive now out of the
    collector's walks; the number of objects frozen. Call once the application is loaded
    (``config.wsgi``); calling it again freezes what has accumulated since."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
