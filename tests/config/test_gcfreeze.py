"""The web process freezes its start-up objects out of the garbage collector's walks
(config.gcfreeze, called by config.wsgi), and what requests create is still collected."""

from __future__ import annotations

import gc
import importlib
import weakref

from config.gcfreeze import gc_freeze_after_start


class Node:
    pass


def test_loading_the_web_application_freezes_its_start_up_objects() -> None:
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        importlib.reload(importlib.import_module("config.wsgi"))
        # Modules, models, URL patterns, templates: tens of thousands of objects at least.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_what_is_created_after_the_freeze_is_still_collected() -> None:
    try:
        gc_freeze_after_start()
        cycle = Node()
        cycle.itself = cycle  # type: ignore[attr-defined]
        alive = weakref.ref(cycle)
        del cycle

        gc.collect()

        assert alive() is None
    finally:
        gc.unfreeze()
