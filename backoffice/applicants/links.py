"""Where each line of the applicant's time line (``cases.timeline``) opens: the record named
by the entry's ``link`` (what, id) → the page that shows it."""

from __future__ import annotations

from django.urls import reverse

from cases.timeline import Entry

PAGES: dict[str, tuple[str, str]] = {
    "case": ("backoffice:case_detail", ""),
    "notice": ("backoffice:case_notice", ""),
    "posting": ("backoffice:counter_posting", ""),
    "seeker": ("backoffice:counter_seeker", "#guidance-heading"),
    "training": ("backoffice:training_referral", ""),
    "welfare": ("backoffice:welfare_application", ""),
    "complaint": ("backoffice:complaints_detail", ""),
}


def entry_url(entry: Entry) -> str:
    """The page of the entry's record; "" for a kind of record without a page."""
    what, pk = entry.link
    if what not in PAGES:
        return ""
    name, fragment = PAGES[what]
    return reverse(name, args=[pk]) + fragment
