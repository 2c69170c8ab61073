"""The project's own templates, for tests that scan them (the Content-Security-Policy's
no-inline-code rule, the table wrappers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NOT_OURS = {".venv", "var", "build", "node_modules"}


def our_templates() -> Iterator[Path]:
    """Every template of this project: templates/ and each app's templates/ (never .venv)."""
    for path in sorted(REPO_ROOT.glob("**/templates/**/*.html")):
        if path.relative_to(REPO_ROOT).parts[0] not in NOT_OURS:
            yield path
