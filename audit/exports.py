"""The ledger (工作日志台账) as files officials open in Excel: CSV and XLSX.

Both hold the same two parts: the market's totals (with cases opened and closed by kind and by
channel) and one row per officer. Headings follow the active language (Chinese by default).

Every text cell is neutralised against formula injection by ``audit.spreadsheets`` (the one copy
of that rule): officer names and case kinds come from users and must never run as formulas on an
official's machine. Each export is recorded as ``ledger.exported``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import User

from .ledger import (
    FIGURE_LABELS,
    LEDGER_EXPORTED,
    LEDGER_ZONE,
    UNSPECIFIED,
    Ledger,
    LedgerFigures,
)
from .models import AuditEvent, LedgerSignOff
from .services import event_record
from .spreadsheets import Cell, cell_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Row = Sequence["Cell | StrOrPromise"]


class _Heading(tuple["Cell | StrOrPromise", ...]):
    """A row of column headings (set in bold in the workbook)."""


def _cell(value: Cell | StrOrPromise) -> Cell:
    return value if isinstance(value, int) else cell_text(value)


# --- What the files hold -------------------------------------------------------------------------


def _heading_rows(ledger: Ledger) -> Iterator[Row]:
    yield (_("Market"), ledger.market.name)
    yield (_("Period"), ledger.period)
    yield (_("Time zone"), "Asia/Shanghai")
    if ledger.is_day:
        sign_off = ledger.sign_offs[0] if ledger.sign_offs else None
        if sign_off is None:
            yield (_("Signed off"), _("Not signed off"))
        else:
            yield (_("Signed off"), _signer(sign_off.signed_by))
            yield (_("Signed at"), _local(sign_off))
    else:
        yield (_("Days signed off"), len(ledger.sign_offs))


def _signer(user: User) -> str:
    return f"{user.full_name} ({user.username})" if user.full_name else user.username


def _local(sign_off: LedgerSignOff) -> str:
    return timezone.localtime(sign_off.signed_at, LEDGER_ZONE).strftime("%Y-%m-%d %H:%M")


# The names of case kinds and channels, by code ("career_guidance" → 职业指导). The log stores
# codes and this layer does not know the workflows: the caller (the ledger page) passes the
# names; a code nobody named is written as it is.
Names = Mapping[str, "StrOrPromise"]


def _breakdown(label: StrOrPromise, by: str, counts: dict[str, int], names: Names) -> Iterator[Row]:
    for key, n in sorted(counts.items()):
        yield (label, by, names.get(key, key) if key != UNSPECIFIED else _("(not given)"), n)


def totals_rows(
    ledger: Ledger, *, kind_names: Names | None = None, channel_names: Names | None = None
) -> Iterator[Row]:
    """The market's totals: a heading, then figure · broken down by · kind or channel · count."""
    kinds, channels = kind_names or {}, channel_names or {}
    yield from _heading_rows(ledger)
    yield ()
    yield _Heading((_("Figure"), _("Broken down by"), _("Kind or channel"), _("Count")))
    totals = ledger.totals
    for name, label in FIGURE_LABELS:
        yield (label, "", "", getattr(totals, name))
        if name == "opened":
            yield from _breakdown(label, _("Kind"), totals.opened_by_kind, kinds)
            yield from _breakdown(label, _("Channel"), totals.opened_by_channel, channels)
        elif name == "closed":
            yield from _breakdown(label, _("Kind"), totals.closed_by_kind, kinds)


def officer_rows(ledger: Ledger) -> Iterator[Row]:
    """One row per officer: user name, full name, then every count."""
    yield _Heading((_("User name"), _("Full name"), *(label for _name, label in FIGURE_LABELS)))
    for officer in ledger.officers:
        figures: LedgerFigures = officer.figures
        counts = (getattr(figures, name) for name, _label in FIGURE_LABELS)
        yield (officer.username, officer.full_name, *counts)


def _sections(
    ledger: Ledger, kind_names: Names | None, channel_names: Names | None
) -> tuple[tuple[str, Iterator[Row]], ...]:
    return (
        (
            _("Market totals"),
            totals_rows(ledger, kind_names=kind_names, channel_names=channel_names),
        ),
        (_("Officers"), officer_rows(ledger)),
    )


def _exported(
    ledger: Ledger, *, fmt: str, actor: User | None, ip_address: str | None
) -> AuditEvent:
    return event_record(
        action=LEDGER_EXPORTED,
        actor=actor,
        market=ledger.market,
        new_values={"format": fmt, "period": ledger.period},
        ip_address=ip_address,
    )


# --- Files ----------------------------------------------------------------------------------------


def ledger_csv(
    ledger: Ledger,
    *,
    actor: User | None = None,
    ip_address: str | None = None,
    kind_names: Names | None = None,
    channel_names: Names | None = None,
) -> bytes:
    """The ledger as CSV, UTF-8 with a byte-order mark (so Excel reads the Chinese right):
    the totals section, an empty row, then the officers section. Records ``ledger.exported``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, (title, rows) in enumerate(_sections(ledger, kind_names, channel_names)):
        if index:
            writer.writerow(())
        writer.writerow((cell_text(title),))
        writer.writerows([_cell(value) for value in row] for row in rows)
    data = out.getvalue().encode("utf-8-sig")
    _exported(ledger, fmt="csv", actor=actor, ip_address=ip_address)
    return data


def ledger_xlsx(
    ledger: Ledger,
    *,
    actor: User | None = None,
    ip_address: str | None = None,
    kind_names: Names | None = None,
    channel_names: Names | None = None,
) -> bytes:
    """The ledger as an Excel workbook: one sheet for the totals, one for the officers.
    Records ``ledger.exported``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, rows in _sections(ledger, kind_names, channel_names):
        sheet = workbook.create_sheet(title=cell_text(title)[:31])
        for row in rows:
            sheet.append([_cell(value) for value in row])
            if isinstance(row, _Heading):
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    _exported(ledger, fmt="xlsx", actor=actor, ip_address=ip_address)
    return out.getvalue()
