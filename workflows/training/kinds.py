"""Kept so that ``from workflows.training.kinds import …`` still works: the kind is declared, with
the rest of the service's flow, in ``flow.py``."""

from .flow import TRAINING_REFERRAL

__all__ = ["TRAINING_REFERRAL"]
