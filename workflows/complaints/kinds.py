"""Kept so that ``from workflows.complaints.kinds import …`` still works: the kind is declared, with
the rest of the service's flow, in ``flow.py``."""

from .flow import COMPLAINT, REFERRED_PAUSE_STATE

__all__ = ["COMPLAINT", "REFERRED_PAUSE_STATE"]
