"""Kept so that ``from workflows.postings.kinds import …`` still works: the kind is declared, with
the rest of the service's flow, in ``flow.py``."""

from .flow import POSTING_REVIEW

__all__ = ["POSTING_REVIEW"]
