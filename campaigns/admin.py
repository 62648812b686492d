from django.contrib import admin

from campaigns.models import (
    BudgetLine,
    Campaign,
    CampaignProduct,
    ChecklistTick,
    Collaboration,
    KpiTarget,
    StageChange,
)
from kolhub.admin import TenantAdmin


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
    inlines = [ProductInline, KpiInline, BudgetInline]

    def save_formset(self, request, form, formset, change):
        # Inline rows belong to the campaign's organization, which the inline does not show.
        for obj in formset.save(commit=False):
            obj.organization_id = form.instance.organization_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


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
    # the pipeline and records history; the admin shows it and does not edit it.
    readonly_fields = ("stage", "stage_changed_at", "created_at", "updated_at")
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
