"""Exactly one Celery beat: RedBeat's settings for several hosts, and for one host Celery's
file scheduler made to refuse a second beat (docs/deploy/beat.md).

Celery's own ``PersistentScheduler`` keeps the schedule in a ``shelve`` file and does not lock
it, so a second ``celery -A config beat`` on the same installation (``make run`` started twice,
a beat started by hand beside it) would schedule every periodic task again. This one holds an
exclusive ``flock`` on ``<schedule file>.lock`` for its life (the kernel drops it when the
process dies, however it dies) and stops at start-up when another beat holds it.

Several hosts use RedBeat instead (``redbeat_settings``, config/settings/production.py): the
schedule's state lives in Redis, and a beat schedules only while it holds a lock there that
expires, renewed at every tick; any other beat waits for the lock.
"""

from __future__ import annotations

import fcntl
import os

from celery.beat import PersistentScheduler
from django.core.exceptions import ImproperlyConfigured

REDBEAT_SCHEDULER = "redbeat.RedBeatScheduler"
MAX_LOOP_INTERVAL = 5  # seconds


def redbeat_settings(
    *,
    redis_url: str,
    key_prefix: str = "redbeat:",
    lock_timeout: int = 30,
    max_loop_interval: int = MAX_LOOP_INTERVAL,
) -> dict[str, object]:
    """The CELERY_* settings of a RedBeat beat: its Redis, its keys (``<prefix>:lock``,
    ``<prefix>:schedule``, ``<prefix>:statics``, ``<prefix><entry name>``) and its timing.

    A beat ticks (looks at the schedule and renews its lock) at least every
    ``max_loop_interval`` seconds and a waiting beat tries the lock as often; the lock of a beat
    that died expires ``lock_timeout`` seconds after its last renewal. A lock shorter than three
    ticks could lapse under a live beat, so it is refused.
    """
    if lock_timeout < 3 * max_loop_interval:
        raise ImproperlyConfigured(
            f"REDBEAT_LOCK_TIMEOUT: {lock_timeout} s is too short: the beat renews its lock "
            f"every {max_loop_interval} s and must not lose it between two renewals. Give at "
            f"least {3 * max_loop_interval} s."
        )
    return {
        "CELERY_BEAT_SCHEDULER": REDBEAT_SCHEDULER,
        "CELERY_BEAT_MAX_LOOP_INTERVAL": max_loop_interval,
        "CELERY_REDBEAT_REDIS_URL": redis_url,
        # RedBeat asks for its own name, without Celery's namespace, to tell whether the address
        # was given; without it, it would log that it fell back to the broker's.
        "REDBEAT_REDIS_URL": redis_url,
        "CELERY_REDBEAT_KEY_PREFIX": key_prefix,
        "CELERY_REDBEAT_LOCK_KEY": f"{key_prefix}:lock",
        "CELERY_REDBEAT_LOCK_TIMEOUT": lock_timeout,
    }


class SecondBeatError(SystemExit):
    """Another beat already schedules from this file: this one must not start."""


class SingleFileScheduler(PersistentScheduler):
    """``PersistentScheduler`` behind an exclusive lock on ``<schedule file>.lock``."""

    schedule_filename: str  # set by PersistentScheduler from beat's --schedule or the settings
    _lock_fd: int | None = None

    def setup_schedule(self) -> None:
        self._lock_fd = beat_file_lock(f"{self.schedule_filename}.lock")
        super().setup_schedule()

    def close(self) -> None:
        super().close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None


def beat_file_lock(path: str) -> int:
    """Take the exclusive lock on ``path`` without waiting; its descriptor holds it.

    Raises SecondBeatError (exit status 1, with the reason) when another process holds it.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise SecondBeatError(
            f"Another Celery beat (pid {holder}) already runs with the schedule file "
            f"{path.removesuffix('.lock')}: exactly one beat may run, so this one stops."
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd
