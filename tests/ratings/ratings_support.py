"""Records for the tests of the satisfaction ratings: a case resolved by an officer."""

from __future__ import annotations

from typing import Any

from conftest import case_make

from accounts.models import User
from cases.models import Case
from cases.services import case_resolve


def resolved_case(officer: User, **kwargs: Any) -> Case:
    """A policy consultation opened and resolved by ``officer`` (its contact mobile
    13800138000)."""
    case = case_make(officer, **kwargs)
    resolved: Case = case_resolve(actor=officer, case=case, outcome="已答复")
    return resolved
