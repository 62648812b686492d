from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from campaigns import merge_fields
from campaigns.models import (
    Brief,
    BriefAcknowledgement,
    BriefAsset,
    BriefVersion,
    BudgetLine,
    Campaign,
    CampaignExpense,
    CampaignProduct,
    ChecklistTick,
    Collaboration,
    ContentDeliverable,
    ContentSubmission,
    FollowUpPlan,
    KpiTarget,
    LivePost,
    Offer,
    OfferDeliverable,
    OfferGift,
    OfferInstallment,
    OutreachMessage,
    PaymentItem,
    PitchTemplate,
    PortalAccountLink,
    PortalClaim,
    PortalToken,
    Shipment,
    ShipmentEvent,
    ShipmentItem,
    ShipmentNudge,
    ShippingAddress,
    StageChange,
    TrackingWebhookEndpoint,
    TrackingWebhookLog,
)
from kolhub.admin import URL_HTTPS, TenantAdmin


class ProductInline(admin.TabularInline):
    model = CampaignProduct
    extra = 0
    fields = ["name", "sku", "unit_cost", "price", "currency"]


class KpiInline(admin.TabularInline):
    model = KpiTarget
    extra = 0
    fields = ["metric", "target_value"]


class BudgetInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["category", "planned_amount"]


@admin.register(Campaign)
class CampaignAdmin(TenantAdmin):
    list_display = ["name", "status", "objective", "start_date", "end_date", "currency",
                    "owner", "organization"]  # fmt: skip
    list_filter = ("organization", "status", "objective")
    search_fields = ["name", "slug"]
    raw_id_fields = ["owner"]
    inlines = [ProductInline, KpiInline, BudgetInline]  # their organization: TenantAdmin


@admin.register(CampaignProduct)
class CampaignProductAdmin(TenantAdmin):
    list_display = ["name", "sku", "campaign", "unit_cost", "price", "currency", "organization"]
    search_fields = ["name", "sku", "campaign__name"]
    raw_id_fields = ["campaign"]


@admin.register(KpiTarget)
class KpiTargetAdmin(TenantAdmin):
    list_display = ["campaign", "metric", "target_value", "organization"]
    list_filter = ("organization", "metric")
    search_fields = ["campaign__name"]
    raw_id_fields = ["campaign"]


@admin.register(BudgetLine)
class BudgetLineAdmin(TenantAdmin):
    list_display = ["campaign", "category", "planned_amount", "organization"]
    list_filter = ("organization", "category")
    search_fields = ["campaign__name"]
    raw_id_fields = ["campaign"]


