"""Daily rollups (issue #6): what the dashboards read, never the raw events.

- DailyRollup: one row per collaboration, day (in the organization's timezone), platform
  ("" when the event has none, e.g. a credit through a promo code) and currency ("" for
  rows without money). Figures follow METRICS.md.
- CampaignDailyRollup and RunningTotal: the same figures summed per campaign and day, and
  per collaboration cumulatively (see each); what the campaign dashboard reads.
- RollupDirtyDay: a (collaboration, day) whose raw events changed. Every write of a raw
  event (click flush, lead, attribution entry, metric snapshot, cost) marks its day in the
  same transaction; a worker recomputes the marked days from the raw events and clears
  the marks. Recomputing a whole day (rather than adding deltas) makes a rerun harmless
  and keeps the rollup equal to a recomputation from scratch.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from kolhub.models import TenantModel

COUNT_FIELDS = (
    "clicks", "unique_clicks", "leads", "conversions", "new_customers", "code_conversions",
    "reach", "impressions", "engagements", "saves", "views", "followers", "rated_engagements",
)  # fmt: skip
MONEY_FIELDS = ("revenue", "refunds", "code_revenue", "cost")


def _money() -> models.DecimalField:
    return models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))


class RollupFigures(TenantModel):
    """What every rollup table holds: a campaign's day, platform and currency, and the
    figures (METRICS.md)."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    platform = models.CharField(max_length=12, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    clicks = models.BigIntegerField(default=0)
    unique_clicks = models.BigIntegerField(default=0)
    leads = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    new_customers = models.BigIntegerField(default=0)
    code_conversions = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    impressions = models.BigIntegerField(default=0)
    engagements = models.BigIntegerField(default=0)
    saves = models.BigIntegerField(default=0)
    views = models.BigIntegerField(default=0)
    # Engagement rate (METRICS.md) divides each post by its own denominator: its reach, or
    # where reach is unknown its followers at posting time. `followers` sums the latter;
    # `rated_engagements` the engagements of posts with either (a post with neither adds
    # to no rate, so it cannot inflate one).
    followers = models.BigIntegerField(default=0)
    rated_engagements = models.BigIntegerField(default=0)
    revenue = _money()
    refunds = _money()
    code_revenue = _money()
    cost = _money()

    class Meta:
        abstract = True


class DailyRollup(RollupFigures):
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="+"
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "collaboration", "day", "platform", "currency"],
                name="daily_rollup_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "campaign", "day"], name="daily_rollup_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.collaboration_id} {self.day} {self.platform or '-'} {self.currency or '-'}"


class CampaignDailyRollup(RollupFigures):
    """A campaign's day: its collaborations' DailyRollup rows summed, per platform and
    currency. The dashboard's total and daily chart read these (a few rows a day) instead
    of one row per creator per day. Written by the rollup worker in the same transaction
    as the DailyRollup rows it sums."""

    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "day", "platform", "currency"],
                name="campaign_rollup_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.day} {self.platform or '-'} {self.currency or '-'}"


class RunningTotal(RollupFigures):
    """A collaboration's figures (per platform and currency) summed from its first day
    through `day`, on each day it has a DailyRollup row. Any date range's figures are two
    rows per series: the last row on or before the range's end minus the last row before
    its start. So the leaderboard reads a few rows per creator, whatever the range's
    length. Written by the rollup worker with the DailyRollup rows."""

    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            # Also the index the range lookup walks backwards (series, then day).
            models.UniqueConstraint(
                fields=["organization", "collaboration", "platform", "currency", "day"],
                name="running_total_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.collaboration_id} through {self.day} {self.platform or '-'}"


class RollupDirtyDay(TenantModel):
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["marked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "collaboration", "day"], name="rollup_dirty_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.collaboration_id} {self.day}"


class RollupCostWatermark(TenantModel):
    """How far the rollup worker has looked for changed cost rows (campaigns' payments,
    shipments, expenses, accepted offers). The campaigns app cannot call tracking (imports
    point one way), so instead of marking days when it writes, the worker finds rows whose
    updated_at passed this mark and marks their collaborations' cost days itself."""

    through = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="rollup_cost_watermark_unique")
        ]

    def __str__(self) -> str:
        return f"cost changes read through {self.through:%Y-%m-%d %H:%M:%S}"
