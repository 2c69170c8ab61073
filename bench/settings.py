"""Settings for the benchmarks: the embedded default (SQLite in WAL mode), on a database of
their own, never the demo's.

- ``BENCH_DB``: the SQLite file (default ``var/bench/bench.sqlite3``, relative paths from the
  project root). Everything else the embedded settings keep under ``var/`` (installation
  secrets, file cache, broker folders, collected static files) goes into the same directory, so
  a benchmark run neither reads nor writes anything of the demo installation
  (``BENCH_STATIC_ROOT``: the collected static files elsewhere, to share them between runs).
- ``DATABASE_URL``: benchmark PostgreSQL instead (``postgres://user:pass@host:5432/name``);
  ``bench/run.py`` then works in a fresh ``test_<name>`` database that it creates and drops.
"""

import os
from pathlib import Path

_PROJECT_ROOT = Path(__file__).resolve().parent.parent

BENCH_DB = Path(os.environ.get("BENCH_DB", "var/bench/bench.sqlite3"))
if not BENCH_DB.is_absolute():
    BENCH_DB = _PROJECT_ROOT / BENCH_DB
BENCH_DIR = BENCH_DB.parent

# Read by config.settings.base when it is imported, below: the embedded settings' var/ becomes
# the bench directory (it makes its own installation secrets there on first use).
os.environ["LGSC_VAR_DIR"] = str(BENCH_DIR)

from config.settings.embedded import *  # noqa: E402, F403
from config.settings.embedded import DATABASES as _EMBEDDED_DATABASES  # noqa: E402
from config.settings.embedded import env  # noqa: E402

DEBUG = False  # as deployed: no query log, no debug pages

# Collected static files (bench.run.static_collected): in the bench directory, or where
# ``BENCH_STATIC_ROOT`` says, so that several runs with databases of their own (the smoke tests
# of tests/bench) collect once.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])

# The file broker's folders, as scripts/run-embedded makes them: what the services hand to the
# workers (an applicant's text message on intake, say) is written there, as in the embedded
# installation, and nobody consumes it during a benchmark.
for _folder in CELERY_BROKER_TRANSPORT_OPTIONS.values():  # noqa: F405
    if isinstance(_folder, str):
        Path(_folder).mkdir(parents=True, exist_ok=True)

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    DATABASES = {"default": {**_EMBEDDED_DATABASES["default"], "NAME": BENCH_DB}}
