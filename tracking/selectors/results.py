"""Results read from the daily rollups, never from raw events: one grouped query per call.

`rollup_totals` sums DailyRollup rows for a scope (an organization, campaigns, a
collaboration, a creator) over a date range and platform, optionally grouped by
collaboration, campaign, day or platform, into tracking.kpis.Totals. Money in the
campaign's currency lands in the Totals' money fields; other currencies go to
`other_revenue` (see tracking.kpis)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, Q, Sum

from campaigns.models import Collaboration
from kolhub.models import Organization
from tracking.kpis import COUNTS, MONEYS, Totals, kpis
from tracking.models import DailyRollup

GROUPS = {
    "collaboration": "collaboration_id",
    "campaign": "campaign_id",
    "day": "day",
    "platform": "platform",
    "creator": "collaboration__creator_id",
}


def rollup_rows(
    *,
    organization: Organization,
    campaign_ids: Iterable[int] | None = None,
    collaboration_ids: Iterable[int] | None = None,
    creator_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    platform: str | None = None,
):
    queryset = DailyRollup.objects.for_org(organization)
    if campaign_ids is not None:
        queryset = queryset.filter(campaign_id__in=list(campaign_ids))
    if collaboration_ids is not None:
        queryset = queryset.filter(collaboration_id__in=list(collaboration_ids))
    if creator_id is not None:
        queryset = queryset.filter(collaboration__creator_id=creator_id)
    if date_from is not None:
        queryset = queryset.filter(day__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(day__lte=date_to)
    if platform:
        queryset = queryset.filter(platform=platform)
    return queryset


def rollup_totals(
    *,
    organization: Organization,
    group_by: str | None = None,
    campaign_ids: Iterable[int] | None = None,
    collaboration_ids: Iterable[int] | None = None,
    creator_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    platform: str | None = None,
) -> dict:
    """{group key: Totals}; the key is None when group_by is None. Rows whose money is in
    a currency other than their campaign's add to `other_revenue` only."""
    queryset = rollup_rows(
        organization=organization, campaign_ids=campaign_ids,
        collaboration_ids=collaboration_ids, creator_id=creator_id, date_from=date_from,
        date_to=date_to, platform=platform,
    )  # fmt: skip
    keys = [GROUPS[group_by]] if group_by else []
    # "" is a row without money (clicks, metrics); the campaign's currency or "" count in
    # full; any other currency contributes its revenue to other_revenue only.
    home = Q(currency="") | Q(currency=F("campaign__currency"))
    rows = (
        queryset.annotate(home=home)
        .values(*keys, "home", "currency")
        .annotate(**{f"s_{f}": Sum(f) for f in (*COUNTS, *MONEYS)})
        .order_by()
    )
    result: dict = {}
    for row in rows:
        key = row[keys[0]] if keys else None
        totals = result.setdefault(key, Totals())
        if row["home"]:
            for field in (*COUNTS, *MONEYS):
                setattr(totals, field, getattr(totals, field) + (row[f"s_{field}"] or 0))
        else:
            # Counts are currency-free and still count; money stays in its currency.
            for field in COUNTS:
                setattr(totals, field, getattr(totals, field) + (row[f"s_{field}"] or 0))
            amount = row["s_revenue"] or Decimal("0")
            totals.other_revenue[row["currency"]] = (
                totals.other_revenue.get(row["currency"], Decimal("0")) + amount
            )
    if not keys and None not in result:
        result[None] = Totals()
    return result


def leaderboard(
    *,
    organization: Organization,
    campaign,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    platform: str | None = None,
) -> list[dict]:
    """One row per collaboration of the campaign (every one, with or without results):
    {"collaboration": Collaboration (creator loaded), "kpis": Kpis}. Two queries."""

    collaborations = (
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign)
        .select_related("creator")
        .order_by("creator__name", "id")
    )
    totals = rollup_totals(
        organization=organization, group_by="collaboration", campaign_ids=[campaign.pk],
        date_from=date_from, date_to=date_to, platform=platform,
    )  # fmt: skip
    return [
        {"collaboration": c, "kpis": kpis(totals.get(c.pk, Totals()), objective=campaign.objective)}
        for c in collaborations
    ]


def daily_series(
    *,
    organization: Organization,
    campaign_ids: Iterable[int],
    date_from: datetime.date,
    date_to: datetime.date,
    platform: str | None = None,
    collaboration_ids: Iterable[int] | None = None,
) -> list[tuple[datetime.date, Totals]]:
    """Every day of the range in order, with zeros on days without rows. One query."""
    by_day = rollup_totals(
        organization=organization, group_by="day", campaign_ids=campaign_ids,
        collaboration_ids=collaboration_ids, date_from=date_from, date_to=date_to,
        platform=platform,
    )  # fmt: skip
    days = (date_to - date_from).days + 1
    return [
        (day, by_day.get(day, Totals()))
        for day in (date_from + datetime.timedelta(days=n) for n in range(max(days, 0)))
    ]


def campaign_totals(
    *,
    organization: Organization,
    campaign_ids: Iterable[int] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    platform: str | None = None,
) -> dict[int, Totals]:
    """{campaign id: Totals} for the organization overview: one grouped query, whatever
    the number of campaigns. Each campaign's money is in its own currency."""
    by_campaign = rollup_totals(
        organization=organization, group_by="campaign", campaign_ids=campaign_ids,
        date_from=date_from, date_to=date_to, platform=platform,
    )  # fmt: skip
    by_campaign.pop(None, None)
    return by_campaign


def creator_totals(
    *,
    organization: Organization,
    creator_id: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[int, Totals]:
    """{collaboration id: Totals} of one creator's collaborations: one grouped query."""
    by_collaboration = rollup_totals(
        organization=organization, group_by="collaboration", creator_id=creator_id,
        date_from=date_from, date_to=date_to,
    )  # fmt: skip
    by_collaboration.pop(None, None)
    return by_collaboration
