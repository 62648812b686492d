"""Content-metric routes under /api/v1/o/<org_slug>/ (added to tracking/api_urls.py)."""

from django.urls import path

from tracking.api import metrics

urlpatterns = [
    path("metric-snapshots/",
         metrics.ContentMetricSnapshotApi.as_view({"get": "list", "post": "create"}),
         name="api_metric_snapshot_list"),
    path("metric-snapshots/<int:snapshot_id>/",
         metrics.ContentMetricSnapshotApi.as_view({"get": "retrieve"}),
         name="api_metric_snapshot_detail"),
    path("live-posts/<int:live_post_id>/metrics/",
         metrics.LivePostMetricsApi.as_view({"get": "latest"}), name="api_live_post_metrics"),
    path("live-posts/<int:live_post_id>/metrics/refresh/",
         metrics.LivePostMetricsApi.as_view({"post": "refresh"}),
         name="api_live_post_metrics_refresh"),
    path("live-posts/<int:live_post_id>/transcript/",
         metrics.LivePostMetricsApi.as_view({"get": "transcript", "put": "transcript",
                                             "delete": "transcript"}),
         name="api_live_post_transcript"),
    path("voice-keywords/",
         metrics.VoiceKeywordApi.as_view({"get": "list", "post": "create"}),
         name="api_voice_keyword_list"),
    path("voice-keywords/<int:keyword_id>/",
         metrics.VoiceKeywordApi.as_view({"get": "retrieve", "patch": "partial_update",
                                          "delete": "destroy"}),
         name="api_voice_keyword_detail"),
    path("campaigns/<int:campaign_id>/share-of-voice/", metrics.ShareOfVoiceApi.as_view(),
         name="api_campaign_share_of_voice"),
]  # fmt: skip
