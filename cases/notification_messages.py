"""What the case engine tells staff in the bell, registered with ``notifications.messages`` and
rendered in the reader's language when shown (the parameters are case data: a reference, a
subject, a name, a reason, a due time already formatted); and the text messages it sends the
applicant on intake and when the case is resolved (rendered in the applicant's language when
they are queued: ``cases.services.applicant_sms``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit import notification_messages as audit_messages
from notifications.messages import message_register
from sla import notification_messages as sla_messages

CASE_TRANSFERRED = message_register(
    "cases.transferred", _("Case %(reference)s has been transferred to you: %(subject)s")
)
CASE_TRANSFER_ACCEPTED = message_register(
    "cases.transfer_accepted", _("Case %(reference)s was accepted by %(name)s.")
)
CASE_TRANSFER_DECLINED = message_register(
    "cases.transfer_declined", _("The transfer of case %(reference)s was declined: %(reason)s")
)
CASE_REASSIGNED = message_register(
    "cases.reassigned", _("Case %(reference)s has been assigned to you.")
)
CASE_DUE_SOON = message_register(
    "cases.due_soon", _("Case %(reference)s (%(subject)s) is due at %(due)s.")
)
CASE_OVERDUE = message_register(
    "cases.overdue", _("Case %(reference)s (%(subject)s) is overdue: it was due at %(due)s.")
)
CASE_ESCALATED = message_register(
    "cases.escalated",
    _("Escalated: case %(reference)s (%(subject)s) is still not finished; it was due at %(due)s."),
)

# Absence cover (AB岗): the same messages, for the deputy of an absent officer (cases.cover).
COVERING: dict[str, str] = {
    CASE_TRANSFERRED: message_register(
        "cases.transferred.covering",
        _("Covering for %(absent)s: case %(reference)s has been transferred to you: %(subject)s"),
    ),
    CASE_TRANSFER_ACCEPTED: message_register(
        "cases.transfer_accepted.covering",
        _("Covering for %(absent)s: case %(reference)s was accepted by %(name)s."),
    ),
    CASE_TRANSFER_DECLINED: message_register(
        "cases.transfer_declined.covering",
        _("Covering for %(absent)s: the transfer of case %(reference)s was declined: %(reason)s"),
    ),
    CASE_REASSIGNED: message_register(
        "cases.reassigned.covering",
        _("Covering for %(absent)s: case %(reference)s has been assigned to them."),
    ),
    CASE_DUE_SOON: message_register(
        "cases.due_soon.covering",
        _("Covering for %(absent)s: case %(reference)s (%(subject)s) is due at %(due)s."),
    ),
    CASE_OVERDUE: message_register(
        "cases.overdue.covering",
        _(
            "Covering for %(absent)s: case %(reference)s (%(subject)s) is overdue: it was due "
            "at %(due)s."
        ),
    ),
    CASE_ESCALATED: message_register(
        "cases.escalated.covering",
        _(
            "Covering for %(absent)s: escalated: case %(reference)s (%(subject)s) is still not "
            "finished; it was due at %(due)s."
        ),
    ),
}

# Text messages to the applicant (短信). No personal data beyond the reference: a text message
# may be read by anyone holding the phone.
CASE_RECEIVED_SMS = message_register(
    "cases.sms_received",
    _(
        "[%(market)s] Your request (%(service)s) is accepted, reference %(reference)s; it "
        "will be completed within %(limit)s, by %(due)s. Check its progress at the market's "
        "kiosk with the reference and the last four digits of this mobile. Enquiries: "
        "%(phone)s."
    ),
)
CASE_RECEIVED_SMS_NO_LIMIT = message_register(
    "cases.sms_received_no_limit",
    _(
        "[%(market)s] Your request (%(service)s) is accepted, reference %(reference)s. Check "
        "its progress at the market's kiosk with the reference and the last four digits of "
        "this mobile. Enquiries: %(phone)s."
    ),
)
CASE_RESOLVED_SMS = message_register(
    "cases.sms_resolved",
    _(
        "[%(market)s] Your case %(reference)s (%(service)s) has been completed. Enquiries: "
        "%(phone)s."
    ),
)
# The same, with the link where the applicant rates the service (好差评, workflows.ratings).
CASE_RESOLVED_SMS_RATE = message_register(
    "cases.sms_resolved_rate",
    _(
        "[%(market)s] Your case %(reference)s (%(service)s) has been completed. Please rate "
        "our service: %(link)s Enquiries: %(phone)s."
    ),
)


# The layers below the case engine declare their messages without importing notifications
# (their sibling): they are registered here, under their own keys.
for _messages in (audit_messages.MESSAGES, sla_messages.MESSAGES):
    for _key, _text in _messages.items():
        message_register(_key, _text)
