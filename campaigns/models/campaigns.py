"""Campaigns: goals and KPI targets, products, budget lines, the 12-step checklist's manual
ticks, and the collaboration pipeline (campaign × creator) with its stage history.

What a campaign has *committed* or *spent* is never stored here: it is computed from the
rows that commit or spend money (offers, shipments, payments) by campaigns.budget, so it
is never typed twice. The pipeline's legal moves live in campaigns.pipeline."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from campaigns.pipeline import Stage
from creators.models import AGE_BUCKETS, GENDERS, Creator
from kolhub.models import CURRENCIES, TenantModel


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ARCHIVED = "archived", "Archived"


class Objective(models.TextChoices):
    SALES = "sales", "Sales"
    LEAD_GENERATION = "lead_generation", "Lead generation"
    AWARENESS = "awareness", "Education & awareness"


class Metric(models.TextChoices):
    """The KPIs of METRICS.md a campaign can set a target for."""

    REVENUE = "revenue", "Revenue"
    CONVERSIONS = "conversions", "Conversions"
    CPA = "cpa", "CPA (cost per acquisition)"
    ROAS = "roas", "ROAS"
    ROI = "roi", "ROI"
    NEW_CUSTOMERS = "new_customers", "New customers"
    CONVERSION_RATE = "conversion_rate", "Conversion rate"
    LEADS = "leads", "Leads"
    COST_PER_LEAD = "cost_per_lead", "Cost per lead"
    LANDING_CONVERSION_RATE = "landing_conversion_rate", "Landing-page conversion rate"
    REACH = "reach", "Reach"
    IMPRESSIONS = "impressions", "Impressions"
    ENGAGEMENTS = "engagements", "Engagements"
    ENGAGEMENT_RATE = "engagement_rate", "Engagement rate"
    SAVES = "saves", "Saves"
    CLICKS = "clicks", "Clicks"
    CTR = "ctr", "CTR"
    WEBSITE_TRAFFIC = "website_traffic", "Website traffic"
    SHARE_OF_VOICE = "share_of_voice", "Share of voice"


# How a target value reads: money in the campaign's currency, a count, a percentage, or a
# multiple (ROAS 3.5 = 3.5×).
METRIC_UNITS = {
    Metric.REVENUE: "money", Metric.CPA: "money", Metric.COST_PER_LEAD: "money",
    Metric.ROAS: "ratio", Metric.ROI: "percent", Metric.CONVERSION_RATE: "percent",
    Metric.LANDING_CONVERSION_RATE: "percent", Metric.ENGAGEMENT_RATE: "percent",
    Metric.CTR: "percent", Metric.SHARE_OF_VOICE: "percent",
}  # fmt: skip

# METRICS.md, "Goals": the objective picks the headline KPIs. Others stay allowed.
OBJECTIVE_METRICS: dict[str, tuple[str, ...]] = {
    Objective.SALES: (Metric.REVENUE, Metric.CONVERSIONS, Metric.CPA, Metric.ROAS),
    Objective.LEAD_GENERATION: (
        Metric.LEADS, Metric.COST_PER_LEAD, Metric.LANDING_CONVERSION_RATE,
    ),
    Objective.AWARENESS: (Metric.REACH, Metric.ENGAGEMENT_RATE, Metric.CTR, Metric.SAVES),
}  # fmt: skip


def metric_unit(metric: str) -> str:
    return METRIC_UNITS.get(metric, "count")


class BudgetCategory(models.TextChoices):
    KOL_FEES = "kol_fees", "KOL fees"
    PRODUCT_COST = "product_cost", "Product cost"
    SHIPPING = "shipping", "Shipping"
    AMPLIFICATION = "amplification", "Amplification spend"
    OTHER = "other", "Other"


class Campaign(TenantModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, help_text="Unique in the organization; from the name")
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    objective = models.CharField(max_length=16, choices=Objective.choices, default=Objective.SALES)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")
    attribution_window_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Orders within this many days of a creator's click or code are credited.",
    )  # fmt: skip
    # The target audience, in the shapes of creators.scoring.Target (selectors.campaign_target).
    target_countries = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    target_ages = ArrayField(
        models.CharField(max_length=8, choices=[(a, a) for a in AGE_BUCKETS]),
        default=list, blank=True,
    )  # fmt: skip
    target_gender = models.CharField(
        max_length=8, blank=True, choices=[(g, g.title()) for g in GENDERS]
    )
    target_interests = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    competitors = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    learnings = models.TextField(blank=True, help_text="What to do differently next time")
    seeding_nudge_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Remind a creator this many days after delivery when no content came yet.",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="campaign_unique_slug"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="campaign_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="campaign_org_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def headline_metrics(self) -> tuple[str, ...]:
        return OBJECTIVE_METRICS.get(self.objective, ())


class CampaignProduct(TenantModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64, verbose_name="SKU")
    unit_cost = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)],
        help_text="What one unit costs the brand (product cost in the budget).",
    )  # fmt: skip
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)],
        help_text="Retail price",
    )  # fmt: skip
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "sku"], name="product_unique_sku"
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0) & Q(price__gte=0), name="product_amounts_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class KpiTarget(TenantModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="kpi_targets")
    metric = models.CharField(max_length=32, choices=Metric.choices)
    target_value = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["id"]
        verbose_name = "KPI target"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "metric"], name="kpi_unique_metric"
            ),
            models.CheckConstraint(condition=Q(target_value__gt=0), name="kpi_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.target_value}"

    @property
    def unit(self) -> str:
        return metric_unit(self.metric)


class BudgetLine(TenantModel):
    """The planned amount for one category, in the campaign's currency. Committed and
    spent are computed (campaigns.budget), never stored."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(max_length=16, choices=BudgetCategory.choices)
    planned_amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "category"], name="budget_unique_category"
            ),
            models.CheckConstraint(
                condition=Q(planned_amount__gt=0), name="budget_planned_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.planned_amount}"


class ChecklistTick(TenantModel):
    """A hand-made tick of a checklist step the data cannot decide (campaigns.checklist)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ticks")
    step = models.CharField(max_length=32)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ticked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "step"], name="tick_unique_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} ticked"


class Collaboration(TenantModel):
    """One creator in one campaign, moving through the pipeline (campaigns.pipeline)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="collaborations")
    # PROTECT: a creator who worked on a campaign keeps that history; removing them from
    # the roster must not erase it.
    creator = models.ForeignKey(Creator, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.SHORTLISTED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The accepted offer: set only by campaigns.services.offers.offer_accept. Empty when
    # nothing was agreed yet, or when terms were agreed outside KOL Hub and the stage was
    # moved by hand. RESTRICT: the terms cannot be deleted while they are the terms.
    terms = models.ForeignKey(
        "campaigns.Offer", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )

    class Meta:
        ordering = ["-stage_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "creator"], name="collaboration_unique_creator"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "campaign", "stage"], name="collab_org_stage"),
            models.Index(fields=["organization", "creator"], name="collab_org_creator"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} in {self.campaign_id} ({self.stage})"


class StageChange(TenantModel):
    """Every move of a collaboration, with who and when. The first row of each
    collaboration (from_stage "") records it being added."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(
        max_length=80, blank=True,
        help_text='Who acted when it was not a team member: "creator via portal", "system"',
    )  # fmt: skip
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["organization", "collaboration", "at"], name="stagechange_org_at")
        ]

    def __str__(self) -> str:
        return f"{self.from_stage or '∅'} → {self.to_stage}"

    @property
    def who(self) -> str:
        if self.by_id:
            return self.by.display_name
        return self.actor or "system"
