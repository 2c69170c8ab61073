"""Kept so that ``from workflows.welfare.kinds import …`` still works: the kind is declared, with
the rest of the service's flow, in ``flow.py``."""

from .flow import WELFARE_APPLICATION

__all__ = ["WELFARE_APPLICATION"]
