"""Reads of campaign expenses: a campaign's list (newest first), one expense, and the
queryset the API filters. The budget's figures come from campaigns.budget, which reads
the same table."""

from __future__ import annotations

from django.db.models import QuerySet

from campaigns.models import Campaign, CampaignExpense, Collaboration
from kolhub.models import Organization


def expense_queryset(*, organization: Organization) -> QuerySet[CampaignExpense]:
    """Expenses with what their rows show: the campaign and the creator they name."""
    return CampaignExpense.objects.for_org(organization).select_related(
        "campaign", "collaboration__creator", "created_by"
    )


def expense_list(*, organization: Organization, campaign: Campaign) -> QuerySet[CampaignExpense]:
    return expense_queryset(organization=organization).filter(campaign=campaign)


def expense_get(
    *, organization: Organization, expense_id: int, campaign: Campaign | None = None
) -> CampaignExpense:
    queryset = expense_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.get(pk=expense_id)


def expense_collaborations(
    *, organization: Organization, campaign: Campaign
) -> QuerySet[Collaboration]:
    """The creators an expense of this campaign can name: its collaborations, by name."""
    return (
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign)
        .select_related("creator")
        .order_by("creator__name", "id")
    )
