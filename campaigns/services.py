"""Every write to campaigns, their products, KPI targets, budget lines, checklist ticks and
the collaboration pipeline. Each service is one transaction, takes the organization
first, and checks that every row it links belongs to that organization (foreign keys are
not covered by row-level security)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns import pipeline
from campaigns.checklist import step_get
from campaigns.models import (
    BudgetCategory,
    BudgetLine,
    Campaign,
    CampaignProduct,
    CampaignStatus,
    ChecklistTick,
    Collaboration,
    KpiTarget,
    Metric,
    StageChange,
)
from campaigns.pipeline import Stage
from creators.models import AGE_BUCKETS, GENDERS, Creator, CreatorStatus
from creators.services import normalize_tags
from kolhub.models import CURRENCIES, Membership, Organization

CAMPAIGN_FIELDS = [
    "name", "slug", "description", "status", "objective", "start_date", "end_date", "currency",
    "attribution_window_days", "target_countries", "target_ages", "target_gender",
    "target_interests", "competitors", "owner", "learnings",
]  # fmt: skip
CURRENCY_CODES = {code for code, _ in CURRENCIES}


def _same_org(organization: Organization, *objects) -> None:
    # Foreign keys between tenant rows are not checked by RLS; check them here.
    for obj in objects:
        if obj.organization_id != organization.pk:
            raise ValidationError("That record belongs to another organization.")


def _check_member(organization: Organization, user, field: str) -> None:
    if user is None:
        return
    if not Membership.objects.for_org(organization).filter(user=user).exists():
        raise ValidationError({field: f"{user} is not a member of {organization.name}."})


def _amount(value, field: str, *, positive: bool = False, where: str = "") -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{where}{value!r} is not an amount."}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{where}{value!r} is not an amount."})
    if positive and number <= 0:
        raise ValidationError({field: f"{where}it must be more than 0."})
    if number < 0:
        raise ValidationError({field: f"{where}it cannot be negative."})
    return number


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
    _check_member(organization, campaign.owner, "owner")
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
    _same_org(organization, campaign)
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
    _same_org(organization, campaign)
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
    _same_org(organization, campaign)
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
        product.unit_cost = _amount(row.get("unit_cost"), "products", where=f"{where}unit cost ")
        product.price = _amount(row.get("price"), "products", where=f"{where}price ")
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
    _same_org(organization, campaign)
    wanted: dict[str, Decimal] = {}
    for row in kpi_targets:
        metric = row.get("metric")
        if metric not in Metric.values:
            raise ValidationError({"kpi_targets": f"{metric!r} is not a KPI of METRICS.md."})
        if metric in wanted:
            raise ValidationError(
                {"kpi_targets": f"{Metric(metric).label} has two targets; keep one."}
            )
        wanted[metric] = _amount(row.get("target_value"), "kpi_targets", positive=True,
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
    _same_org(organization, campaign)
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
        wanted[category] = _amount(row.get("planned_amount"), "budget_lines", positive=True,
                                   where=f"{BudgetCategory(category).label}: ")  # fmt: skip
    BudgetLine.objects.for_org(organization).filter(campaign=campaign).exclude(
        category__in=list(wanted)
    ).delete()
    kept = []
    for category, amount in wanted.items():
        line, _ = BudgetLine.objects.update_or_create(
            organization=organization, campaign=campaign, category=category,
            defaults={"planned_amount": amount},
        )  # fmt: skip
        kept.append(line)
    return kept


@transaction.atomic
def campaign_learnings_set(
    *, organization: Organization, campaign: Campaign, learnings: str
) -> Campaign:
    _same_org(organization, campaign)
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
    _same_org(organization, campaign)
    _manual_step(step)
    tick, _ = ChecklistTick.objects.get_or_create(
        organization=organization, campaign=campaign, step=step,
        defaults={"ticked_by": by, "ticked_at": timezone.now()},
    )  # fmt: skip
    return tick


@transaction.atomic
def checklist_untick(*, organization: Organization, campaign: Campaign, step: str) -> None:
    _same_org(organization, campaign)
    _manual_step(step)
    ChecklistTick.objects.for_org(organization).filter(campaign=campaign, step=step).delete()


# --- the collaboration pipeline --------------------------------------------------------


@dataclass(frozen=True)
class AddResult:
    added: int
    skipped: int  # already in the campaign
    do_not_contact: int  # refused: the creator asked not to be contacted
    not_found: int  # not a creator of this organization

    def summary(self) -> str:
        parts = [f"Added {self.added} creator{'s' if self.added != 1 else ''}"]
        if self.skipped:
            parts.append(f"{self.skipped} already in the campaign")
        if self.do_not_contact:
            parts.append(f"{self.do_not_contact} marked do-not-contact, not added")
        if self.not_found:
            parts.append(f"{self.not_found} not found")
        return "; ".join(parts) + "."


def _check_open(campaign: Campaign, doing: str) -> None:
    if campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.ARCHIVED):
        raise ValidationError(
            f"{campaign.name} is {campaign.get_status_display().lower()}: reopen it before {doing}."
        )


@transaction.atomic
def collaborations_add(
    *, organization: Organization, campaign: Campaign, creator_ids: Iterable[int],
    added_by: AbstractBaseUser | None, owner: AbstractBaseUser | None = None,
) -> AddResult:  # fmt: skip
    """Shortlist creators (ids of this organization's roster) in the campaign. Idempotent:
    creators already in it are skipped, so the same selection can be sent twice."""
    _same_org(organization, campaign)
    _check_open(campaign, "adding creators")
    owner = owner or added_by
    _check_member(organization, owner, "owner")
    # Lock the campaign: two people adding the same creator at once queue up here instead
    # of one of them failing on the unique constraint.
    Campaign.objects.for_org(organization).select_for_update().filter(pk=campaign.pk).first()
    wanted = {int(i) for i in creator_ids}
    found = dict(
        Creator.objects.for_org(organization).filter(id__in=wanted).values_list("id", "status")
    )
    present = set(
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign, creator_id__in=list(found))
        .values_list("creator_id", flat=True)
    )
    refused = {i for i, status in found.items() if status == CreatorStatus.DO_NOT_CONTACT}
    new = sorted(set(found) - present - refused)
    now = timezone.now()
    created = Collaboration.objects.bulk_create(
        Collaboration(organization=organization, campaign=campaign, creator_id=creator_id,
                      stage=Stage.SHORTLISTED, stage_changed_at=now, owner=owner,
                      added_by=added_by)
        for creator_id in new
    )  # fmt: skip
    StageChange.objects.bulk_create(
        StageChange(organization=organization, collaboration=c, from_stage="",
                    to_stage=Stage.SHORTLISTED, by=added_by, actor="" if added_by else "system",
                    reason="Added to the campaign", at=now)
        for c in created
    )  # fmt: skip
    return AddResult(
        added=len(new), skipped=len(present),
        do_not_contact=len(refused - present), not_found=len(wanted - set(found)),
    )  # fmt: skip


@transaction.atomic
def collaboration_transition(
    *, organization: Organization, collaboration: Collaboration, to_stage: str,
    by: AbstractBaseUser | None, reason: str = "", actor: str = "",
) -> Collaboration:  # fmt: skip
    """Move a collaboration to `to_stage` if campaigns.pipeline allows it from the stage
    it is in now (read under a row lock, so two people moving it at once cannot both
    succeed from the same stage); record who, when and why."""
    _same_org(organization, collaboration)
    locked = (
        Collaboration.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=collaboration.pk)
    )
    if locked.campaign.status == CampaignStatus.ARCHIVED:
        raise ValidationError(f"{locked.campaign.name} is archived: reopen it first.")
    why_not = pipeline.refusal(locked.stage, to_stage)
    if why_not:
        raise ValidationError({"to_stage": why_not})
    if by is None and not actor.strip():
        actor = "system"
    now = timezone.now()
    StageChange.objects.create(
        organization=organization, collaboration=locked, from_stage=locked.stage,
        to_stage=to_stage, by=by, actor=actor.strip()[:80], reason=(reason or "").strip(),
        at=now,
    )  # fmt: skip
    locked.stage, locked.stage_changed_at = to_stage, now
    locked.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    collaboration.stage, collaboration.stage_changed_at = locked.stage, now
    return locked


@transaction.atomic
def collaboration_assign(
    *, organization: Organization, collaboration: Collaboration, owner: AbstractBaseUser | None
) -> Collaboration:
    _same_org(organization, collaboration)
    _check_member(organization, owner, "owner")
    collaboration.owner = owner
    collaboration.save(update_fields=["owner", "updated_at"])
    return collaboration


@transaction.atomic
def collaboration_remove(*, organization: Organization, collaboration: Collaboration) -> None:
    """Take a creator off the shortlist. Once a collaboration has moved on (a pitch went
    out), it is cancelled or declined instead, so the history stays."""
    _same_org(organization, collaboration)
    locked = (
        Collaboration.objects.for_org(organization).select_for_update().get(pk=collaboration.pk)
    )
    if locked.stage != Stage.SHORTLISTED:
        raise ValidationError(
            f"This collaboration is {pipeline.label(locked.stage)}; only shortlisted creators "
            "can be removed. Cancel it instead, so its history is kept."
        )
    locked.delete()
