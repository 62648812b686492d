"""The campaign dashboard's figures, read from the daily rollups only (plus the campaign,
its KPI targets and its collaborations): a fixed number of queries whatever the number
of creators, days or events. Every KPI comes from tracking.kpis.

The page (tracking.views.dashboard) and the API (tracking.api.dashboard) both call
`campaign_dashboard`, so the two never disagree."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django import forms
from django.core.paginator import Page, Paginator

from campaigns.models import Campaign, KpiTarget
from creators.models import Platform
from kolhub.models import Organization
from tracking.kpis import Kpis, Totals, kpis, target_figures, unit_of
from tracking.models import CampaignDailyRollup
from tracking.selectors.metrics import share_of_voice
from tracking.selectors.results import (
    daily_series,
    leaderboard,
    results_default_end,
    rollup_totals,
    rollup_totals_by,
    unallocated_spend,
)

# METRICS.md funnel: (stage, [(figure, label, unit)]). unique_clicks is not a count of
# distinct people over the range: each creator's link platform counts a visitor once a
# day, and the days add up (METRICS.md defines no "unique visitors"), so it reads
# "Visitor-days".
FUNNEL = (
    ("Awareness", (("reach", "Reach", "count"), ("impressions", "Impressions", "count"),
                   ("share_of_voice", "Share of voice", "percent"))),
    ("Consideration", (
        ("engagements", "Engagements", "count"), ("engagement_rate", "Engagement rate", "percent"),
        ("clicks", "Clicks", "count"), ("unique_clicks", "Visitor-days", "count"),
        ("ctr", "CTR", "percent"), ("saves", "Saves", "count"),
    )),
    ("Conversion", (
        ("conversions", "Conversions", "count"), ("conversion_rate", "Conversion rate", "percent"),
        ("leads", "Leads", "count"), ("new_customers", "New customers", "count"),
        ("code_conversions", "Promo-code orders", "count"),
        ("code_revenue", "Promo-code revenue", "money"),
    )),
    ("Return", (
        ("cost", "Cost", "money"), ("revenue", "Revenue", "money"),
        ("refunds", "Refunds", "money"), ("cpa", "CPA", "money"), ("roas", "ROAS", "ratio"),
        ("roi", "ROI", "percent"),
    )),
)  # fmt: skip

# The leaderboard sorts on the server by one of these (whitelisted: a column name from
# the query string never reaches anything but this map).
SORTS = {
    "creator": "Creator", "clicks": "Clicks", "ctr": "CTR", "conversions": "Conversions",
    "conversion_rate": "Conversion rate", "revenue": "Revenue", "cpa": "CPA",
    "roas": "ROAS", "roi": "ROI", "engagement_rate": "Engagement rate",
}  # fmt: skip


class DashboardFilterForm(forms.Form):
    """Date range, platform and leaderboard order; the page and the API validate with it."""

    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")
    platform = forms.ChoiceField(required=False, choices=[("", "All platforms"), *Platform.choices])
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))
    desc = forms.BooleanField(required=False, label="Descending")
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    MAX_DAYS = 731

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", "The end date is before the start date.")
            elif (end - start).days >= self.MAX_DAYS:
                self.add_error("date_to", f"Choose a range of at most {self.MAX_DAYS} days.")
        return data


@dataclasses.dataclass(frozen=True)
class Filters:
    date_from: datetime.date
    date_to: datetime.date
    platform: str = ""
    sort: str = "revenue"
    desc: bool = True
    page: int = 1


def dashboard_filters(*, campaign: Campaign, data: dict | None, today: datetime.date
                      ) -> tuple[Filters, DashboardFilterForm]:  # fmt: skip
    """The filters to apply and the bound form (its errors shown beside the filter). An
    invalid filter falls back to its default instead of failing the page. Default range:
    the campaign's start (or 30 days back) to today or, once the campaign has ended, the
    close of its attribution window (late orders and refunds), whichever is first."""
    form = DashboardFilterForm(data or None)
    valid = form.is_valid() if data else False
    cleaned = form.cleaned_data if valid else {}
    start = campaign.start_date or today - datetime.timedelta(days=29)
    end = results_default_end(campaign=campaign, today=today)
    if end < start:
        end = start
    filters = Filters(
        date_from=cleaned.get("date_from") or start,
        date_to=cleaned.get("date_to") or end,
        platform=cleaned.get("platform") or "",
        sort=cleaned.get("sort") or "revenue",
        desc=cleaned["desc"] if "desc" in (data or {}) and valid else (
            (cleaned.get("sort") or "revenue") != "creator"),
        page=cleaned.get("page") or 1,
    )  # fmt: skip
    if filters.date_from > filters.date_to:
        filters = dataclasses.replace(filters, date_to=filters.date_from)
    return filters, form


@dataclasses.dataclass
class TargetRow:
    target: KpiTarget
    actual: Decimal | int | None
    progress: Decimal | None
    pace: Decimal | None
    met: bool | None
    lower_is_better: bool
    unit: str


@dataclasses.dataclass
class Dashboard:
    campaign: Campaign
    filters: Filters
    kpis: Kpis
    tiles: list  # [(stage, [(key, label, unit, value)])]
    targets: list[TargetRow]
    series: list  # [(day, Kpis)]
    leaderboard: list  # [{"collaboration", "kpis"}], every creator, ranked
    board_page: Page  # the page of the leaderboard the screen shows
    # With a platform filter: what the filter leaves out because it is tied to no
    # platform (code sales of a creator on several platforms, cost, campaign spend), so
    # the page can say so instead of showing a bare "—" for CPA, ROAS and ROI.
    unassigned: Totals | None = None


# Creators per leaderboard page on screen (the API and the CSV give every row): a
# campaign with hundreds of creators stays quick to render and to read.
BOARD_PER_PAGE = 50


def _sort_key(sort: str):
    def key(row):
        if sort == "creator":
            return (0, row["collaboration"].creator.name.lower())
        return (0, row["kpis"].value(sort))

    return key


def campaign_dashboard(*, organization: Organization, campaign: Campaign, filters: Filters,
                       today: datetime.date) -> Dashboard:  # fmt: skip
    """A fixed number of queries whatever the campaign's size: the campaign's daily
    rollups (total and days in one pass), the creators' running totals, unallocated
    campaign spend, the targets, the leaderboard's collaborations and share of voice's
    four."""
    scope = {"date_from": filters.date_from, "date_to": filters.date_to,
             "platform": filters.platform or None}  # fmt: skip
    # The total and the days from the campaign's daily rows (a few per day), the creators
    # from their running totals (two rows per series, in leaderboard below).
    grouped = rollup_totals_by(organization=organization, campaign_ids=[campaign.pk],
                               groupings=[None, "day"], model=CampaignDailyRollup,
                               **scope)  # fmt: skip
    totals = grouped[None][None]
    spend = unallocated_spend(organization=organization, campaign_ids=[campaign.pk],
                              date_from=filters.date_from, date_to=filters.date_to)  # fmt: skip
    unassigned = None
    if filters.platform:
        # Campaign-wide spend, and what else is tied to no platform, is said apart.
        unassigned = rollup_totals(
            organization=organization, group_by="platform", campaign_ids=[campaign.pk],
            date_from=filters.date_from, date_to=filters.date_to, model=CampaignDailyRollup,
        ).get("", Totals())  # fmt: skip
        unassigned.cost += sum(spend.values(), Decimal("0"))
    else:
        for day, amount in spend.items():
            totals.cost += amount
            grouped["day"].setdefault(day, Totals()).cost += amount
    figures = kpis(totals, objective=campaign.objective)
    # Share of voice is counted in the campaign's published captions and transcripts
    # (tracking.selectors.metrics), not summed from rollups; four queries.
    voice = share_of_voice(organization=organization, campaign=campaign,
                           since=filters.date_from, until=filters.date_to)  # fmt: skip

    def value_of(key: str):
        return voice.share if key == "share_of_voice" else figures.value(key)

    def label_of(key: str, label: str) -> str:
        # METRICS.md: a rate divided by followers (reach unknown) is labelled so.
        rate_label = figures.engagement_rate_label if key == "engagement_rate" else ""
        return f"{label} ({rate_label})" if rate_label else label

    tiles = [
        (stage, [(key, label_of(key, label), unit, value_of(key)) for key, label, unit in rows])
        for stage, rows in FUNNEL
    ]
    targets = []
    total_days = elapsed = 0
    if campaign.start_date and campaign.end_date:
        total_days = (campaign.end_date - campaign.start_date).days + 1
        elapsed = (today - campaign.start_date).days + 1
    for target in KpiTarget.objects.for_org(organization).filter(campaign=campaign):
        actual = value_of(target.metric)
        status = target_figures(target.metric, actual, target.target_value,
                                elapsed_days=elapsed, total_days=total_days)  # fmt: skip
        targets.append(TargetRow(target=target, actual=actual, unit=unit_of(target.metric),
                                 **dataclasses.asdict(status)))  # fmt: skip
    series = [
        (day, kpis(day_totals, objective=campaign.objective))
        for day, day_totals in daily_series(
            organization=organization, campaign_ids=[campaign.pk], date_from=filters.date_from,
            date_to=filters.date_to, platform=filters.platform or None, by_day=grouped["day"],
        )
    ]  # fmt: skip
    board = leaderboard(organization=organization, campaign=campaign, **scope)

    def defined(row) -> bool:
        return filters.sort == "creator" or row["kpis"].value(filters.sort) is not None

    # Undefined ratios ("—") go last whichever the direction.
    ranked = sorted((r for r in board if defined(r)), key=_sort_key(filters.sort),
                    reverse=filters.desc) + [r for r in board if not defined(r)]  # fmt: skip
    board_page = Paginator(ranked, BOARD_PER_PAGE).get_page(filters.page)
    return Dashboard(campaign=campaign, filters=filters, kpis=figures, tiles=tiles,
                     targets=targets, series=series, leaderboard=ranked,
                     board_page=board_page, unassigned=unassigned)  # fmt: skip
