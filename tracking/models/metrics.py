"""Content metrics and share of voice (issue #6).

- ContentMetricSnapshot: the figures of one published post (campaigns.LivePost) at one
  time, from one source. Snapshots are kept, never overwritten, so a figure always has its
  provenance (API pull, creator-entered, screenshot) and time, and a later figure never
  erases an earlier one. A figure the source did not report is NULL, not 0.
- VoiceKeyword: a campaign's brand and competitor keywords, counted in the tracked
  captions and transcripts for share of voice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from kolhub.models import TenantModel

METRIC_FIELDS = ("reach", "impressions", "likes", "comments", "shares", "saves", "views")
ENGAGEMENT_FIELDS = ("likes", "comments", "shares", "saves")  # METRICS.md: engagements


class MetricSource(models.TextChoices):
    API = "api", "Platform API"
    CREATOR = "creator", "Entered by the creator"
    SCREENSHOT = "screenshot", "Read from a screenshot"


class ContentMetricSnapshot(TenantModel):
    live_post = models.ForeignKey(
        "campaigns.LivePost", on_delete=models.CASCADE, related_name="metric_snapshots"
    )
    # Denormalised from the live post's deliverable: rollups group by it.
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=12, choices=MetricSource.choices)
    observed_at = models.DateTimeField()
    reach = models.PositiveBigIntegerField(null=True, blank=True)
    impressions = models.PositiveBigIntegerField(null=True, blank=True)
    likes = models.PositiveBigIntegerField(null=True, blank=True)
    comments = models.PositiveBigIntegerField(null=True, blank=True)
    shares = models.PositiveBigIntegerField(null=True, blank=True)
    saves = models.PositiveBigIntegerField(null=True, blank=True)
    views = models.PositiveBigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_at", "-id"]
        constraints = [
            # A pull that runs twice for the same observation records it once.
            models.UniqueConstraint(
                fields=["organization", "live_post", "source", "observed_at"],
                name="metric_snapshot_unique_observation",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "collaboration", "observed_at"],
                name="metric_snapshot_org_collab",
            )
        ]

    def __str__(self) -> str:
        return f"{self.live_post_id} @ {self.observed_at:%Y-%m-%d %H:%M} ({self.source})"

    @property
    def who(self) -> str:
        """Who recorded the figures, for the provenance line."""
        if self.recorded_by_id:
            return self.recorded_by.display_name
        return "platform API" if self.source == MetricSource.API else "the creator"


class VoiceKeyword(TenantModel):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="voice_keywords"
    )
    keyword = models.CharField(max_length=80)
    is_brand = models.BooleanField(help_text="Our brand's keyword; otherwise a competitor's")
    # The competitor (or brand) the keyword counts for, shown on the share-of-voice chart.
    label = models.CharField(max_length=120)

    class Meta:
        ordering = ["-is_brand", "label", "keyword"]
        constraints = [
            models.UniqueConstraint(
                "organization", "campaign", Lower("keyword"), name="voice_keyword_unique_ci"
            ),
            models.CheckConstraint(condition=~Q(keyword=""), name="voice_keyword_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.keyword} ({'brand' if self.is_brand else self.label})"


class PostFollowers(TenantModel):
    """The followers of the account a live post went out on, at posting time: engagement
    rate's denominator for a post whose reach is unknown (METRICS.md, "by followers").
    Taken once, from the creator's account on the post's platform, when tracking records
    the post's first figures (its report with the live post); never updated, so a later
    follower count does not rewrite a past rate."""

    live_post = models.ForeignKey("campaigns.LivePost", on_delete=models.CASCADE, related_name="+")
    followers = models.PositiveBigIntegerField()
    handle = models.CharField(max_length=120, blank=True)
    observed_at = models.DateTimeField()

    class Meta:
        ordering = ["live_post"]
        verbose_name_plural = "post followers"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "live_post"], name="post_followers_one_per_post"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.followers} followers at posting of live post {self.live_post_id}"


class LivePostTranscript(TenantModel):
    """What is said in a published post (a video's spoken words, pasted by the brand), so
    share of voice counts mentions that are heard, not only those written in the caption.
    One per post: pasting again replaces it."""

    live_post = models.ForeignKey("campaigns.LivePost", on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "live_post"], name="transcript_one_per_post"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="transcript_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Transcript of live post {self.live_post_id}"


class ContentMetricPull(TenantModel):
    """The platform-API pull state of one live post: which adapter and external id (a
    YouTube video id) it was matched to, when it was last pulled, and the last failure in
    words a person can act on. A success clears the failure; a failure never stops the
    other posts of the batch."""

    live_post = models.ForeignKey("campaigns.LivePost", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=12)
    external_id = models.CharField(max_length=64)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Consecutive failures; back to 0 on success.
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-last_attempt_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "live_post"], name="metric_pull_one_per_post"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.external_id} (live post {self.live_post_id})"
