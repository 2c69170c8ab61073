"""State changes of cases, one service per verb, in one module per family of actions:

- ``applicants``: register or find the applicant, correct name or mobile, reveal the ID number;
- ``opening``: open a case (``case_open``, its reference number); finding the applicant and
  opening the case in one go is ``cases.intake``;
- ``ownership``: claim, reassign;
- ``transfer``: transfer, accept, decline;
- ``notice``: the single notice (一次性告知): request materials, receive them, add an item later;
- ``resolution``: resolve, close, reopen, withdraw;
- ``notes``: notes (attachments: ``cases.attachments``);
- ``reading``: what inspectors read (each case page, file and applicant page they open).

Each one: lock the case row, check the actor's right and market, run the transition, save,
write the audit event, and schedule side effects (notifications, SMS) on commit — the shared
mechanics are in ``cases.fsm``. An illegal or unpermitted action raises and changes nothing:

- ``django.core.exceptions.PermissionDenied``: the actor may not do this to this case;
- ``CaseActionError``: the case's state does not allow it now (message for the user);
- ``django.core.exceptions.ValidationError``: bad input (messages per field where possible).
"""

from .applicants import (
    ApplicantFound,
    OrganisationGiven,
    applicant_change_industry,
    applicant_change_mobile,
    applicant_change_name,
    applicant_id_number_reveal,
    applicant_organisation_find_or_register,
    applicant_organisation_register,
    applicant_organisations_find_or_register_many,
    applicant_person_find_or_register,
    applicant_person_register,
)
from .base import (
    CASE_SUBJECT,
    FINISHED_STATES,
    NAME_MAX,
    REASON_MAX,
    SUBJECT_MAX,
    CaseActionError,
)
from .notes import case_note_add
from .notice import case_receive_materials, case_request_materials, notice_item_add_later
from .opening import CaseRequest, case_open, case_open_many
from .ownership import (
    BULK_REASSIGN_MAX,
    BulkReassigned,
    case_bulk_reassign,
    case_claim,
    case_reassign,
)
from .reading import applicant_view_record, case_attachment_view_record, case_view_record
from .resolution import (
    case_close,
    case_reopen,
    case_resolve,
    case_resolve_and_close_many,
    case_withdraw,
)
from .transfer import case_transfer, case_transfer_accept, case_transfer_decline

__all__ = [
    "BULK_REASSIGN_MAX",
    "CASE_SUBJECT",
    "FINISHED_STATES",
    "NAME_MAX",
    "REASON_MAX",
    "SUBJECT_MAX",
    "ApplicantFound",
    "BulkReassigned",
    "CaseActionError",
    "CaseRequest",
    "OrganisationGiven",
    "applicant_change_industry",
    "applicant_change_mobile",
    "applicant_change_name",
    "applicant_id_number_reveal",
    "applicant_organisation_find_or_register",
    "applicant_organisation_register",
    "applicant_organisations_find_or_register_many",
    "applicant_person_find_or_register",
    "applicant_person_register",
    "applicant_view_record",
    "case_attachment_view_record",
    "case_bulk_reassign",
    "case_claim",
    "case_close",
    "case_note_add",
    "case_open",
    "case_open_many",
    "case_reassign",
    "case_receive_materials",
    "case_reopen",
    "case_request_materials",
    "case_resolve",
    "case_resolve_and_close_many",
    "case_transfer",
    "case_transfer_accept",
    "case_transfer_decline",
    "case_view_record",
    "case_withdraw",
    "notice_item_add_later",
]
