"""A membership, an absence (AB岗 cover) or a region changed: every process reads the users'
rights afresh (``cases.permissions``, kept in ``sla.memo`` under ``RIGHTS``); a service station
changed: the case lists' station choices are read afresh (``cases.staff_selectors``,
``STATIONS``). Connected in ``CasesConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from markets.models import Absence, Membership, Region, ServiceStation
from sla import memo

from .permissions import RIGHTS
from .staff_selectors import STATIONS


def _rights_changed(**kwargs: Any) -> None:
    memo.changed(RIGHTS)


def _stations_changed(**kwargs: Any) -> None:
    memo.changed(STATIONS)


def connect() -> None:
    for model in (Membership, Absence, Region):
        post_save.connect(
            _rights_changed, sender=model, dispatch_uid=f"cases.rights.{model.__name__}"
        )
        post_delete.connect(
            _rights_changed, sender=model, dispatch_uid=f"cases.rights.{model.__name__}.delete"
        )
    post_save.connect(_stations_changed, sender=ServiceStation, dispatch_uid="cases.stations")
    post_delete.connect(
        _stations_changed, sender=ServiceStation, dispatch_uid="cases.stations.delete"
    )
