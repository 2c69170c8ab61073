"""Room for long file names in uploads.

Django's multipart parser refuses a part whose headers exceed 1 KiB
(``django.http.multipartparser.MAX_TOTAL_HEADER_SIZE``) with a bare 400 before any view runs:
a file named with 340 Chinese characters (3 bytes each in UTF-8) never reaches the attachment
service, which would shorten the name and say so. ``MULTIPART_PART_HEADER_MAX_BYTES`` raises
that bound to a size that still caps the parser's work (it doubles its read up to the bound)
while holding any name a file system or a browser produces. Applied once, at start-up, by
``config.apps.OTPAdminConfig.ready``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import multipartparser


def part_header_limit_apply() -> None:
    # A module constant that django-stubs does not declare.
    setattr(multipartparser, "MAX_TOTAL_HEADER_SIZE", settings.MULTIPART_PART_HEADER_MAX_BYTES)  # noqa: B010
