"""Reads for the campaign pages and the API: campaigns with their stage counts, the
budget (planned / committed / spent), the 12-step checklist, the team. Each takes the
organization first and returns rows of that organization only, with what the page needs
loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from campaigns import budget, pipeline
from campaigns.checklist import PHASES, STEPS, CampaignFacts, Step
from campaigns.models import (
    BriefVersion,
    BudgetCategory,
    BudgetLine,
    Campaign,
    CampaignProduct,
    CampaignStatus,
    ChecklistTick,
    Collaboration,
    KpiTarget,
    MessageKind,
    OutreachMessage,
    Shipment,
    ShipmentStatus,
    StageChange,
)
from campaigns.pipeline import ORDER
from creators import scoring
from kolhub.models import Membership, Organization, User


def _stage_count_annotations() -> dict[str, Count]:
    return {
        f"n_{stage}": Count("collaborations", filter=Q(collaborations__stage=stage))
        for stage in ORDER
    }


def campaign_queryset(*, organization: Organization) -> QuerySet[Campaign]:
    """Campaigns with `collaboration_count`, `n_<stage>` per stage and `planned_total`."""
    planned = (
        BudgetLine.objects.for_org(organization)
        .filter(campaign=OuterRef("pk"))
        .values("campaign")
        .annotate(total=Sum("planned_amount"))
        .values("total")
    )
    return (
        Campaign.objects.for_org(organization)
        .select_related("owner")
        .annotate(
            collaboration_count=Count("collaborations"),
            planned_total=Subquery(planned),
            **_stage_count_annotations(),
        )
        .order_by("-created_at", "-id")
    )


def stage_counts(campaign: Campaign) -> list[tuple[str, str, int]]:
    """(stage, label, count) in board order, from campaign_queryset's annotations."""
    return [(s, pipeline.label(s), getattr(campaign, f"n_{s}", 0)) for s in ORDER]


def campaign_list(*, organization: Organization, status: str | None = None) -> list[Campaign]:
    """The campaigns index: each campaign with `.stages` [(stage, label, count)] and
    `.committed` (campaigns.budget), in three queries whatever the number of campaigns."""
    queryset = campaign_queryset(organization=organization)
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.exclude(status=CampaignStatus.ARCHIVED)
    campaigns = list(queryset)
    lines = budget.cost_lines(organization=organization, campaign_ids=[c.pk for c in campaigns])
    committed = budget.committed_by_campaign(lines)
    for campaign in campaigns:
        campaign.stages = stage_counts(campaign)
        campaign.committed = committed.get(campaign.pk, budget.ZERO)
    return campaigns


def campaign_get(*, organization: Organization, campaign_id: int) -> Campaign:
    return (
        Campaign.objects.for_org(organization)
        .select_related("owner")
        .prefetch_related(
            Prefetch("products", queryset=CampaignProduct.objects.for_org(organization)),
            Prefetch("kpi_targets", queryset=KpiTarget.objects.for_org(organization)),
            Prefetch("budget_lines", queryset=BudgetLine.objects.for_org(organization)),
        )
        .get(pk=campaign_id)
    )


def campaign_target(campaign: Campaign) -> scoring.Target:
    """The campaign's target audience, in the shape the creators fit score takes."""
    return scoring.Target(
        countries=tuple(campaign.target_countries or ()),
        ages=tuple(campaign.target_ages or ()),
        gender=campaign.target_gender or "",
        interests=tuple(campaign.target_interests or ()),
        competitors=tuple(campaign.competitors or ()),
    )


def campaign_target_query(campaign: Campaign) -> str:
    """The campaign's whole target audience as the creator page's (and discovery's) query
    string, in creators.filters' parameter names (target_from reads them back), so the
    scorecard and the fit score there are against this campaign's target."""
    target = campaign_target(campaign)
    params = [
        ("audience_country", ",".join(target.countries)),
        *(("audience_age", age) for age in target.ages),
        ("audience_gender", target.gender),
        ("interest", ",".join(target.interests)),
        ("competitor", ",".join(target.competitors)),
    ]
    return urlencode([(name, value) for name, value in params if value])


def campaign_picker_list(*, organization: Organization) -> QuerySet[Campaign]:
    """Campaigns a creator can be added to (not completed or archived)."""
    return (
        Campaign.objects.for_org(organization)
        .filter(status__in=[CampaignStatus.DRAFT, CampaignStatus.ACTIVE])
        .only("id", "name", "status")
        .order_by("name", "id")
    )


def team(*, organization: Organization) -> QuerySet:
    """The organization's people, for owner choices."""
    member_ids = Membership.objects.for_org(organization).values("user_id")
    return User.objects.filter(pk__in=Subquery(member_ids)).order_by("first_name", "email")


def team_member(*, organization: Organization, user_id: int | None) -> User | None:
    """A member of the organization by user id (None for None); an id that is not a
    member's is an error naming the field."""
    if user_id is None:
        return None
    user = team(organization=organization).filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"owner": f"No member of {organization.name} has id {user_id}."})
    return user


# --- budget ----------------------------------------------------------------------------


