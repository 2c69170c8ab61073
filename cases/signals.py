"""What the case engine tells higher layers without importing them (DESIGN.md, "The house").

``records_bulk_created``: cases or applicants written with ``bulk_create`` (bulk intake), which
sends no ``post_save``; sent in the same transaction with ``sender`` (the model) and
``instances`` (saved, with their primary keys), so that what follows every save (the search
index on SQLite) follows these too."""

from __future__ import annotations

from django.dispatch import Signal

records_bulk_created = Signal()
