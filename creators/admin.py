from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from creators import services
from creators.derived import refresh_derived
from creators.models import (
    Creator,
    CreatorImport,
    CreatorList,
    CreatorListEntry,
    CreatorNote,
    ImportColumnMapping,
    ImportRowError,
    PlatformCredential,
    RateCardItem,
    SavedSearch,
    SocialAccount,
)
from kolhub.admin import URL_HTTPS, TenantAdmin


class RefreshesDerived:
    """An edit or deletion here refreshes the creator's derived search fields (followers,
    audience keys, base score), as the services do: otherwise discovery and the fit score
    would show the old figures until the next service write touched that creator."""

    def _creator_ids(self, obj) -> set[int]:
        return {obj.pk} if isinstance(obj, Creator) else {obj.creator_id}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        ids = self._creator_ids(form.instance)
        moved_from = form.initial.get("creator")  # an account moved to another creator
        if moved_from:
            ids.add(int(getattr(moved_from, "pk", moved_from)))
        refresh_derived(organization=form.instance.organization, creator_ids=ids)

    def delete_model(self, request, obj):
        organization, ids = obj.organization, self._creator_ids(obj)
        super().delete_model(request, obj)
        if not isinstance(obj, Creator):
            refresh_derived(organization=organization, creator_ids=ids)

    def delete_queryset(self, request, queryset):
        touched: dict = {}  # organization: creator ids, one refresh each
        for obj in queryset.select_related("organization"):
            touched.setdefault(obj.organization, set()).update(self._creator_ids(obj))
        super().delete_queryset(request, queryset)
        if queryset.model is not Creator:
            for organization, creator_ids in touched.items():
                refresh_derived(organization=organization, creator_ids=creator_ids)


class SocialAccountAdminForm(forms.ModelForm):
    """The account service's rules as form errors, before anything is saved: the figures
    through services.clean_account_figures (counts ≥ 0, percentages and shares 0–100,
    shares summing to at most 100), the creator in the account's organization."""

    def clean(self):
        data = super().clean()
        shown = {name: data[name] for name in services.ACCOUNT_FIGURES if name in data}
        try:
            data.update(services.clean_account_figures(shown))
        except ValidationError as error:
            self.add_error(None, error)
        creator, organization = data.get("creator"), data.get("organization")
        if creator and organization and creator.organization_id != organization.pk:
            self.add_error("creator", "This creator belongs to another organization.")
        return data


class SavesAccountsThroughService:
    """Accounts saved here go through services.account_save (validation, provenance
    stamps), not a bare model save; the derived fields are refreshed once afterwards
    (RefreshesDerived.save_related)."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, SocialAccount):
            services.account_save(organization=obj.organization, account=obj, refresh=False)
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not SocialAccount:
            return super().save_formset(request, form, formset, change)
        for obj in formset.save(commit=False):
            # Inline rows belong to the parent's organization, which the inline does not show.
            obj.organization_id = form.instance.organization_id
            services.account_save(organization=form.instance.organization, account=obj,
                                  refresh=False)  # fmt: skip
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class SocialAccountInline(admin.TabularInline):
    formfield_overrides = URL_HTTPS
    model = SocialAccount
    form = SocialAccountAdminForm
    extra = 0
    fields = ["platform", "handle", "followers", "engagement_rate", "last_refreshed_at"]
    readonly_fields = ["last_refreshed_at"]


class RateInline(admin.TabularInline):
    model = RateCardItem
    extra = 0
    fields = ["deliverable", "amount"]


@admin.register(Creator)
class CreatorAdmin(SavesAccountsThroughService, RefreshesDerived, TenantAdmin):
    list_display = ["name", "role", "credentials", "credential_status", "country", "followers",
                    "engagement_rate", "status", "organization"]  # fmt: skip
    list_filter = ("organization", "role", "credential_status", "status", "country")
    search_fields = ["name", "email", "credentials", "handles"]
    readonly_fields = ("created_at", "updated_at", "followers", "engagement_rate", "platforms",
                       "handles", "audience_countries", "audience_ages", "audience_gender",
                       "audience_interests", "credibility", "sponsored_ratio", "brands_mentioned",
                       "min_rate", "base_score")  # fmt: skip
    exclude = ["search_vector"]
    raw_id_fields = ["owner", "credential_verified_by"]
    show_full_result_count = False  # a million creators: no COUNT(*) per page view
    inlines = [SocialAccountInline, RateInline]


@admin.register(SocialAccount)
class SocialAccountAdmin(SavesAccountsThroughService, RefreshesDerived, TenantAdmin):
    form = SocialAccountAdminForm
    readonly_fields = ("created_at", "updated_at", "provenance")  # stamped by account_save
    list_display = ["handle", "platform", "creator", "followers", "engagement_rate",
                    "last_refreshed_at", "refresh_error", "organization"]  # fmt: skip
    list_filter = ("organization", "platform")
    search_fields = ["handle", "creator__name"]
    raw_id_fields = ["creator"]
    show_full_result_count = False


@admin.register(RateCardItem)
class RateCardItemAdmin(RefreshesDerived, TenantAdmin):
    list_display = ["creator", "deliverable", "amount", "organization"]
    list_filter = ("organization", "deliverable")
    search_fields = ["creator__name"]
    raw_id_fields = ["creator"]


class EntryInline(admin.TabularInline):
    model = CreatorListEntry
    extra = 0
    raw_id_fields = ["creator", "added_by"]
    exclude = ["organization"]


@admin.register(CreatorList)
class CreatorListAdmin(TenantAdmin):
    list_display = ["name", "created_by", "organization", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["created_by"]


@admin.register(CreatorListEntry)
class CreatorListEntryAdmin(TenantAdmin):
    list_display = ["creator_list", "creator", "added_by", "organization"]
    search_fields = ["creator__name", "creator_list__name"]
    raw_id_fields = ["creator", "creator_list", "added_by"]


@admin.register(SavedSearch)
class SavedSearchAdmin(TenantAdmin):
    list_display = ["name", "created_by", "organization"]
    search_fields = ["name"]


@admin.register(CreatorNote)
class CreatorNoteAdmin(TenantAdmin):
    list_display = ["creator", "author", "created_at", "organization"]
    search_fields = ["creator__name", "text"]
    raw_id_fields = ["creator", "author"]


@admin.register(ImportColumnMapping)
class ImportColumnMappingAdmin(TenantAdmin):
    list_display = ["header", "field", "organization"]
    search_fields = ["header", "field"]


@admin.register(CreatorImport)
class CreatorImportAdmin(TenantAdmin):
    list_display = ["original_name", "status", "total_rows", "processed_rows", "error_count",
                    "started_by", "organization", "created_at"]  # fmt: skip
    list_filter = ("organization", "status")
    search_fields = ["original_name"]


@admin.register(ImportRowError)
class ImportRowErrorAdmin(TenantAdmin):
    list_display = ["creator_import", "line", "column", "reason", "organization"]
    search_fields = ["reason", "value"]
    raw_id_fields = ["creator_import"]


@admin.register(PlatformCredential)
class PlatformCredentialAdmin(TenantAdmin):
    list_display = ["platform", "stale_after_days", "organization"]
    exclude = ["api_key"]  # a secret: set it in the app, never shown here
