"""Kept so that ``from workflows.guidance.kinds import …`` still works: the kind is declared, with
the rest of the service's flow, in ``flow.py``."""

from .flow import CAREER_GUIDANCE

__all__ = ["CAREER_GUIDANCE"]
