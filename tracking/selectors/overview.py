"""The organization overview: one row per campaign with the headline KPIs its objective
picks, and totals. Reads the daily rollups through tracking.selectors.results (two
queries, whatever the number of campaigns) and computes every figure with tracking.kpis.

Campaigns keep their own currency, so the overview's totals are per currency: KOL Hub
keeps no exchange rates and never adds euros to dollars."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from campaigns.models import Campaign, CampaignStatus, Objective
from kolhub.models import Organization
from tracking.kpis import Kpis, Totals, headline, kpis
from tracking.selectors.results import campaign_totals


@dataclass(frozen=True)
class OverviewRow:
    campaign: Campaign
    kpis: Kpis
    headline: list[dict]


@dataclass(frozen=True)
class Overview:
    rows: list[OverviewRow]
    # {currency: Kpis over every campaign in that currency}; counts are in each of them.
    totals: dict[str, Kpis] = field(default_factory=dict)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def campaign_overview(
    *,
    organization: Organization,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    status: str = "",
) -> Overview:
    campaigns = Campaign.objects.for_org(organization).order_by("-created_at", "-id")
    if status:
        campaigns = campaigns.filter(status=status)
    else:
        # Archived campaigns are put away; the overview shows them only when asked.
        campaigns = campaigns.exclude(status=CampaignStatus.ARCHIVED)
    campaigns = list(campaigns)
    totals = campaign_totals(
        organization=organization, campaign_ids=[c.pk for c in campaigns],
        date_from=date_from, date_to=date_to,
    )  # fmt: skip
    rows = []
    by_currency: dict[str, Totals] = {}
    for campaign in campaigns:
        figures = kpis(totals.get(campaign.pk, Totals()), objective=campaign.objective)
        rows.append(OverviewRow(
            campaign=campaign, kpis=figures,
            headline=headline(figures, campaign.headline_metrics, campaign.currency),
        ))  # fmt: skip
        by_currency[campaign.currency] = by_currency.get(campaign.currency, Totals()) + (
            figures.totals
        )
    return Overview(
        rows=rows,
        # Conversions in a total are orders (a sales reading); leads are shown apart.
        totals={cur: kpis(t, objective=Objective.SALES) for cur, t in sorted(by_currency.items())},
        date_from=date_from,
        date_to=date_to,
    )
