"""Reads for the pipeline board, the collaboration list and page, the API and the
creators pages' campaign panel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from campaigns import budget, pipeline
from campaigns.filters import CollaborationFilterSet
from campaigns.models import (
    Campaign,
    Collaboration,
    StageChange,
)
from campaigns.pipeline import ORDER, Stage
from campaigns.selectors.campaigns import campaign_target
from creators import scoring
from creators.models import Creator
from kolhub.models import Organization

# Creator columns the board and the list show (and the fit score reads); not the search
# vector or the notes.
CREATOR_FIELDS = [
    "name", "photo_url", "role", "profession", "credentials", "credential_status",
    "years_experience", "country", "followers", "engagement_rate", "platforms", "handles",
    "audience_countries", "audience_ages", "audience_gender", "audience_interests",
    "credibility", "sponsored_ratio", "brands_mentioned", "rate_currency", "min_rate",
    "status",
]  # fmt: skip
PERSON_FIELDS = ["email", "first_name", "last_name"]


def collaboration_queryset(*, organization: Organization) -> QuerySet[Collaboration]:
    return (
        Collaboration.objects.for_org(organization)
        .select_related("creator", "owner", "campaign")
        .only(
            "id",
            "organization_id",
            "campaign_id",
            "creator_id",
            "stage",
            "stage_changed_at",
            "owner_id",
            "added_by_id",
            "terms_id",
            "created_at",
            "updated_at",
            "campaign__id",
            "campaign__name",
            "campaign__currency",
            "campaign__status",
            *[f"creator__{f}" for f in ["id", *CREATOR_FIELDS]],
            *[f"owner__{f}" for f in ["id", *PERSON_FIELDS]],
        )
    )


def _decorate(organization: Organization, campaign: Campaign, rows: list[Collaboration]) -> None:
    """Attach each row's fit against the campaign's target, its committed cost and the
    stages it may move to next (all without further queries but the cost sources)."""
    target = campaign_target(campaign)
    lines = budget.cost_lines(organization=organization, campaign_ids=[campaign.pk])
    committed = budget.committed_by_collaboration(lines)
    for row in rows:
        row.fit = scoring.scorecard(row.creator, target).fit
        row.committed = committed.get(row.pk, budget.ZERO)
        row.next_stages = [(s, pipeline.label(s)) for s in pipeline.next_stages(row.stage)]


@dataclass
class BoardColumn:
    stage: str
    label: str
    cards: list[Collaboration]
    committed: Decimal

    @property
    def count(self) -> int:
        return len(self.cards)

    @property
    def final(self) -> bool:
        return self.stage in pipeline.FINAL or self.stage == Stage.DECLINED


def pipeline_board(*, organization: Organization, campaign: Campaign) -> list[BoardColumn]:
    """One column per stage (every stage, empty ones too, so a card can be dropped there),
    each with its cards, count and committed cost."""
    rows = list(
        collaboration_queryset(organization=organization)
        .filter(campaign=campaign)
        .order_by("-stage_changed_at", "-id")
    )
    _decorate(organization, campaign, rows)
    by_stage: dict[str, list[Collaboration]] = {stage: [] for stage in ORDER}
    for row in rows:
        by_stage.setdefault(row.stage, []).append(row)
    return [
        BoardColumn(stage, pipeline.label(stage), cards,
                    sum((c.committed for c in cards), budget.ZERO))
        for stage, cards in by_stage.items()
    ]  # fmt: skip


def collaboration_search(
    *, organization: Organization, campaign: Campaign, params: Mapping[str, Any]
) -> CollaborationFilterSet:
    """The campaign's collaboration list, filtered (stage, owner, creator role, text);
    `.qs` is the rows, `.form` carries any errors."""
    queryset = (
        collaboration_queryset(organization=organization)
        .filter(campaign=campaign)
        .order_by("creator__name", "id")
    )
    return CollaborationFilterSet(data=params, queryset=queryset)


def collaboration_rows(
    *, organization: Organization, campaign: Campaign, filterset: CollaborationFilterSet
) -> list[Collaboration]:
    rows = list(filterset.qs)
    _decorate(organization, campaign, rows)
    return rows


def collaboration_get(
    *, organization: Organization, collaboration_id: int, campaign: Campaign | None = None
) -> Collaboration:
    queryset = collaboration_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.get(pk=collaboration_id)


def stage_history(
    *, organization: Organization, collaboration: Collaboration
) -> QuerySet[StageChange]:
    return (
        StageChange.objects.for_org(organization)
        .filter(collaboration=collaboration)
        .select_related("by")
        .order_by("at", "id")
    )


def creator_exists(*, organization: Organization, creator_id: int) -> bool:
    return Creator.objects.for_org(organization).filter(pk=creator_id).exists()


def creator_collaborations(*, organization: Organization, creator_id: int) -> QuerySet:
    """The campaigns a creator is in, for the creator page's campaign panel."""
    return (
        Collaboration.objects.for_org(organization)
        .filter(creator_id=creator_id)
        .select_related("campaign")
        .only(
            "id", "stage", "campaign_id", "campaign__id", "campaign__name", "campaign__status"
        )  # fmt: skip
        .order_by("-stage_changed_at")
    )
