"""Supervision of a market (included by backoffice/urls.py at the root: its pages keep their
own prefixes)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    # The event log, for inspectors and team leads.
    path("audit/events/", views.audit_events, name="audit_events"),
    path("audit/chains/", views.audit_chains, name="audit_chains"),
    # The work-log ledger (工作日志台账) of a market.
    path("ledger/<int:market_id>/", views.ledger, name="ledger"),
    path("ledger/<int:market_id>/sign-off/", views.ledger_sign, name="ledger_sign_off"),
    path("ledger/<int:market_id>/events/", views.ledger_events, name="ledger_events"),
    # Time limits (限时办结): the team lead's dashboard of a market.
    path("sla/market/<int:market_id>/", views.sla_market, name="sla_market"),
    # The inspector's region view: the same figures rolled up by market.
    path("sla/region/", views.sla_region, name="sla_region"),
]
