"""Adapters that pull a published post's figures from its platform's API, for the metrics
worker (tracking.services.metric_pulls). `base` holds the interface and the registry;
each platform has a module that registers its adapter on import. Import from here."""

from tracking.metrics_adapters.base import (
    AdapterCredential,
    MetricsAdapter,
    PostFigures,
    PostRef,
    PullFailure,
    PullOutcome,
    adapter_for_platform,
    adapter_platforms,
    match_url,
    register,
)
from tracking.metrics_adapters.youtube import YouTubeVideosAdapter, youtube_video_id

__all__ = [
    "AdapterCredential",
    "MetricsAdapter",
    "PostFigures",
    "PostRef",
    "PullFailure",
    "PullOutcome",
    "adapter_for_platform",
    "adapter_platforms",
    "match_url",
    "register",
    "YouTubeVideosAdapter",
    "youtube_video_id",
]
