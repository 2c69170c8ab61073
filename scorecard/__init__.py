"""The market scorecard (standard art. 3, 5–10, 29): monthly per market, rolled up by city and
province for inspectors. Above ``workflows`` and ``noticeboard`` in the house's layers: it only
reads what they record (``selectors.py``); it owns no table."""
