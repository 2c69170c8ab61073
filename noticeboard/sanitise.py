"""Rich text of the notice board, cleaned to a small allow-list (nh3, the Rust ``ammonia``
sanitiser): paragraphs, line breaks, emphasis, lists, sub-headings, quotations and http(s)
links. Scripts, styles, event handlers, ``style`` attributes and ``javascript:`` links go.

Applied when a text is saved (services) and again when it is shown (the ``rich_text`` filter),
so a row written by any other path is still safe on the page.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https"})


def rich_text_clean(html: str) -> str:
    """``html`` with everything outside the allow-list removed; links get rel="noopener"."""
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener",
        strip_comments=True,
    ).strip()
