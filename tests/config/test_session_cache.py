"""The embedded installation keeps the sessions' cached copies apart from the counters: its file
cache deletes a random third of its entries when it holds too many, and new sessions (anyone
may start one at the portal's sign-in) must never push the throttles' counters out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

PRINT = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.SESSION_ENGINE,
    "alias": settings.SESSION_CACHE_ALIAS,
    "caches": {name: {"backend": c["BACKEND"], "location": str(c["LOCATION"]),
                      "max_entries": c.get("OPTIONS", {}).get("MAX_ENTRIES", 300)}
               for name, c in settings.CACHES.items()},
}))
"""


def test_the_embedded_sessions_are_cached_apart_from_the_counters(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.embedded",
        "LGSC_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603 -- this interpreter with a fixed script
        [sys.executable, "-c", "import django; django.setup()\n" + PRINT],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["engine"] == "django.contrib.sessions.backends.cached_db"
    sessions, default = found["caches"][found["alias"]], found["caches"]["default"]
    assert found["alias"] != "default"
    counters_folder, sessions_folder = Path(default["location"]), Path(sessions["location"])
    assert counters_folder != sessions_folder
    assert counters_folder not in sessions_folder.parents
    assert sessions_folder not in counters_folder.parents
    assert sessions["max_entries"] >= 10_000
