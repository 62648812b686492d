"""Reads for the Tracking home (/o/<org>/tracking/) and the organization's conversions
list: where conversions come from (stores, the postback, CSV imports), each live
campaign with its headline clicks, conversions and revenue, and the newest conversions
with the credit standing on them.

Campaign figures come from the daily rollups (one grouped query) and read through
tracking.kpis; conversion rows read the ledger (tracking.selectors.ledger), so a row and
its "why this credit" page never disagree. Every read is scoped to the organization and
costs a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import Campaign, CampaignStatus
from kolhub.models import Organization
from tracking.kpis import Totals, display, kpis
from tracking.models import (
    ConnectionStatus,
    Conversion,
    OrderImport,
    PostbackCredential,
    StoreConnection,
)
from tracking.selectors.ledger import conversion_list
from tracking.selectors.results import rollup_totals
from tracking.selectors.stores import store_connection_queryset

RECENT_CONVERSIONS = 25
RECENT_IMPORTS = 3


@dataclass(frozen=True)
class CampaignHeadline:
    campaign: Campaign
    clicks: str
    conversions: str
    revenue: str
    # Revenue booked in currencies other than the campaign's, never converted:
    # ["20.00 EUR", ...] (tracking.kpis keeps it apart).
    other_revenue: list[str]


@dataclass(frozen=True)
class TrackingHome:
    stores: list[StoreConnection]
    postback: PostbackCredential | None
    imports: list[OrderImport]
    campaigns: list[CampaignHeadline]
    conversions: list[Conversion]


def campaign_choice_list(*, organization: Organization) -> list[Campaign]:
    """Every campaign, archived ones too: a conversion may be credited to any of them, so
    the filter offers them all and the list names the credit's campaign from here."""
    return list(
        Campaign.objects.for_org(organization)
        .only("id", "name", "status", "currency", "objective")
        .order_by("name", "id")
    )


def campaign_headline_list(*, organization: Organization) -> list[CampaignHeadline]:
    """Non-archived campaigns, newest first, with clicks, conversions (leads for a
    lead-generation campaign, METRICS.md) and revenue to date. Two queries."""
    campaigns = list(
        Campaign.objects.for_org(organization)
        .exclude(status=CampaignStatus.ARCHIVED)
        .only("id", "name", "status", "currency", "objective", "created_at")
        .order_by("-created_at", "-id")
    )
    totals = rollup_totals(
        organization=organization, group_by="campaign", campaign_ids=[c.pk for c in campaigns]
    )
    rows = []
    for campaign in campaigns:
        figures = kpis(totals.get(campaign.pk, Totals()), objective=campaign.objective)
        rows.append(
            CampaignHeadline(
                campaign=campaign,
                clicks=display(figures.totals.clicks),
                conversions=display(figures.conversions),
                revenue=display(figures.totals.revenue, "money", campaign.currency),
                other_revenue=[
                    display(amount, "money", currency)
                    for currency, amount in sorted(figures.totals.other_revenue.items())
                ],
            )
        )
    return rows


def tracking_home(*, organization: Organization) -> TrackingHome:
    """Everything the Tracking home shows, in seven queries."""
    return TrackingHome(
        # A disconnected store brings nothing in any more; its orders stay in the list.
        stores=list(
            store_connection_queryset(organization=organization)
            .exclude(status=ConnectionStatus.DISCONNECTED)
            .order_by("shop_domain")
        ),
        postback=PostbackCredential.objects.for_org(organization).first(),
        imports=list(
            OrderImport.objects.for_org(organization).order_by("-created_at", "-id")[
                :RECENT_IMPORTS
            ]
        ),
        campaigns=campaign_headline_list(organization=organization),
        conversions=list(conversion_list(organization=organization)[:RECENT_CONVERSIONS]),
    )
