"""Admin for contracts. Platform staff may look at everything; what was signed stays as it
was signed: a contract that left the draft state, its signers, signatures and audit trail,
and the register of issued PDFs are read-only here (changes go through the services,
which version, void and record)."""

from django.contrib import admin

from contracts.models import (
    Contract,
    ContractEvent,
    ContractState,
    ContractTemplate,
    ContractTemplateVersion,
    IssuedDocument,
    Signature,
    Signer,
)
from kolhub.admin import TenantAdmin


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TemplateVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ContractTemplateVersion
    extra = 0
    fields = ["number", "created_by", "created_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(ContractTemplate)
class ContractTemplateAdmin(TenantAdmin):
    list_display = ["name", "is_default", "archived_at", "organization"]
    list_filter = ("organization", "is_default")
    search_fields = ["name"]
    raw_id_fields = ["created_by"]
    inlines = [TemplateVersionInline]


@admin.register(ContractTemplateVersion)
class ContractTemplateVersionAdmin(ReadOnlyAdminMixin, TenantAdmin):
    # Versions are never edited: contracts point at the exact text they were made from.
    list_display = ["template", "number", "created_by", "created_at", "organization"]
    search_fields = ["template__name"]
    readonly_fields = ["template", "number", "body", "created_by", "created_at", "updated_at"]


class SignerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Signer
    extra = 0
    fields = [
        "position",
        "party",
        "name",
        "email",
        "user",
        "notified_at",
        "first_viewed_at",
        "token_expires_at",
    ]
    readonly_fields = fields


class SignatureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Signature
    extra = 0
    fields = [
        "party",
        "signer_kind",
        "typed_name",
        "email",
        "role",
        "signed_at",
        "ip_address",
        "document_sha256",
        "voided_at",
    ]
    readonly_fields = fields


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ContractEvent
    extra = 0
    fields = ["at", "kind", "actor", "ip_address", "document_sha256", "detail"]
    readonly_fields = fields


@admin.register(Contract)
class ContractAdmin(TenantAdmin):
    list_display = [
        "title",
        "version",
        "state",
        "fee_amount",
        "fee_currency",
        "usage_rights_end",
        "pdf_status",
        "organization",
    ]
    list_filter = ("organization", "state", "pdf_status")
    search_fields = ["title", "document_sha256", "pdf_sha256"]
    raw_id_fields = ["collaboration", "template_version", "previous", "created_by"]
    inlines = [SignerInline, SignatureInline, EventInline]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # The state machine, the rendered document and its hash belong to the services.
        fields = [
            "state",
            "version",
            "previous",
            "body_html",
            "document_sha256",
            "sent_at",
            "completed_at",
            "voided_at",
            "superseded_at",
            "pdf_status",
            "pdf_file",
            "pdf_sha256",
            "pdf_attempts",
            "pdf_sealed_at",
            "created_at",
            "updated_at",
        ]
        if obj is not None and obj.state != ContractState.DRAFT:
            return [f.name for f in self.model._meta.fields]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != ContractState.DRAFT:
            return False  # sent or signed: read-only, as signed
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None
            and obj.state == ContractState.DRAFT
            and super().has_delete_permission(request, obj)
        )


@admin.register(Signer)
class SignerAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ["name", "email", "party", "position", "contract", "organization"]
    list_filter = ("organization", "party")
    search_fields = ["name", "email"]
    exclude = ["token_hash"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = [
        "typed_name",
        "party",
        "signer_kind",
        "email",
        "signed_at",
        "ip_address",
        "contract",
        "voided_at",
        "organization",
    ]
    list_filter = ("organization", "party", "signer_kind")
    search_fields = ["typed_name", "email", "document_sha256"]


@admin.register(ContractEvent)
class ContractEventAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ["at", "kind", "actor", "ip_address", "contract", "organization"]
    list_filter = ("organization", "kind")
    search_fields = ["actor", "detail", "document_sha256"]
    show_full_result_count = False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "version", "sealed_at", "sha256", "organization"]
    list_filter = ["organization"]
    search_fields = ["sha256", "document_sha256", "title"]
