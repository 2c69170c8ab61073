"""A membership, an absence (AB岗 cover) or a region changed: every process reads the users'
rights afresh (``cases.permissions``, kept in ``sla.memo`` under ``RIGHTS``); a service station
changed: the case lists' station choices are read afresh (``cases.staff_selectors``,
``STATIONS``); a user, a membership, a market, a region or an absence changed: the choices of a
transfer and a reassignment (``HANDOVER``); a checklist item: a single notice's items to tick
(``CHECKLISTS``). Connected in ``CasesConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from accounts.models import User
from markets.models import Absence, Market, Membership, Region, ServiceStation
from sla import memo

from .models import ChecklistItem
from .permissions import RIGHTS
from .staff_selectors import CHECKLISTS, HANDOVER, STATIONS

# What a member of staff offered as a choice is made of; a save of other fields (the last
# sign-in, on every sign-in) changes no choice.
_USER_CHOICE_FIELDS = frozenset({"is_active", "password", "full_name", "username"})


def _user_changed(update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    if update_fields is None or update_fields & _USER_CHOICE_FIELDS:
        memo.changed(HANDOVER)


def _user_deleted(**kwargs: Any) -> None:
    memo.changed(HANDOVER)


def connect() -> None:
    memo.renewed_by(RIGHTS, Membership, Absence, Region)
    memo.renewed_by(STATIONS, ServiceStation)
    memo.renewed_by(HANDOVER, Membership, Market, Region, Absence)
    memo.renewed_by(CHECKLISTS, ChecklistItem)
    post_save.connect(_user_changed, sender=User, dispatch_uid="cases.handover.User")
    post_delete.connect(_user_deleted, sender=User, dispatch_uid="cases.handover.User.delete")
