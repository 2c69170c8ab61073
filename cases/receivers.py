"""A membership, an absence (AB岗 cover) or a region changed: every process reads the users'
rights afresh (``cases.permissions``, kept in ``sla.memo`` under ``RIGHTS``). Connected in
``CasesConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from markets.models import Absence, Membership, Region
from sla import memo

from .permissions import RIGHTS


def _rights_changed(**kwargs: Any) -> None:
    memo.changed(RIGHTS)


def connect() -> None:
    for model in (Membership, Absence, Region):
        post_save.connect(
            _rights_changed, sender=model, dispatch_uid=f"cases.rights.{model.__name__}"
        )
        post_delete.connect(
            _rights_changed, sender=model, dispatch_uid=f"cases.rights.{model.__name__}.delete"
        )
