"""Each service's declaration (``workflows/<service>/flow.py``, and the engine's own,
``cases/flow.py``) is what the running system does: the model's state graph, the seeded
checklist and time limits, the registered kind, audit labels and pausing states all agree
with it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django_fsm import FSMFieldMixin

from audit.actions import action_label
from cases.flows import FLOWS, Flow
from cases.kinds import kind_get
from cases.models import ChecklistItem
from sla.hooks import pausable_states
from sla.models import Policy

WORKFLOWS = sorted(
    config.name.rsplit(".", 1)[1]
    for config in apps.get_app_configs()
    if config.name.startswith("workflows.")
)
# The engine's own flow (``cases/flow.py``) and one per workflow.
SERVICES = ["cases", *WORKFLOWS]
MODULES = {"cases": "cases.flow", **{service: f"workflows.{service}.flow" for service in WORKFLOWS}}


def _flow(service: str) -> Flow:
    return FLOWS[service]


def test_the_engine_and_every_workflow_register_the_flow_of_their_flow_file() -> None:
    assert sorted(FLOWS) == sorted(SERVICES)
    for service, module_name in MODULES.items():
        module = __import__(module_name, fromlist=["FLOW"])
        assert module.FLOW is FLOWS[service]


@pytest.mark.parametrize("service", SERVICES)
def test_the_kind_labels_and_pausing_states_of_the_flow_are_registered(service: str) -> None:
    flow = _flow(service)
    if flow.kind is not None:
        assert kind_get(flow.kind.code) is flow.kind
    for code, label in flow.audit_labels.items():
        assert action_label(code) == label
    assert set(flow.extra_pause_states) <= pausable_states()


@pytest.mark.parametrize("service", [s for s in SERVICES if _flow(s).graph is not None])
def test_the_models_state_graph_is_the_one_the_flow_declares(service: str) -> None:
    graph = _flow(service).graph
    assert graph is not None
    model = apps.get_model(graph.model)
    field = model._meta.get_field(graph.field)
    assert isinstance(field, FSMFieldMixin)

    assert tuple(value for value, _label in field.choices) == graph.states
    actual = {(t.name, t.source, t.target) for t in field.get_all_transitions(model)}
    declared = {(step.verb, source, step.target) for step in graph.steps for source in step.sources}
    assert actual == declared


@pytest.mark.django_db
@pytest.mark.parametrize("service", [s for s in SERVICES if _flow(s).kind is not None])
def test_the_seeded_checklist_is_the_one_the_flow_declares(service: str) -> None:
    flow = _flow(service)
    assert flow.kind is not None
    seeded = [
        (item.name, item.reason, item.format, item.copies, item.issuing_body)
        for item in ChecklistItem.objects.filter(kind=flow.kind.code, is_active=True).order_by(
            "position"
        )
    ]
    declared = [
        (entry.name, entry.reason, entry.format, entry.copies, entry.issuing_body)
        for entry in flow.checklist
    ]
    assert seeded == declared


@pytest.mark.django_db
@pytest.mark.parametrize("service", [s for s in SERVICES if _flow(s).kind is not None])
def test_the_seeded_time_limits_are_the_ones_the_flow_declares(service: str) -> None:
    flow = _flow(service)
    assert flow.kind is not None
    seeded = {
        (
            policy.channel,
            policy.target,
            policy.amount,
            policy.unit,
            tuple(policy.pause_states),
            policy.warn_percent,
            policy.escalate_after_days,
        )
        for policy in Policy.objects.filter(kind=flow.kind.code, market=None, is_active=True)
    }
    declared = {
        (
            limit.channel,
            limit.target,
            limit.amount,
            limit.unit,
            limit.pause_states,
            limit.warn_percent,
            limit.escalate_after_days,
        )
        for limit in flow.time_limits
    }
    assert flow.time_limits
    assert seeded == declared
