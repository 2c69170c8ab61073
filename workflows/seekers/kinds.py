"""Kept so that ``from workflows.seekers.kinds import …`` still works: the kind is declared, with
the rest of the service's flow, in ``flow.py``."""

from .flow import SEEKER_REGISTRATION

__all__ = ["SEEKER_REGISTRATION"]
