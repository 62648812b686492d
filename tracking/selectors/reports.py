"""What a campaign's PDF report prints, and the reports a campaign has. Figures come from
the daily rollups (tracking.selectors.results) and tracking.kpis, exactly as the
dashboard computes them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.selectors import organization_today
from kolhub.models import Organization
from tracking.kpis import Kpis, Totals, headline, kpis
from tracking.models import CampaignReport
from tracking.selectors.results import (
    campaign_totals,
    daily_series,
    leaderboard,
    results_default_end,
)

MAX_DAYS = 366
DEFAULT_DAYS = 30


def report_range(
    organization: Organization,
    campaign: Campaign,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
) -> tuple[datetime.date, datetime.date]:
    """The range a report covers: what was asked, else the campaign's start (or the last
    30 days; at most the last MAX_DAYS) to today or the close of its attribution window,
    whichever is first."""
    today = organization_today(organization)
    if date_to is None:
        date_to = results_default_end(campaign=campaign, today=today)
    if date_from is None:
        date_from = campaign.start_date or date_to - datetime.timedelta(days=DEFAULT_DAYS - 1)
        # A default never breaks the limit below: a long campaign's report defaults to
        # its last MAX_DAYS days (a range asked for explicitly is still refused).
        date_from = max(date_from, date_to - datetime.timedelta(days=MAX_DAYS - 1))
        date_from = min(date_from, date_to)
    if date_to < date_from:
        raise ValidationError({"date_to": "The end date is before the start date."})
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationError({"date_from": f"A report covers at most {MAX_DAYS} days."})
    return date_from, date_to


@dataclass(frozen=True)
class ReportData:
    organization_name: str
    campaign: Campaign
    date_from: datetime.date
    date_to: datetime.date
    kpis: Kpis
    headline: list[dict]
    series: list[tuple[datetime.date, Totals]]
    leaderboard: list[dict]
    generated_at: datetime.datetime


def campaign_report_queryset(*, organization: Organization) -> QuerySet[CampaignReport]:
    return CampaignReport.objects.for_org(organization).select_related("campaign")


def campaign_report_get(
    *, organization: Organization, report_id: int, campaign: Campaign | None = None
) -> CampaignReport:
    queryset = campaign_report_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.get(pk=report_id)


def campaign_report_list(*, organization: Organization, campaign: Campaign) -> list[CampaignReport]:
    return list(campaign_report_queryset(organization=organization).filter(campaign=campaign)[:10])


def campaign_report_data(
    *,
    organization: Organization,
    campaign: Campaign,
    date_from: datetime.date,
    date_to: datetime.date,
) -> ReportData:
    totals = campaign_totals(
        organization=organization, campaign_ids=[campaign.pk], date_from=date_from,
        date_to=date_to,
    ).get(campaign.pk, Totals())  # fmt: skip
    figures = kpis(totals, objective=campaign.objective)
    return ReportData(
        organization_name=organization.name,
        campaign=campaign,
        date_from=date_from,
        date_to=date_to,
        kpis=figures,
        headline=headline(figures, campaign.headline_metrics, campaign.currency),
        series=daily_series(
            organization=organization,
            campaign_ids=[campaign.pk],
            date_from=date_from,
            date_to=date_to,
        ),  # fmt: skip
        leaderboard=leaderboard(
            organization=organization, campaign=campaign, date_from=date_from, date_to=date_to
        ),  # fmt: skip
        generated_at=timezone.now(),
    )
