"""Links, promo codes, landing pages, conversions and attribution (issue #6).

Tracking links: a TrackingLink per collaboration and platform (tenant table); LinkCode, a
platform-level register of short codes, because /r/<code> is public and carries no
tenant; Click, written only by the flush (tracking.clicks), never on the request path;
ClickFallback, the queue a redirect writes to when Redis is down."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from campaigns.models import Collaboration
from creators.models import Platform
from kolhub.models import Organization, TenantModel


class TrackingLink(TenantModel):
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="tracking_links"
    )
    platform = models.CharField(max_length=12, choices=Platform.choices)
    destination_url = models.URLField(max_length=1000, help_text="http or https only")
    # The destination with our UTM tags, built once by tracking.links.tracked_url so the
    # redirect does no work beyond appending the click id.
    tracked_url = models.URLField(max_length=2000)
    code = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["platform", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "collaboration", "platform"],
                name="tracking_link_one_per_platform",
            )
        ]

    def __str__(self) -> str:
        return f"/r/{self.code} ({self.platform})"


class LinkCode(models.Model):
    """Platform-level register: short code → organization and link. Holds no tenant data
    beyond ids and the tracked URL the code already makes public."""

    code = models.CharField(max_length=16, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    link_id = models.BigIntegerField(unique=True)
    target_url = models.URLField(max_length=2000)

    def __str__(self) -> str:
        return self.code


class UserAgentClass(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    TABLET = "tablet", "Tablet"
    DESKTOP = "desktop", "Desktop"
    OTHER = "other", "Other"


class Click(TenantModel):
    link = models.ForeignKey(TrackingLink, on_delete=models.CASCADE, related_name="clicks")
    # The id appended to the destination as kh_click; the flush inserts ON CONFLICT DO
    # NOTHING on it, which is what makes a retried batch harmless.
    click_id = models.UUIDField(unique=True, default=uuid.uuid4)
    clicked_at = models.DateTimeField()
    # HMAC-SHA256 of IP + user agent with a server-side key: raw IPs are never stored.
    visitor_hash = models.CharField(max_length=64)
    user_agent_class = models.CharField(max_length=8, choices=UserAgentClass.choices)
    referrer_host = models.CharField(max_length=255, blank=True)
    # False for a repeat of the same visitor on the same link within 30 minutes.
    is_unique = models.BooleanField(default=True)
    batch_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["-clicked_at"]
        indexes = [
            models.Index(fields=["organization", "link", "clicked_at"], name="click_org_link_at"),
        ]

    def __str__(self) -> str:
        return str(self.click_id)


class ClickFallback(models.Model):
    """Clicks taken while Redis was down, as the JSON the buffer would have held. The
    flush drains this table too."""

    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"fallback click {self.pk}"
