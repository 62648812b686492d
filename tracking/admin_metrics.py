"""Admin for content metrics and share of voice (registered through tracking.admin).

Snapshots are evidence with provenance: read-only here (written by the live-post report,
the brand's entry and the platform pull, each through tracking.services, which also marks
the rollup days). Keywords and transcripts may be edited; pull states are read-only."""

from __future__ import annotations

from django.contrib import admin

from kolhub.admin import TenantAdmin
from tracking.models import (
    METRIC_FIELDS,
    ContentMetricPull,
    ContentMetricSnapshot,
    LivePostTranscript,
    PostFollowers,
    VoiceKeyword,
)


@admin.register(ContentMetricSnapshot)
class ContentMetricSnapshotAdmin(TenantAdmin):
    list_display = ["live_post", "collaboration", "source", "observed_at", *METRIC_FIELDS,
                    "recorded_by"]  # fmt: skip
    list_filter = ("organization", "source")
    date_hierarchy = "observed_at"
    raw_id_fields = ["live_post", "collaboration", "recorded_by"]
    readonly_fields = ("organization", "live_post", "collaboration", "source", "observed_at",
                       *METRIC_FIELDS, "recorded_by", "note", "created_at",
                       "updated_at")  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PostFollowers)
class PostFollowersAdmin(TenantAdmin):
    # Taken once per post, when its first figures arrive (tracking.services.metrics): the
    # engagement rate's denominator where reach is unknown. Read-only, as the snapshots.
    list_display = ["live_post", "handle", "followers", "observed_at"]
    raw_id_fields = ["live_post"]
    readonly_fields = ("organization", "live_post", "handle", "followers", "observed_at",
                       "created_at", "updated_at")  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # rollups already divided by it: they would keep it, later ones not


@admin.register(VoiceKeyword)
class VoiceKeywordAdmin(TenantAdmin):
    list_display = ["keyword", "label", "is_brand", "campaign"]
    list_filter = ("organization", "is_brand")
    search_fields = ["keyword", "label", "campaign__name"]
    raw_id_fields = ["campaign"]
    readonly_fields = ("organization", "campaign", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None) -> bool:
        # Made through tracking.services (whole-keyword uniqueness in any Unicode form).
        return False


@admin.register(LivePostTranscript)
class LivePostTranscriptAdmin(TenantAdmin):
    list_display = ["live_post", "updated_by", "updated_at"]
    raw_id_fields = ["live_post", "updated_by"]
    readonly_fields = ("organization", "live_post", "created_at", "updated_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContentMetricPull)
class ContentMetricPullAdmin(TenantAdmin):
    list_display = ["live_post", "platform", "external_id", "last_attempt_at", "last_success_at",
                    "failures", "error"]  # fmt: skip
    list_filter = ("organization", "platform")
    search_fields = ["external_id", "error"]
    readonly_fields = ("organization", "live_post", "platform", "external_id", "last_attempt_at",
                       "last_success_at", "error", "failed_at", "failures", "created_at",
                       "updated_at")  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False
