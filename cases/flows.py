"""How a service's declaration (``workflows/<service>/flow.py``; the engine's own case graph
and kind: ``cases/flow.py``) is written and registered.

One ``Flow`` per service answers "how does it move?" in one file: its case kind, the states
and transitions of its own record, the checklist its single notice (一次性告知) draws from, its
default time limits (限时办结) and the labels of its audit events. ``flow_register`` (called
from the app's ``ready()``) hands the kind to the engine, the labels to the audit log and any
extra pausing state to the SLA clocks.

The executable state graph stays on the model (django-fsm ``@transition`` with its guards and
permission); the checklist and the time limits are seeded into the database by data migrations
and edited by administrators afterwards. The flow file states the same values, and
``tests/workflows/test_flows.py`` checks that the model's graph and the seeded rows agree with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .kinds import CaseKind, kind_register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The case state in which every kind's clocks stand still: the applicant gathers materials.
AWAITING_MATERIALS = "awaiting_materials"


@dataclass(frozen=True)
class Step:
    """A transition of the record's state graph: ``verb`` from any of ``sources`` to
    ``target``."""

    verb: str
    sources: tuple[str, ...]
    target: str


@dataclass(frozen=True)
class Graph:
    """The states and transitions of the service's own record (``model``: an app label and
    model name, ``field``: its django-fsm field)."""

    model: str
    field: str
    states: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class ChecklistEntry:
    """One item of the kind's checklist as seeded (名称, 理由, 形式, 份数, 出具单位)."""

    name: str
    reason: str
    format: str
    copies: int
    issuing_body: str


@dataclass(frozen=True)
class TimeLimit:
    """A default SLA policy of the kind (any market): ``target`` (acceptance or completion)
    within ``amount`` ``unit``; ``channel`` "" for every channel."""

    target: str
    amount: int
    unit: str
    pause_states: tuple[str, ...] = (AWAITING_MATERIALS,)
    warn_percent: int = 75
    escalate_after_days: int = 1
    channel: str = ""


@dataclass(frozen=True)
class Flow:
    """A service's declaration. ``kind`` None: the service opens no case of its own."""

    service: str
    kind: CaseKind | None
    graph: Graph | None = None
    checklist: tuple[ChecklistEntry, ...] = ()
    time_limits: tuple[TimeLimit, ...] = ()
    audit_labels: Mapping[str, StrOrPromise] = field(default_factory=dict)
    # States (beyond the case's own) in which the kind's completion clock stands still.
    extra_pause_states: tuple[str, ...] = ()


FLOWS: dict[str, Flow] = {}


def flow_register(flow: Flow) -> Flow:
    """Register the service's kind, audit labels and pausing states (from ``ready()``)."""
    from audit.actions import action_label_register
    from sla.hooks import pausable_states_register

    if flow.kind is not None:
        kind_register(flow.kind)
    for action, label in flow.audit_labels.items():
        action_label_register(action, label)
    for state in flow.extra_pause_states:
        pausable_states_register(state)
    FLOWS[flow.service] = flow
    return flow
