"""Admin for promo codes, landing pages, leads and the public slug register. Leads and
the register are read-only (they are written by the public page and its service);
codes may be switched on and off.

"""

from __future__ import annotations

from django.contrib import admin

from kolhub.admin import TenantAdmin
from tracking import admin_conversions  # noqa: F401 (conversions, ledger, imports)
from tracking.models import (
    CampaignDailyRollup,
    CampaignReport,
    Click,
    ClickBatch,
    ClickFallback,
    DailyRollup,
    LandingPage,
    LandingPageSlug,
    Lead,
    LinkCode,
    PromoCode,
    RollupCostWatermark,
    RollupDirtyDay,
    RunningTotal,
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
    # Links are made in the app (tracking.services.tracking_link_create): the code, the
    # tracked URL, the LinkCode register and its Redis cache are built together from the
    # collaboration, platform and destination, so none of them is editable here. Deleting
    # is allowed: tracking.receivers releases the code.
    fields = ["organization", "collaboration", "platform", "destination_url", "tracked_url",
              "code", "created_by", "created_at", "updated_at"]  # fmt: skip
    readonly_fields = tuple(fields)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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


# Rollups are written by the rollup worker only (tracking.services.rollups): an edit here
# would be overwritten by the next recompute, so the admin shows them read-only.
@admin.register(DailyRollup)
class DailyRollupAdmin(_ReadOnly, TenantAdmin):
    list_display = ("day", "campaign", "collaboration", "platform", "currency", "clicks",
                    "conversions", "revenue", "cost", "computed_at")  # fmt: skip
    list_filter = ("platform", "currency")
    date_hierarchy = "day"
    list_select_related = ("campaign", "collaboration")
    raw_id_fields = ("campaign", "collaboration")


@admin.register(CampaignDailyRollup)
class CampaignDailyRollupAdmin(_ReadOnly, TenantAdmin):
    list_display = ("day", "campaign", "platform", "currency", "clicks", "conversions",
                    "revenue", "cost", "computed_at")  # fmt: skip
    list_filter = ("platform", "currency")
    date_hierarchy = "day"
    list_select_related = ("campaign",)
    raw_id_fields = ("campaign",)


@admin.register(RunningTotal)
class RunningTotalAdmin(_ReadOnly, TenantAdmin):
    list_display = ("day", "campaign", "collaboration", "platform", "currency", "clicks",
                    "conversions", "revenue", "cost")  # fmt: skip
    list_filter = ("platform", "currency")
    date_hierarchy = "day"
    list_select_related = ("campaign", "collaboration")
    raw_id_fields = ("campaign", "collaboration")


@admin.register(RollupDirtyDay)
class RollupDirtyDayAdmin(_ReadOnly, TenantAdmin):
    list_display = ("collaboration", "day", "marked_at")
    raw_id_fields = ("collaboration",)


@admin.register(RollupCostWatermark)
class RollupCostWatermarkAdmin(_ReadOnly, TenantAdmin):
    # How far the rollup worker has looked for cost changes (tracking.services.rollups).
    list_display = ("through",)


@admin.register(ClickBatch)
class ClickBatchAdmin(_ReadOnly, admin.ModelAdmin):
    # A platform table: the ids of stored flush batches (tracking.clicks), no tenant data.
    list_display = ("batch_id", "rows", "stored_at")
    search_fields = ("batch_id",)
    date_hierarchy = "stored_at"


# --- store connections (tracking.services.stores writes them) ---------------------------
from tracking.models import (  # noqa: E402
    StoreConnection,
    StoreDiscount,
    StoreOrderError,
    WebhookDelivery,
)


@admin.register(StoreConnection)
class StoreConnectionAdmin(_ReadOnly, TenantAdmin):
    """Read-only, and never the credentials: the encrypted token and secret are not
    fields here at all (connecting goes through the brand's settings page or the API)."""

    list_display = ["shop_domain", "status", "last_pulled_at", "orders_high_water", "failures"]
    list_filter = ("organization", "status")
    search_fields = ["shop_domain", "public_id"]
    fields = [
        "organization", "kind", "shop_domain", "public_id", "api_version", "status",
        "last_error", "failures", "next_attempt_at", "orders_high_water", "last_pulled_at",
        "sync_discount_codes", "created_by", "created_at",
    ]  # fmt: skip
    readonly_fields = tuple(fields)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnly, TenantAdmin):
    list_display = ["topic", "webhook_id", "received_at", "outcome", "replays"]
    list_filter = ("organization", "topic", "outcome")
    search_fields = ["webhook_id"]
    readonly_fields = ("organization", "connection", "webhook_id", "topic", "received_at", "body",
                       "processed_at", "outcome", "error", "replays")  # fmt: skip


@admin.register(StoreOrderError)
class StoreOrderErrorAdmin(_ReadOnly, TenantAdmin):
    list_display = ["name", "external_id", "field", "reason", "origin", "seen_at"]
    readonly_fields = ("organization", "connection", "external_id", "name", "field", "reason",
                       "origin", "seen_at")  # fmt: skip


@admin.register(StoreDiscount)
class StoreDiscountAdmin(_ReadOnly, TenantAdmin):
    list_display = ["promo_code", "connection", "status", "store_discount_id", "attempts"]
    list_filter = ("organization", "status")
    readonly_fields = ("organization", "connection", "promo_code", "status", "store_discount_id",
                       "errors", "attempts", "created_at", "updated_at")  # fmt: skip


@admin.register(CampaignReport)
class CampaignReportAdmin(_ReadOnly, TenantAdmin):
    # Written by tracking.services.reports and its worker; the file is served to members
    # through the brand's download route only.
    list_display = ["id", "campaign", "date_from", "date_to", "status", "attempts", "rendered_at"]
    list_filter = ("organization", "status")
    raw_id_fields = ["campaign", "requested_by"]
    readonly_fields = ("created_at", "updated_at", "rendered_at", "sha256", "error", "attempts")


# Content metrics and share of voice: their own module, registered on import.
from tracking import admin_metrics  # noqa: E402, F401
