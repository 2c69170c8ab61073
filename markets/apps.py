from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _divisions_restore(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """A database emptied by ``flush`` (as the test runner does after a transactional test)
    loses the division table that the migration loaded; load it again, as Django recreates
    content types and permissions. A table that has rows is left alone."""
    from django.db import connections, transaction

    from markets.divisions import divisions_load_shipped
    from markets.models import Division

    if Division._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated backwards, before the table
    if Division.objects.using(using).exists():
        return
    with transaction.atomic(using=using):
        divisions_load_shipped(Division)


class MarketsConfig(AppConfig):
    name = "markets"
    verbose_name = _("Markets and staff")

    def ready(self) -> None:
        post_migrate.connect(_divisions_restore, sender=self, dispatch_uid="markets_divisions")
