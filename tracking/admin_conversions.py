"""Admin for conversions, refunds and the attribution ledger, the postback credential and
orders imports. All read-only: conversions are written by tracking.services.conversions
(the one recording path, which also attributes them), ledger entries are never edited
(a correction is a new entry), and a secret is never shown. Registered from admin.py."""

from __future__ import annotations

from django.contrib import admin

from kolhub.admin import TenantAdmin
from tracking.models import (
    AttributionEntry,
    Conversion,
    OrderImport,
    OrderImportColumnMapping,
    OrderImportRowError,
    PostbackCredential,
    Refund,
)


class _ReadOnlyAdmin(TenantAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = readonly_fields = ["external_id", "amount", "revenue", "currency", "refunded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversion)
class ConversionAdmin(_ReadOnlyAdmin):
    list_display = ["__str__", "source", "source_label", "kind", "occurred_at", "total",
                    "currency", "cancelled_at"]  # fmt: skip
    list_filter = ("organization", "source", "kind")
    search_fields = ["external_id", "name", "click_id"]
    date_hierarchy = "occurred_at"
    inlines = [RefundInline]
    exclude = ["connection", "lead"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]


@admin.register(Refund)
class RefundAdmin(_ReadOnlyAdmin):
    list_display = ["external_id", "conversion", "amount", "currency", "refunded_at"]
    search_fields = ["external_id", "conversion__external_id"]
    raw_id_fields = ["conversion"]
    readonly_fields = ["conversion", "external_id", "amount", "currency", "refunded_at",
                       "created_at", "updated_at"]  # fmt: skip


@admin.register(AttributionEntry)
class AttributionEntryAdmin(_ReadOnlyAdmin):
    list_display = ["id", "kind", "rule", "conversion", "collaboration", "conversions",
                    "revenue", "currency", "effective_at"]  # fmt: skip
    list_filter = ("organization", "kind", "rule")
    search_fields = ["conversion__external_id", "reason"]
    list_select_related = ["organization", "conversion", "collaboration__creator"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(PostbackCredential)
class PostbackCredentialAdmin(_ReadOnlyAdmin):
    list_display = ["public_key", "rotated_at", "last_used_at"]
    search_fields = ["public_key"]
    # The encrypted secret stays out of the page: admins rotate it on the brand's page.
    fields = readonly_fields = ["organization", "public_key", "created_by", "rotated_at",
                                "last_used_at"]  # fmt: skip


class OrderImportRowErrorInline(admin.TabularInline):
    model = OrderImportRowError
    extra = 0
    can_delete = False
    fields = readonly_fields = ["line", "column", "value", "reason"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OrderImport)
class OrderImportAdmin(_ReadOnlyAdmin):
    list_display = ["original_name", "status", "processed_rows", "created_count",
                    "updated_count", "unchanged_count", "error_count", "created_at"]  # fmt: skip
    list_filter = ("organization", "status")
    inlines = [OrderImportRowErrorInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(OrderImportColumnMapping)
class OrderImportColumnMappingAdmin(TenantAdmin):
    # The header → field choices an organization's order imports remember.
    list_display = ["header", "field", "organization"]
    search_fields = ["header", "field"]
