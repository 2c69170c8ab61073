"""The LOGGING setting (issue 15): readable lines on one machine, one JSON object per line in
production (python-json-logger), every line with the request id (config/requestid.py).

Kept apart from config/requestid.py so that the settings import nothing but this.
"""

from __future__ import annotations

from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

_CONTEXT_FILTER = {"()": "config.requestid.RequestContextFilter"}


def logging_config(*, json: bool) -> dict[str, Any]:
    """``json``: one JSON object per line with ``time`` (ISO 8601, UTC), ``level``,
    ``logger``, ``message``, ``request_id``, ``user_id`` and ``path`` (and ``exc_info`` when
    there is a traceback);
    otherwise a readable line with the request id in brackets."""
    formatters: dict[str, Any] = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(path)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
            "json_ensure_ascii": False,  # Chinese stays readable in the log
            # Django passes the request object along (django.request): its fields are above.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": _CONTEXT_FILTER},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json else "plain",
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {"axes": {"level": "WARNING"}},
    }