@admin.register(ChecklistTick)
class ChecklistTickAdmin(TenantAdmin):
    list_display = ["campaign", "step", "ticked_by", "ticked_at", "organization"]
    list_filter = ("organization", "step")
    search_fields = ["campaign__name"]
    raw_id_fields = ["campaign", "ticked_by"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    fields = ["from_stage", "to_stage", "by", "actor", "reason", "at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # The history is written by the transition service only.
        return False


@admin.register(Collaboration)
class CollaborationAdmin(TenantAdmin):
    list_display = ["creator", "campaign", "stage", "stage_changed_at", "owner", "organization"]
    list_filter = ("organization", "stage")
    search_fields = ["creator__name", "campaign__name"]
    raw_id_fields = ["campaign", "creator", "owner", "added_by"]
    # The stage moves through campaigns.services.collaboration_transition, which checks
    # the pipeline and records history; the terms are set by accepting an offer. The
    # admin shows both and edits neither.
    readonly_fields = ("stage", "stage_changed_at", "terms", "created_at", "updated_at")
    inlines = [StageChangeInline]
    show_full_result_count = False


@admin.register(StageChange)
class StageChangeAdmin(TenantAdmin):
    list_display = ["collaboration", "from_stage", "to_stage", "by", "actor", "at",
                    "organization"]  # fmt: skip
    list_filter = ("organization", "to_stage")
    search_fields = ["collaboration__creator__name", "reason", "actor"]
    raw_id_fields = ["collaboration", "by"]
    show_full_result_count = False


# --- offers, payments, portal access ---------------------------------------------------
# Offers, ledger rows and portal tokens are written by campaigns.services only (a version
# is never edited; a ledger row's amount comes from its offer; a token is stored hashed).
# The admin shows them to platform staff read-only.


class _ReadOnlyAdmin(TenantAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeliverableInline(_ReadOnlyInline):
    model = OfferDeliverable
    fields = ["position", "platform", "kind", "quantity", "due_date"]


class GiftInline(_ReadOnlyInline):
    model = OfferGift
    fields = ["position", "product_name", "sku", "quantity"]


class InstallmentInline(_ReadOnlyInline):
    model = OfferInstallment
    fields = ["position", "percent", "trigger", "net_days"]


@admin.register(Offer)
class OfferAdmin(_ReadOnlyAdmin):
    list_display = ["collaboration", "version", "proposed_by", "status", "fee", "currency",
                    "proposed_at", "organization"]  # fmt: skip
    list_filter = ("organization", "status", "proposed_by")
    search_fields = ["collaboration__creator__name", "collaboration__campaign__name"]
    raw_id_fields = ["collaboration", "proposed_by_user", "decided_by_user"]
    inlines = [DeliverableInline, GiftInline, InstallmentInline]
    show_full_result_count = False


@admin.register(OfferDeliverable)
class OfferDeliverableAdmin(_ReadOnlyAdmin):
    list_display = ["offer", "position", "platform", "kind", "quantity", "due_date"]
    list_filter = ("organization", "platform", "kind")
    raw_id_fields = ["offer"]


@admin.register(OfferGift)
class OfferGiftAdmin(_ReadOnlyAdmin):
    list_display = ["offer", "position", "product_name", "sku", "quantity"]
    search_fields = ["product_name", "sku"]
    raw_id_fields = ["offer", "product"]


@admin.register(OfferInstallment)
class OfferInstallmentAdmin(_ReadOnlyAdmin):
    list_display = ["offer", "position", "percent", "trigger", "net_days"]
    list_filter = ("organization", "trigger")
    raw_id_fields = ["offer"]


@admin.register(PaymentItem)
class PaymentItemAdmin(_ReadOnlyAdmin):
    list_display = ["collaboration", "kind", "trigger", "amount", "currency", "status",
                    "due_date", "paid_at", "paid_reference"]  # fmt: skip
    list_filter = ("organization", "status", "kind", "trigger")
    search_fields = ["collaboration__creator__name", "paid_reference"]
    raw_id_fields = ["collaboration", "offer", "paid_by"]
    show_full_result_count = False


@admin.register(PortalToken)
class PortalTokenAdmin(_ReadOnlyAdmin):
    list_display = ["creator", "issued_by", "created_at", "expires_at", "revoked_at",
                    "last_used_at"]  # fmt: skip
    search_fields = ["creator__name"]
    raw_id_fields = ["creator", "issued_by", "revoked_by"]
    # The hash is not a secret (the token cannot be recovered from it), but there is
    # nothing staff can do with it either.
    exclude = ["token_hash"]


@admin.register(PortalClaim)
class PortalClaimAdmin(_ReadOnlyAdmin):
    list_display = ["creator", "user", "created_at"]
    search_fields = ["creator__name", "user__email"]
    raw_id_fields = ["creator", "user", "token"]


@admin.register(PortalAccountLink)
class PortalAccountLinkAdmin(admin.ModelAdmin):
    """The platform-level index of PortalClaim (no tenant data); read-only like it."""

    list_display = ["user", "organization", "created_at"]
    list_filter = ("organization",)
    search_fields = ["user__email", "organization__name"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- shipping ----------------------------------------------------------------------------
# Written by campaigns.services.shipping (addresses validated by country, tracking numbers
# by carrier, status by its machine); read-only here like the ledger.


class ShipmentItemInline(_ReadOnlyInline):
    model = ShipmentItem
    fields = ["product", "quantity", "unit_cost"]


class ShipmentEventInline(_ReadOnlyInline):
    model = ShipmentEvent
    fields = ["at", "status", "applied", "source", "by", "message", "location", "external_id"]


@admin.register(ShippingAddress)
class ShippingAddressAdmin(_ReadOnlyAdmin):
    list_display = ["creator", "country", "city", "postal_code", "updated_at", "organization"]
    list_filter = ("organization", "country")
    search_fields = ["creator__name", "name"]
    raw_id_fields = ["creator"]


@admin.register(Shipment)
class ShipmentAdmin(_ReadOnlyAdmin):
    list_display = ["collaboration", "carrier", "tracking_number", "status", "cost", "currency",
                    "shipped_at", "delivered_at", "organization"]  # fmt: skip
    list_filter = ("organization", "status", "carrier")
    search_fields = ["tracking_number", "collaboration__creator__name"]
    raw_id_fields = ["collaboration", "created_by"]
    inlines = [ShipmentItemInline, ShipmentEventInline]


@admin.register(ShipmentItem)
class ShipmentItemAdmin(_ReadOnlyAdmin):
    list_display = ["shipment", "product", "quantity", "unit_cost"]
    raw_id_fields = ["shipment", "product"]


@admin.register(ShipmentEvent)
class ShipmentEventAdmin(_ReadOnlyAdmin):
    list_display = ["shipment", "at", "status", "applied", "source", "external_id"]
    list_filter = ("organization", "source", "status")
    raw_id_fields = ["shipment", "by"]


@admin.register(TrackingWebhookEndpoint)
class TrackingWebhookEndpointAdmin(_ReadOnlyAdmin):
    list_display = ["provider", "public_id", "last_received_at", "organization"]
    list_filter = ("provider",)
    raw_id_fields = ["created_by"]
    # Encrypted, but still nothing staff should copy around.
    exclude = ["secret_encrypted"]


@admin.register(TrackingWebhookLog)
class TrackingWebhookLogAdmin(_ReadOnlyAdmin):
    list_display = ["received_at", "endpoint", "event_id", "tracking_number", "outcome"]
    list_filter = ("organization", "outcome")
    search_fields = ["event_id", "tracking_number"]
    raw_id_fields = ["endpoint", "shipment"]


@admin.register(ShipmentNudge)
class ShipmentNudgeAdmin(_ReadOnlyAdmin):
    list_display = ["shipment", "sent_at", "to_email", "organization"]
    raw_id_fields = ["shipment"]


# --- outreach --------------------------------------------------------------------------


class PitchTemplateAdminForm(forms.ModelForm):
    class Meta:
        model = PitchTemplate
        fields = ["organization", "name", "kind", "subject", "body", "is_default", "created_by"]

    def clean(self):
        cleaned = super().clean()
        # The same check as the service: unknown merge fields and tags are refused by name.
        try:
            merge_fields.check_template(subject=cleaned.get("subject") or "",
                                        body=cleaned.get("body") or "")  # fmt: skip
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return cleaned


@admin.register(PitchTemplate)
class PitchTemplateAdmin(TenantAdmin):
    form = PitchTemplateAdminForm
    list_display = ["name", "kind", "is_default", "subject", "organization", "updated_at"]
    list_filter = ("organization", "kind", "is_default")
    search_fields = ["name", "subject"]
    raw_id_fields = ["created_by"]


@admin.register(FollowUpPlan)
class FollowUpPlanAdmin(TenantAdmin):
    list_display = ["campaign", "enabled", "days", "template", "organization"]
    list_filter = ("organization", "enabled")
    raw_id_fields = ["campaign", "template"]


# Messages are what was sent: shown read-only, like offers.
@admin.register(OutreachMessage)
class OutreachMessageAdmin(_ReadOnlyAdmin):
    list_display = ["collaboration", "kind", "side", "author", "sent_at", "email_sent_at",
                    "read_at", "organization"]  # fmt: skip
    list_filter = ("organization", "kind", "side")
    search_fields = ["collaboration__creator__name", "subject", "body"]
    raw_id_fields = ["collaboration", "author", "template", "portal_token"]
    show_full_result_count = False


# --- the creative brief and content review ---------------------------------------------


@admin.register(Brief)
class BriefAdmin(TenantAdmin):
    list_display = ["campaign", "updated_at", "updated_by"]
    raw_id_fields = ["campaign", "updated_by"]


@admin.register(BriefAsset)
class BriefAssetAdmin(_ReadOnlyAdmin):
    list_display = ["name", "brief", "content_type", "size", "removed_at"]


@admin.register(BriefVersion)
class BriefVersionAdmin(_ReadOnlyAdmin):
    """Published versions are immutable: what creators read must stay what it was."""

    list_display = ["campaign", "number", "published_at", "published_by"]


@admin.register(BriefAcknowledgement)
class BriefAcknowledgementAdmin(_ReadOnlyAdmin):
    list_display = ["collaboration", "version", "acknowledged_at", "actor"]


@admin.register(ContentDeliverable)
class ContentDeliverableAdmin(TenantAdmin):
    list_display = ["collaboration", "platform", "kind", "piece", "due_date", "status"]
    list_filter = ("organization", "status", "platform")
    raw_id_fields = ["collaboration", "offer"]


@admin.register(ContentSubmission)
class ContentSubmissionAdmin(_ReadOnlyAdmin):
    formfield_overrides = URL_HTTPS
    list_display = ["deliverable", "round", "status", "disclosure_passed", "submitted_at"]
    list_filter = ("organization", "status", "disclosure_passed")


@admin.register(LivePost)
class LivePostAdmin(_ReadOnlyAdmin):
    formfield_overrides = URL_HTTPS
    list_display = ["deliverable", "url", "reach", "views", "reported_at", "verified_at"]


# --- campaign expenses -----------------------------------------------------------------


# Money rows: written through campaigns.services.expenses (which checks the campaign and
# the creator are the organization's), so the admin shows them read-only.
@admin.register(CampaignExpense)
class CampaignExpenseAdmin(_ReadOnlyAdmin):
    list_display = ["description", "campaign", "category", "amount", "incurred_on", "status",
                    "paid_on", "paid_reference", "organization"]  # fmt: skip
    list_filter = ("organization", "category", "status")
    search_fields = ["description", "paid_reference", "campaign__name"]
    raw_id_fields = ["campaign", "collaboration", "created_by"]
