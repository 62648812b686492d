"""Every write to campaigns, their products, KPI targets, budget lines and checklist
ticks. Each service is one transaction, takes the organization first, and checks that
every row it links belongs to that organization (foreign keys are not covered by
row-level security)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns.checklist import step_get
from campaigns.models import (
    BudgetCategory,
    BudgetLine,
    Campaign,
    CampaignProduct,
    ChecklistTick,
    Collaboration,
    KpiTarget,
    Metric,
)
from campaigns.pipeline import Stage
from campaigns.services.guards import CURRENCY_CODES, amount, check_member, same_org
from creators.models import AGE_BUCKETS, GENDERS
from creators.services import normalize_tags
from kolhub.models import Organization

CAMPAIGN_FIELDS = [
    "name", "slug", "description", "status", "objective", "start_date", "end_date", "currency",
    "attribution_window_days", "target_countries", "target_ages", "target_gender",
    "target_interests", "competitors", "owner", "learnings",
]  # fmt: skip

# --- campaigns -------------------------------------------------------------------------


def _apply_campaign_fields(campaign: Campaign, data: Mapping[str, Any]) -> None:
    for name in CAMPAIGN_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "target_countries":
            value = [c.strip().upper() for c in value or [] if c and c.strip()]
            bad = [c for c in value if len(c) != 2 or not c.isalpha()]
            if bad:
                raise ValidationError(
                    {name: f"Use two-letter country codes (ISO 3166): {', '.join(bad)}."}
                )
            value = list(dict.fromkeys(value))
        elif name == "target_ages":
            value = list(dict.fromkeys(value or []))
            bad = [a for a in value if a not in AGE_BUCKETS]
            if bad:
                raise ValidationError({name: f"Age buckets are {', '.join(AGE_BUCKETS)}."})
        elif name == "target_gender":
            value = (value or "").strip().lower()
            if value and value not in GENDERS:
                raise ValidationError({name: f"Gender is one of {', '.join(GENDERS)}."})
        elif name == "target_interests":
            value = normalize_tags(value or [])
        elif name == "competitors":
            value = list(dict.fromkeys(" ".join(c.split()) for c in value or [] if c.strip()))
        elif name == "currency":
            value = (value or "").strip().upper()
        elif name in ("start_date", "end_date", "owner"):
            pass
        elif value is None:
            value = ""
        setattr(campaign, name, value)


def _unique_slug(organization: Organization, campaign: Campaign, wanted: str) -> str:
    base = slugify(wanted)[:72] or "campaign"
    taken = set(
        Campaign.objects.for_org(organization)
        .filter(slug__startswith=base)
        .exclude(pk=campaign.pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate_campaign(organization: Organization, campaign: Campaign, slug_given: bool) -> None:
    campaign.name = (campaign.name or "").strip()
    if not campaign.name:
        raise ValidationError({"name": "Name the campaign."})
    if slug_given and campaign.slug:
        campaign.slug = slugify(campaign.slug)
        clash = Campaign.objects.for_org(organization).filter(slug=campaign.slug)
        if clash.exclude(pk=campaign.pk).exists():
            raise ValidationError({"slug": f"Another campaign already uses {campaign.slug!r}."})
    elif not campaign.slug:
        campaign.slug = _unique_slug(organization, campaign, campaign.name)
    if campaign.currency not in CURRENCY_CODES:
        raise ValidationError({"currency": f"{campaign.currency!r} is not a supported currency."})
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        raise ValidationError({"end_date": "The campaign cannot end before it starts."})
    check_member(organization, campaign.owner, "owner")
    # The organization is set by us, and the per-organization unique slug is checked
    # above (full_clean skips constraints on excluded fields).
    campaign.full_clean(exclude=["organization", "owner"])


@transaction.atomic
def campaign_create(
    *, organization: Organization, data: Mapping[str, Any],
    products: Iterable[Mapping[str, Any]] = (),
    kpi_targets: Iterable[Mapping[str, Any]] = (),
    budget_lines: Iterable[Mapping[str, Any]] = (),
) -> Campaign:  # fmt: skip
    """A campaign with its products, KPI targets and budget lines, all or nothing."""
    campaign = Campaign(organization=organization, currency=organization.default_currency)
    _apply_campaign_fields(campaign, data)
    _validate_campaign(organization, campaign, slug_given=bool(data.get("slug")))
    campaign.save()
    products_set(organization=organization, campaign=campaign, products=products)
    kpi_targets_set(organization=organization, campaign=campaign, kpi_targets=kpi_targets)
    budget_lines_set(organization=organization, campaign=campaign, budget_lines=budget_lines)
    return campaign


@transaction.atomic
def campaign_update(
    *, organization: Organization, campaign: Campaign, data: Mapping[str, Any],
    products: Iterable[Mapping[str, Any]] | None = None,
    kpi_targets: Iterable[Mapping[str, Any]] | None = None,
    budget_lines: Iterable[Mapping[str, Any]] | None = None,
) -> Campaign:  # fmt: skip
    """Fields in `data` change; each of products / KPI targets / budget lines, when given,
    replaces that set (None leaves it as it is). All or nothing."""
    same_org(organization, campaign)
    _apply_campaign_fields(campaign, data)
    _validate_campaign(organization, campaign, slug_given="slug" in data)
    campaign.save()
    if products is not None:
        products_set(organization=organization, campaign=campaign, products=products)
    if kpi_targets is not None:
        kpi_targets_set(organization=organization, campaign=campaign, kpi_targets=kpi_targets)
    if budget_lines is not None:
        budget_lines_set(organization=organization, campaign=campaign, budget_lines=budget_lines)
    return campaign


@transaction.atomic
def campaign_delete(*, organization: Organization, campaign: Campaign) -> None:
    """Only while no collaboration has moved past the shortlist: after that the campaign
    holds history (pitches, agreements) worth keeping, so archive it instead."""
    same_org(organization, campaign)
    moved = (
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign)
        .exclude(stage=Stage.SHORTLISTED)
        .count()
    )
    if moved:
        raise ValidationError(
            f"{campaign.name} has {moved} collaboration{'s' if moved > 1 else ''} past the "
            "shortlist; archive the campaign instead, so their history is kept."
        )
    campaign.delete()


@transaction.atomic
def products_set(
    *, organization: Organization, campaign: Campaign, products: Iterable[Mapping[str, Any]]
) -> list[CampaignProduct]:
    """Make the campaign's products exactly these, matched by SKU (a row with a known SKU
    updates that product, a new SKU adds one, a SKU left out is removed)."""
    same_org(organization, campaign)
    existing = {p.sku: p for p in CampaignProduct.objects.for_org(organization)
                .filter(campaign=campaign)}  # fmt: skip
    kept: list[CampaignProduct] = []
    seen: set[str] = set()
    for n, row in enumerate(products, start=1):
        where = f"Product {n}: "
        sku = str(row.get("sku") or "").strip()
        name = str(row.get("name") or "").strip()
        if not sku or not name:
            raise ValidationError({"products": f"{where}a name and a SKU are required."})
        if sku.lower() in seen:
            raise ValidationError({"products": f"{where}SKU {sku} appears twice."})
        seen.add(sku.lower())
        currency = (row.get("currency") or campaign.currency).strip().upper()
        if currency not in CURRENCY_CODES:
            raise ValidationError({"products": f"{where}{currency!r} is not a supported currency."})
        product = existing.pop(sku, None) or CampaignProduct(
            organization=organization, campaign=campaign, sku=sku
        )
        product.name = name
        product.unit_cost = amount(row.get("unit_cost"), "products", where=f"{where}unit cost ")
        product.price = amount(row.get("price"), "products", where=f"{where}price ")
        product.currency = currency
        product.full_clean(exclude=["organization", "campaign"])
        product.save()
        kept.append(product)
    if existing:
        CampaignProduct.objects.for_org(organization).filter(
            pk__in=[p.pk for p in existing.values()]
        ).delete()
    return kept


@transaction.atomic
def kpi_targets_set(
    *, organization: Organization, campaign: Campaign, kpi_targets: Iterable[Mapping[str, Any]]
) -> list[KpiTarget]:
    """Make the campaign's KPI targets exactly these ({metric, target_value}); any metric
    of METRICS.md is allowed, whatever the objective (the objective only suggests)."""
    same_org(organization, campaign)
    wanted: dict[str, Decimal] = {}
    for row in kpi_targets:
        metric = row.get("metric")
        if metric not in Metric.values:
            raise ValidationError({"kpi_targets": f"{metric!r} is not a KPI of METRICS.md."})
        if metric in wanted:
            raise ValidationError(
                {"kpi_targets": f"{Metric(metric).label} has two targets; keep one."}
            )
        wanted[metric] = amount(row.get("target_value"), "kpi_targets", positive=True,
                                 where=f"{Metric(metric).label}: ")  # fmt: skip
    current = KpiTarget.objects.for_org(organization).filter(campaign=campaign)
    current.exclude(metric__in=list(wanted)).delete()
    kept = []
    for metric, value in wanted.items():
        target, _ = KpiTarget.objects.update_or_create(
            organization=organization, campaign=campaign, metric=metric,
            defaults={"target_value": value},
        )  # fmt: skip
        kept.append(target)
    return kept


@transaction.atomic
def budget_lines_set(
    *, organization: Organization, campaign: Campaign, budget_lines: Iterable[Mapping[str, Any]]
) -> list[BudgetLine]:
    """Make the campaign's planned budget exactly these ({category, planned_amount}), in
    the campaign's currency."""
    same_org(organization, campaign)
    wanted: dict[str, Decimal] = {}
    for row in budget_lines:
        category = row.get("category")
        if category not in BudgetCategory.values:
            raise ValidationError(
                {"budget_lines": f"{category!r} is not one of {', '.join(BudgetCategory.values)}."}
            )
        if category in wanted:
            raise ValidationError(
                {"budget_lines": f"{BudgetCategory(category).label} appears twice; keep one."}
            )
        wanted[category] = amount(row.get("planned_amount"), "budget_lines", positive=True,
                                   where=f"{BudgetCategory(category).label}: ")  # fmt: skip
    BudgetLine.objects.for_org(organization).filter(campaign=campaign).exclude(
        category__in=list(wanted)
    ).delete()
    kept = []
    for category, planned in wanted.items():
        line, _ = BudgetLine.objects.update_or_create(
            organization=organization, campaign=campaign, category=category,
            defaults={"planned_amount": planned},
        )  # fmt: skip
        kept.append(line)
    return kept


