"""Exports of lists to XLSX and CSV (导出): the export job, the declared lists, the file writers,
the Celery task and the purge of old files.

A small app of its own rather than a part of ``audit``: the lists it exports are the case
engine's (a market's cases, with their deadlines) as much as the event log's, and ``audit`` sits
below ``cases`` in the house and may not read them. So ``exports`` sits beside ``workflows``
and ``noticeboard`` (``.importlinter``); the one rule it shares with the ledger's files, that no
cell runs as a formula, lives lower down, in ``audit.spreadsheets``, where both reach it.
"""
