from django.urls import URLPattern, URLResolver, include, path

from . import (
    applicant_views,
    attachments,
    audit_views,
    campaigns_urls,
    case_views,
    complaints_urls,
    counter_views,
    guidance_urls,
    ledger_views,
    noticeboard_urls,
    notification_views,
    sla_views,
    startup_urls,
    training_urls,
    views,
    welfare_urls,
)
from .actions import ACTIONS

app_name = "backoffice"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    # The officer's pages (案件).
    path("cases/", case_views.workbench, name="workbench"),
    path("cases/new/", case_views.case_new, name="case_new"),
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:pk>/notice/", case_views.case_notice_print, name="case_notice"),
    path("cases/<int:pk>/reveal-id/", case_views.case_reveal_id, name="case_reveal_id"),
    path(
        "cases/<int:pk>/applicant-export/",
        case_views.applicant_export,
        name="case_applicant_export",
    ),
    # One URL per action, each calling one service: /cases/<pk>/claim/, /cases/<pk>/resolve/ …
    *(
        path(
            f"cases/<int:pk>/{verb.replace('_', '-')}/",
            case_views.case_action,
            {"verb": verb},
            name=f"case_{verb}",
        )
        for verb in ACTIONS
    ),
    # attachments: added by backoffice/attachments.py
    path(
        "cases/<int:pk>/attachments/",
        attachments.case_attachment_upload,
        name="case_attachment_upload",
    ),
    path(
        "cases/<int:pk>/attachments/<int:attachment_pk>/",
        attachments.case_attachment_download,
        name="case_attachment_download",
    ),
    # Correcting an applicant's name or mobile: its own audited action, never intake's.
    path("applicants/<int:pk>/change/", applicant_views.applicant_change, name="applicant_change"),
    path("cases/transfers/<int:pk>/accept/", case_views.transfer_accept, name="transfer_accept"),
    path("cases/transfers/<int:pk>/decline/", case_views.transfer_decline, name="transfer_decline"),
    # The team lead's view of a market.
    path("cases/market/<int:market_id>/", case_views.market_cases, name="market_cases"),
    # The event log, for inspectors and team leads.
    path("audit/events/", audit_views.audit_events, name="audit_events"),
    path("audit/chains/", audit_views.audit_chains, name="audit_chains"),
    # The work-log ledger (工作日志台账) of a market.
    path("ledger/<int:market_id>/", ledger_views.ledger, name="ledger"),
    path("ledger/<int:market_id>/sign-off/", ledger_views.ledger_sign, name="ledger_sign_off"),
]

urlpatterns += [
    # Time limits (限时办结): the team lead's dashboard of a market.
    path("sla/market/<int:market_id>/", sla_views.sla_market, name="sla_market"),
    # The bell (站内通知): every signed-in member of staff.
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
]

urlpatterns += [
    # The counter (即时快招): take and moderate postings, register and serve job seekers.
    path("counter/postings/", counter_views.posting_queue, name="counter_postings"),
    path("counter/postings/new/", counter_views.posting_new, name="counter_posting_new"),
    path("counter/postings/<int:pk>/", counter_views.posting_detail, name="counter_posting"),
    *(
        path(
            f"counter/postings/<int:pk>/{verb}/",
            counter_views.posting_action,
            {"verb": verb},
            name=f"counter_posting_{verb}",
        )
        for verb in ("publish", "return", "reject")
    ),
    path("counter/seekers/new/", counter_views.seeker_new, name="counter_seeker_new"),
    path("counter/seekers/<int:pk>/", counter_views.seeker_detail, name="counter_seeker"),
    path(
        "counter/seekers/<int:pk>/update/",
        counter_views.seeker_update_view,
        name="counter_seeker_update",
    ),
    path(
        "counter/seekers/<int:pk>/guidance/",
        counter_views.seeker_guidance,
        name="counter_seeker_guidance",
    ),
    path(
        "counter/seekers/<int:pk>/refer/", counter_views.seeker_refer, name="counter_seeker_refer"
    ),
    path(
        "counter/referrals/<int:pk>/outcome/",
        counter_views.referral_outcome,
        name="counter_referral_outcome",
    ),
]

# The supporting services (standard art. 6, 11, 17, 19–24, 28), one module each.
urlpatterns += [
    path("guidance/", include(guidance_urls)),
    path("training/", include(training_urls)),
    path("startup/", include(startup_urls)),
    path("complaints/", include(complaints_urls)),
    path("welfare/", include(welfare_urls)),
    path("campaigns/", include(campaigns_urls)),
    path("noticeboard/", include(noticeboard_urls)),
]
