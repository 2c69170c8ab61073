"""The embedded default's cache: Django's file-based cache with atomic counters.

Django's ``FileBasedCache`` implements ``add`` as "has_key, then set" and ``incr`` as "get,
then set", so two processes can both add, or both read 4 and write 5; and its ``incr`` writes
the entry back with the default timeout, moving its expiry. Counters that must hold under
concurrency (the kiosk's lookup brake, ``portal.throttle``) need both atomic: here ``add``,
``incr`` and ``decr`` run under one exclusive lock on a file in the cache directory (shared by
every thread and process of the machine), and ``incr`` keeps the entry's expiry.
"""

from __future__ import annotations

import os
import pickle
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks

_LOCK_FILE = "counters.lock"


class LockingFileBasedCache(FileBasedCache):
    # Django's private helpers, which the stubs do not declare.
    _dir: str
    _createdir: Callable[[], None]
    _key_to_file: Callable[..., str]

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._createdir()
        with open(os.path.join(self._dir, _LOCK_FILE), "ab") as handle:
            locks.lock(handle, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(handle)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        with self._locked():
            return bool(super().add(key, value, timeout, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        with self._locked():
            fname = self._key_to_file(key, version)
            try:
                with open(fname, "rb") as handle:
                    expiry = pickle.load(handle)  # noqa: S301 -- our own cache files
                    if expiry is not None and expiry < time.time():
                        raise ValueError(f"Key '{key}' not found")
                    value = pickle.loads(zlib.decompress(handle.read()))  # noqa: S301
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None
            new_value = value + delta
            # The same expiry as before (None: never); at least a moment, never "now".
            remaining = None if expiry is None else max(expiry - time.time(), 0.001)
            self.set(key, new_value, timeout=remaining, version=version)
            return new_value
