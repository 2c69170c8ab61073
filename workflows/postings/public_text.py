"""Free text an employer wrote, made fit for a public page or the public API (no phone numbers:
contact goes through the market's counter)."""

from __future__ import annotations

import re

# A digit as people write one in a phone number: ASCII and full-width digits (``\d`` takes
# every decimal digit), Chinese numerals (一三八…, 〇 and 零 for zero, 幺 and 两 as read aloud)
# and the financial forms (壹贰叁…).
_DIGIT = r"[\d〇零一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖]"
# What may stand between the digits: spaces, dashes, dots, brackets, and characters that show
# nothing (zero-width space, joiners, the word joiner, the byte-order mark, direction marks).
_SEPARATOR = r"[\s\-.()（）－—·\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
# Seven or more such digits, possibly separated: a mobile (138 0013 8000, 一三八〇〇一三八〇〇〇),
# a landline (0771-5501234), a QQ number. A public page sends people to the market's counter.
_PHONE_LIKE = re.compile(rf"(?<!\d)[+＋]?{_DIGIT}(?:{_SEPARATOR}*{_DIGIT}){{6,}}(?!\d)")
HIDDEN = "***"


def phone_numbers_hidden(text: str) -> str:
    """``"请致电13812345678"`` -> ``"请致电***"``; so too ``"一三八一二三四五六七八"`` and
    digits with zero-width spaces between them."""
    return _PHONE_LIKE.sub(HIDDEN, text)
