"""Admin for promo codes, landing pages, leads and the public slug register. Leads and
the register are read-only (they are written by the public page and its service);
codes may be switched on and off.

"""

from __future__ import annotations

from django.contrib import admin

from kolhub.admin import TenantAdmin
from tracking.models import (
    Click,
    ClickFallback,
    LandingPage,
    LandingPageSlug,
    Lead,
    LinkCode,
    PromoCode,
    TrackingLink,
)


class _ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PromoCode)
class PromoCodeAdmin(TenantAdmin):
    list_display = ["code", "collaboration", "discount_kind", "discount_value", "is_active"]
    list_filter = ("organization", "is_active")
    search_fields = ["code", "collaboration__creator__name"]
    raw_id_fields = ["collaboration"]
    fields = [
        "organization",
        "collaboration",
        "code",
        "discount_kind",
        "discount_value",
        "is_active",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ("organization", "collaboration", "code", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None) -> bool:
        # Codes are made through tracking.services (format and uniqueness rules).
        return False


@admin.register(LandingPage)
class LandingPageAdmin(TenantAdmin):
    list_display = ["slug", "headline", "collaboration", "is_active"]
    list_filter = ("organization", "is_active")
    search_fields = ["slug", "headline", "collaboration__creator__name"]
    raw_id_fields = ["collaboration", "product", "promo_code"]
    readonly_fields = ("organization", "collaboration", "slug", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Lead)
class LeadAdmin(_ReadOnly, TenantAdmin):
    list_display = [
        "email",
        "name",
        "campaign",
        "collaboration",
        "utm_source",
        "submitted_at",
        "submissions",
    ]
    list_filter = ("organization", "campaign")
    search_fields = ["email", "name"]
    raw_id_fields = ["campaign", "collaboration", "landing_page"]


@admin.register(LandingPageSlug)
class LandingPageSlugAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["slug", "organization", "landing_page_id", "created_at"]
    search_fields = ["slug"]


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


# Content metrics and share of voice: their own module, registered on import.
from tracking import admin_metrics  # noqa: E402, F401
