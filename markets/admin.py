from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import Market, Membership, Region, ServiceStation
from .services import membership_grant, membership_revoke


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["level", "parent"]


class ServiceStationInline(admin.TabularInline):
    model = ServiceStation
    extra = 0


@admin.register(Market)
class MarketAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "service_phone", "premises_area_m2", "opened_on", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]
    inlines = [ServiceStationInline]


@admin.register(ServiceStation)
class ServiceStationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "market", "phone", "is_active"]
    list_filter = ["market"]
    search_fields = ["name", "market__name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Roles are granted and revoked, never edited in place."""

    list_display = ["user", "role", "market", "region", "created_at"]
    list_select_related = ["user", "market", "region"]  # nullable: not followed by default
    list_filter = ["role", "market"]
    search_fields = ["user__username", "user__full_name"]
    autocomplete_fields = ["user", "market", "region"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "role", "market", "region"] if obj else []

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            return
        saved = membership_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=obj.user,
            role=obj.role,
            market=obj.market,
            region=obj.region,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(actor=request.user, membership=obj)  # type: ignore[arg-type]
