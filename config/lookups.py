"""``__in`` on integer fields ignores values the database cannot hold.

Django already answers ``pk=10**30`` with an empty result instead of sending it to the database
(``IntegerFieldOverflow`` on ``exact``, ``gt`` …), but not ``pk__in=[10**30]``, which is what
``ModelMultipleChoiceField`` asks for ticked boxes: SQLite raises OverflowError and PostgreSQL
"integer out of range", a server error for a tampered form. Registered for every integer field
(primary keys included) by ``config.apps.OTPAdminConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
