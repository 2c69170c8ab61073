"""What the intake pages say after an intake, and the receipt they offer to print. The intake
itself (find or register the applicant and open the case, all or nothing) is a service below
the pages: ``cases.intake.case_intake`` and each workflow's ``*_take_in``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cases.models import Case


def contact_mobile_message(request: HttpRequest, case: Case) -> None:
    """Say so when the mobile given is not the one on the applicant's record: the case is
    reached at the one given; the record is changed only on the applicant's page."""
    on_record = case.applicant.mobile
    if case.contact_mobile and on_record and case.contact_mobile != on_record:
        messages.info(
            request,
            _(
                "The mobile given (%(given)s) is not the one on record (%(record)s): this case "
                "will use %(given)s; the record is unchanged. Change it on the applicant's page "
                "if the applicant asks."
            )
            % {"given": case.contact_mobile_masked, "record": case.applicant.mobile_masked},
        )


def receipt_offer(request: HttpRequest, case: Case) -> None:
    """After an intake: a message with the link that prints the case's acceptance receipt
    (受理回执) for the applicant. The message is HTML (a link) marked safe, which the message
    storage keeps; the reference is escaped by ``format_html``."""
    messages.info(
        request,
        format_html(
            '{} <a href="{}" class="receipt-link">{}</a>',
            _("Hand the applicant the acceptance receipt of case %(reference)s:")
            % {"reference": case.reference},
            reverse("backoffice:case_receipt", args=[case.pk]),
            _("Print receipt"),
        ),
    )
