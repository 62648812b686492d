from django.contrib import admin

from kolhub.admin import TenantAdmin
from tracking.models import Click, ClickFallback, LinkCode, TrackingLink


@admin.register(TrackingLink)
class TrackingLinkAdmin(TenantAdmin):
    list_display = ["code", "organization", "collaboration", "platform", "destination_url"]
    list_filter = ("organization", "platform")
    search_fields = ["code", "destination_url"]
    raw_id_fields = ["collaboration", "created_by"]
    # The code and URL are written by tracking.services with the LinkCode register.
    readonly_fields = ("code", "tracked_url", "created_at", "updated_at")


@admin.register(Click)
class ClickAdmin(TenantAdmin):
    list_display = [
        "click_id",
        "organization",
        "link",
        "clicked_at",
        "is_unique",
        "user_agent_class",
    ]
    list_filter = ("organization", "is_unique", "user_agent_class")
    raw_id_fields = ["link"]
    readonly_fields = ("click_id", "visitor_hash", "batch_id", "created_at", "updated_at")


@admin.register(LinkCode)
class LinkCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "organization", "link_id"]
    search_fields = ["code"]
    readonly_fields = ["code", "organization", "link_id", "target_url"]


@admin.register(ClickFallback)
class ClickFallbackAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at"]
    readonly_fields = ["payload", "created_at"]
