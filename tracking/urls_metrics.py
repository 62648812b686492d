"""Content-metric pages under /o/<org_slug>/tracking/ (added to tracking/urls.py)."""

from django.urls import path

from tracking.views import metrics

_POST = "campaigns/<int:campaign_id>/metrics/posts/<int:live_post_id>/"

urlpatterns = [
    path("campaigns/<int:campaign_id>/metrics/", metrics.ContentMetricsView.as_view(),
         name="campaign_metrics"),
    path(_POST + "snapshots/", metrics.MetricSnapshotCreateView.as_view(),
         name="metric_snapshot_create"),
    path(_POST + "transcript/", metrics.LivePostTranscriptView.as_view(),
         name="live_post_transcript"),
    path(_POST + "refresh/", metrics.LivePostMetricsRefreshView.as_view(),
         name="live_post_metrics_refresh"),
    path("campaigns/<int:campaign_id>/metrics/keywords/",
         metrics.VoiceKeywordCreateView.as_view(), name="voice_keyword_create"),
    path("campaigns/<int:campaign_id>/metrics/keywords/<int:keyword_id>/delete/",
         metrics.VoiceKeywordDeleteView.as_view(), name="voice_keyword_delete"),
]  # fmt: skip
