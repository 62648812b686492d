"""Campaign PDF reports (issue #6, "Exports"): asked for on a page, rendered by a worker
with WeasyPrint, stored privately per organization and served only through the brand's
own download route.

A report is a snapshot of a date range: rendering it again (a retried task) rebuilds the
same file under the same name, so a rerun is harmless."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kolhub.models import TenantModel


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class CampaignReport(TenantModel):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    date_from = models.DateField()
    date_to = models.DateField()
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    # Private: under MEDIA_ROOT/tracking/reports/<organization_id>/, never linked directly.
    file = models.FileField(upload_to="tracking/reports/", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")), name="campaign_report_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file=""), name="campaign_report_ready_has_file"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "campaign", "created_at"], name="report_org_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} of campaign {self.campaign_id} ({self.status})"