@transaction.atomic
def campaign_learnings_set(
    *, organization: Organization, campaign: Campaign, learnings: str
) -> Campaign:
    same_org(organization, campaign)
    campaign.learnings = (learnings or "").strip()
    campaign.save(update_fields=["learnings", "updated_at"])
    return campaign


# --- checklist -------------------------------------------------------------------------


def _manual_step(key: str):
    step = step_get(key)
    if step is None:
        raise ValidationError({"step": f"{key!r} is not a checklist step."})
    if not step.manual:
        raise ValidationError(
            {"step": f"“{step.title}” ticks itself when {step.done_when}; not by hand."}
        )
    return step


@transaction.atomic
def checklist_tick(
    *, organization: Organization, campaign: Campaign, step: str, by: AbstractBaseUser | None
) -> ChecklistTick:
    """Tick a step the data cannot decide; ticking it again keeps the first tick."""
    same_org(organization, campaign)
    _manual_step(step)
    tick, _ = ChecklistTick.objects.get_or_create(
        organization=organization, campaign=campaign, step=step,
        defaults={"ticked_by": by, "ticked_at": timezone.now()},
    )  # fmt: skip
    return tick


@transaction.atomic
def checklist_untick(*, organization: Organization, campaign: Campaign, step: str) -> None:
    same_org(organization, campaign)
    _manual_step(step)
    ChecklistTick.objects.for_org(organization).filter(campaign=campaign, step=step).delete()
