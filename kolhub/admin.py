"""Django admin: platform staff work across tenants, explicitly. The tenant middleware
runs every /admin/ request with the ORM wall lowered (dangerously_unscoped) and as the
owning database role; only staff get past the admin's own login."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models

from kolhub.models import ApiKey, Invitation, Membership, Organization, OutboxEmail, User

# Links are web addresses; say so (Django 6 assumes https, 5.2 warns until told).
URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class TenantAdmin(admin.ModelAdmin):
    """Base for tenant-owned models: the organization is always shown and filterable."""

    formfield_overrides = URL_HTTPS
    list_select_related = ["organization"]
    list_filter: tuple = ("organization",)
    readonly_fields: tuple = ("created_at", "updated_at")

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        return display if "organization" in display else [*display, "organization"]

    def save_formset(self, request, form, formset, change):
        # Inline rows belong to the parent's organization, which the inline does not show.
        for obj in formset.save(commit=False):
            if hasattr(obj, "organization_id"):
                obj.organization_id = form.instance.organization_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    fields = ["user", "role", "created_at"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_currency", "timezone", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["default_currency"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "role", "organization", "created_at"]
    list_filter = ("organization", "role")
    search_fields = ["user__email", "organization__name"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    list_display = ["email", "role", "organization", "status", "expires_at", "accepted_at"]
    list_filter = ("organization", "role")
    search_fields = ["email", "organization__name"]
    readonly_fields = ("token_hash", "created_at", "updated_at", "sent_at", "accepted_at")
    raw_id_fields = ["invited_by", "accepted_by"]


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    list_display = ["name", "prefix", "role", "organization", "last_used_at", "revoked_at"]
    list_filter = ("organization", "role")
    search_fields = ["name", "prefix", "organization__name"]
    readonly_fields = ("prefix", "key_hash", "created_at", "updated_at", "last_used_at")
    raw_id_fields = ["created_by"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "sent_at"]
    search_fields = ["subject", "to"]
    readonly_fields = ["from_email", "to", "subject", "body_text", "body_html", "sent_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
