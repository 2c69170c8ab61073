from django.core.management.base import BaseCommand

from search.index import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Refill the SQLite search tables from the rows (after a bulk load); nothing on PostgreSQL."
    )

    def handle(self, *args: object, **options: object) -> None:
        search_index_rebuild()
        self.stdout.write("Search index rebuilt.")
