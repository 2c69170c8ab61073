from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from markets.models import Role
        from markets.roles import role_permissions_extend

        # Its messages in the notifications registry, so the bell can render them.
        from . import notification_messages  # noqa: F401

        # The system administrator keeps the checklists; the auditor reads them.
        role_permissions_extend(
            Role.SYSTEM_ADMIN,
            "cases.view_checklistitem",
            "cases.add_checklistitem",
            "cases.change_checklistitem",
        )
        role_permissions_extend(Role.AUDIT_ADMIN, "cases.view_checklistitem")

        from .flow import FLOW
        from .flows import flow_register

        # The case's states and transitions, policy consultation's checklist and time limits,
        # the engine's audit labels: flow.py.
        flow_register(FLOW)

        from audit.hooks import admin_alert_handler_register
        from sla.hooks import (
            due_handler_register,
            pausable_states_register,
            staff_notice_handler_register,
        )

        from .models import State
        from .reminders import case_deadline_reached
        from .staff_alerts import audit_alert_deliver, sla_notice_deliver

        pausable_states_register(*State.values)
        due_handler_register(case_deadline_reached)
        # sla and audit may not import notifications (their sibling): they call these hooks.
        staff_notice_handler_register(sla_notice_deliver)
        admin_alert_handler_register(audit_alert_deliver)

        from notifications.channels import address_resolver_register

        from .services.applicant_sms import CONTACT_SCHEME, case_contact_address

        # The applicant's text messages name the case; its mobile is read when they are sent.
        address_resolver_register(CONTACT_SCHEME, case_contact_address)

        from .receivers import connect as rights_receivers_connect

        # Rights kept in each process's memory are read afresh when they change.
        rights_receivers_connect()
