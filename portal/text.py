"""Free text an employer wrote, made fit for a public page: the postings' own rule, shared with
the public API (``workflows.postings.public_text``)."""

from workflows.postings.public_text import HIDDEN, phone_numbers_hidden

__all__ = ["HIDDEN", "phone_numbers_hidden"]