@dataclass
class BudgetRow:
    category: str
    label: str
    planned: Decimal | None
    committed: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal | None:
        return None if self.planned is None else self.planned - self.committed

    @property
    def used_percent(self) -> Decimal | None:
        """Budget used (METRICS.md) = committed / planned; None ("—") with no plan."""
        if not self.planned:
            return None
        return (self.committed / self.planned * 100).quantize(Decimal("0.1"))


@dataclass
class BudgetReport:
    currency: str
    rows: list[BudgetRow] = field(default_factory=list)
    unallocated_committed: Decimal = budget.ZERO

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(r, name) or budget.ZERO for r in self.rows), budget.ZERO)

    @property
    def planned(self) -> Decimal:
        return self._sum("planned")

    @property
    def committed(self) -> Decimal:
        return self._sum("committed")

    @property
    def spent(self) -> Decimal:
        return self._sum("spent")

    @property
    def total(self) -> BudgetRow:
        has_plan = any(r.planned is not None for r in self.rows)
        return BudgetRow("total", "Total", self.planned if has_plan else None, self.committed,
                         self.spent)  # fmt: skip


def campaign_budget(*, organization: Organization, campaign: Campaign) -> BudgetReport:
    """Per category: planned (BudgetLine), committed and spent (campaigns.budget's cost
    sources), in the campaign's currency."""
    planned = {
        line.category: line.planned_amount
        for line in BudgetLine.objects.for_org(organization).filter(campaign=campaign)
    }
    committed: dict[str, Decimal] = {}
    spent: dict[str, Decimal] = {}
    unallocated = budget.ZERO
    for line in budget.cost_lines(organization=organization, campaign_ids=[campaign.pk]):
        committed[line.category] = committed.get(line.category, budget.ZERO) + line.committed
        spent[line.category] = spent.get(line.category, budget.ZERO) + line.spent
        if line.collaboration_id is None:
            unallocated += line.committed
    report = BudgetReport(currency=campaign.currency, unallocated_committed=unallocated)
    for category, label in BudgetCategory.choices:
        report.rows.append(BudgetRow(
            category, label, planned.get(category), committed.get(category, budget.ZERO),
            spent.get(category, budget.ZERO),
        ))  # fmt: skip
    return report


# --- checklist -------------------------------------------------------------------------


@dataclass
class ChecklistItem:
    step: Step
    done: bool
    by_hand: bool = False
    ticked_by: Any = None
    ticked_at: Any = None


@dataclass
class Checklist:
    items: list[ChecklistItem]

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def phases(self) -> list[tuple[str, list[ChecklistItem]]]:
        return [(phase, [i for i in self.items if i.step.phase == phase]) for phase in PHASES]


def campaign_facts(*, organization: Organization, campaign: Campaign) -> CampaignFacts:
    def exists(model):
        return Exists(model.objects.for_org(organization).filter(campaign=OuterRef("pk")))

    shipments = Shipment.objects.for_org(organization).filter(
        collaboration__campaign=OuterRef("pk")
    )
    row = (
        Campaign.objects.for_org(organization)
        .filter(pk=campaign.pk)
        .annotate(
            has_kpis=exists(KpiTarget),
            has_budget=exists(BudgetLine),
            has_collaborations=exists(Collaboration),
            has_shipments=Exists(shipments),
            has_delivered=Exists(shipments.filter(status=ShipmentStatus.DELIVERED)),
            has_pitches=Exists(
                OutreachMessage.objects.for_org(organization).filter(
                    collaboration__campaign=OuterRef("pk"), kind=MessageKind.PITCH
                )
            ),
            has_brief=exists(BriefVersion),
        )
        .values(
            "has_kpis",
            "has_budget",
            "has_collaborations",
            "has_shipments",
            "has_delivered",
            "has_pitches",
            "has_brief",
            "learnings",
        )
        .get()
    )
    # From the history, not the current stages: a collaboration that was agreed and then
    # cancelled still means terms were negotiated.
    reached = frozenset(
        StageChange.objects.for_org(organization)
        .filter(collaboration__campaign=campaign)
        .order_by()  # the default ordering would join the DISTINCT and defeat it
        .values_list("to_stage", flat=True)
        .distinct()
    )
    return CampaignFacts(
        shipments=int(row["has_shipments"]),
        shipments_delivered=int(row["has_delivered"]),
        kpi_targets=int(row["has_kpis"]),
        budget_lines=int(row["has_budget"]),
        collaborations=int(row["has_collaborations"]),
        stages_reached=reached,
        has_learnings=bool(row["learnings"].strip()),
        pitches_sent=int(row["has_pitches"]),
        brief_published=row["has_brief"],
    )


def campaign_checklist(*, organization: Organization, campaign: Campaign) -> Checklist:
    facts = campaign_facts(organization=organization, campaign=campaign)
    ticks = {
        t.step: t
        for t in ChecklistTick.objects.for_org(organization)
        .filter(campaign=campaign)
        .select_related("ticked_by")
    }
    items = []
    for step in STEPS:
        if step.derive is not None:
            items.append(ChecklistItem(step, done=step.derive(facts)))
            continue
        tick = ticks.get(step.key)
        items.append(ChecklistItem(
            step, done=tick is not None, by_hand=True,
            ticked_by=tick.ticked_by if tick else None, ticked_at=tick.ticked_at if tick else None,
        ))  # fmt: skip
    return Checklist(items)
