"""Free text an employer wrote, made fit for a public page."""

from __future__ import annotations

import re

# Seven or more digits (``\d`` takes full-width digits too), possibly split by spaces, dashes,
# dots or brackets: a mobile (138 0013 8000), a landline (0771-5501234), a QQ number. A public
# page sends people to the market's counter instead.
_PHONE_LIKE = re.compile(r"(?<!\d)[+＋]?\d(?:[\s\-.()（）－—]*\d){6,}(?!\d)")
HIDDEN = "***"


def phone_numbers_hidden(text: str) -> str:
    """``"请致电13812345678"`` -> ``"请致电***"``."""
    return _PHONE_LIKE.sub(HIDDEN, text)
