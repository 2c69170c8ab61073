"""The scorecard item "monthly statistics published on time" (art. 15): answered by the
monthly statistics (``stats``), which are not in this branch yet.

``monthly_statistics_published_on_time`` is the one place to wire them: it returns, per
market, whether the month's statistics were published by their due day. Until then every
market has no data for the item (never "failed").
"""

from __future__ import annotations

from collections.abc import Sequence


def monthly_statistics_published_on_time(
    *, market_ids: Sequence[int], year: int, month: int
) -> dict[int, bool | None]:
    """{market id: True (published on time) / False (late or missing) / None (no data)}.

    No data for every market for now: the statistics app is wired here when it is merged."""
    return dict.fromkeys(market_ids)
