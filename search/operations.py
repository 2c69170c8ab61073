"""A migration operation that runs on one database vendor only (the search app keeps a
different access path on PostgreSQL and on SQLite, see ``search/index.py``)."""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation


class OnVendor(Operation):
    """Run ``operation`` (database side only; it changes no model state) on ``vendor``
    ("postgresql", "sqlite") and skip it elsewhere."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, vendor: str, operation: Operation) -> None:
        self.vendor = vendor
        self.operation = operation

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [self.vendor, self.operation], {})

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # no model state: indexes and tables outside the ORM's models

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == self.vendor:
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == self.vendor:
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"On {self.vendor} only: {self.operation.describe()}"
