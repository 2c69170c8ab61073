"""Kept so that ``from workflows.startup.kinds import …`` still works: the kind is declared, with
the rest of the service's flow, in ``flow.py``."""

from .flow import STARTUP_HELP

__all__ = ["STARTUP_HELP"]
