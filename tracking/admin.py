"""Admin for promo codes, landing pages, leads and the public slug register. Leads and
the register are read-only (they are written by the public page and its service);
codes may be switched on and off."""

from django.contrib import admin

from kolhub.admin import TenantAdmin
from tracking.models import LandingPage, LandingPageSlug, Lead, PromoCode


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
