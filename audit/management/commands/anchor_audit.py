"""Anchor every audit chain's head outside the database now: ``manage.py anchor_audit``.

Beat does this at least daily (``audit-anchor-chains``); run it by hand after an upgrade, before
a planned database restore, or whenever an extra anchor is wanted.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from audit.services import chain_heads_anchor


class Command(BaseCommand):
    help = (
        "Append each audit chain's head (sequence and seal) as a signed line to the anchor "
        "file in AUDIT_ANCHOR_DIR and send the heads to the audit administrators."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        anchoring = chain_heads_anchor()
        if not anchoring.heads:
            self.stdout.write("No audit chains to anchor yet.")
            return
        for head in anchoring.heads:
            self.stdout.write(f"{head.chain} #{head.sequence} {head.mac}")
        self.stdout.write(
            self.style.SUCCESS(f"Anchored {len(anchoring.heads)} chains in {anchoring.path}")
        )
