"""Results read from the daily rollups, never from raw events: one grouped query per call.

`rollup_totals` sums DailyRollup rows for a scope (an organization, campaigns, a
collaboration, a creator) over a date range and platform, optionally grouped by
collaboration, campaign, day or platform, into tracking.kpis.Totals. Money in the
campaign's currency lands in the Totals' money fields; other currencies go to
`other_revenue` (see tracking.kpis)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q, Sum

from campaigns.models import Campaign, CampaignExpense, Collaboration
from kolhub.models import Organization
from tracking.kpis import COUNTS, MONEYS, Totals, kpis
from tracking.models import CampaignDailyRollup, DailyRollup, RunningTotal

GROUPS = {
    "collaboration": "collaboration_id",
    "campaign": "campaign_id",
    "day": "day",
    "platform": "platform",
    "creator": "collaboration__creator_id",
}


def results_default_end(*, campaign: Campaign, today: datetime.date) -> datetime.date:
    """The last day a campaign's results default to: today, or for a finished campaign the
    day its attribution window closes (tracking.services.attribution credits orders and
    books refunds until end_date + attribution_window_days), whichever is first."""
    if campaign.end_date is None:
        return today
    window = datetime.timedelta(days=campaign.attribution_window_days)
    return min(campaign.end_date + window, today)


def rollup_rows(
    *,
    organization: Organization,
    campaign_ids: Iterable[int] | None = None,
    collaboration_ids: Iterable[int] | None = None,
    creator_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    platform: str | None = None,
    model: type[DailyRollup | CampaignDailyRollup] = DailyRollup,
):
    """`model`'s rows in a scope: DailyRollup (per collaboration), or CampaignDailyRollup
    (per campaign: faster, without the collaboration and creator filters)."""
    queryset = model.objects.for_org(organization)
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


def rollup_totals(*, organization: Organization, group_by: str | None = None, **scope) -> dict:
    """{group key: Totals} for one grouping (None: a single total under the key None).
    One query; `scope` takes rollup_rows' filters."""
    return rollup_totals_by(organization=organization, groupings=[group_by], **scope)[group_by]


def rollup_totals_by(
    *, organization: Organization, groupings: Sequence[str | None], **scope
) -> dict[str | None, dict]:
    """Several groupings of the same rows in ONE pass (GROUPING SETS), e.g. the
    dashboard's total, its days and its creators: {grouping: {group key: Totals}}.

    Rows whose money is in a currency other than their campaign's add to the counts and
    to `other_revenue` only (tracking.kpis)."""
    aliases = {g: f"g_{g}" for g in groupings if g}
    rows = rollup_rows(organization=organization, **scope).annotate(
        # "" is a row without money (clicks, metrics); it counts in full, like the
        # campaign's own currency.
        home=Q(currency="") | Q(currency=F("campaign__currency")),
        **{alias: F(GROUPS[g]) for g, alias in aliases.items()},
    )
    result: dict[str | None, dict] = {g: {} for g in groupings}
    if None in result:
        result[None][None] = Totals()
    columns = rows.values(*aliases.values(), "home", "currency", *COUNTS, *MONEYS)
    try:
        sql, params = columns.query.sql_with_params()
    except EmptyResultSet:  # e.g. campaign_ids=[]: nothing to read
        return result
    sets = ", ".join(
        "(" + ", ".join([*([aliases[g]] if g else []), "home", "currency"]) + ")" for g in groupings
    )
    flags = [f"GROUPING({alias})" for alias in aliases.values()]
    # SUM of a bigint is numeric in PostgreSQL: counts come back as whole numbers.
    sums = [f"SUM({field})::bigint" for field in COUNTS] + [f"SUM({field})" for field in MONEYS]
    # Every name spliced in comes from GROUPS, COUNTS and MONEYS (fixed in code); values
    # travel as parameters of the ORM's own query.
    statement = (
        f"SELECT {', '.join([*flags, *aliases.values(), 'home', 'currency', *sums])} "
        f"FROM ({sql}) AS scoped GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        fetched = cursor.fetchall()
    names = list(aliases)
    for row in fetched:
        grouped = [g for g, flag in zip(names, row[: len(names)], strict=True) if flag == 0]
        grouping = grouped[0] if grouped else None
        key = row[len(names) + names.index(grouping)] if grouping else None
        home, currency = row[2 * len(names)], row[2 * len(names) + 1]
        figures = dict(zip((*COUNTS, *MONEYS), row[2 * len(names) + 2 :], strict=True))
        _add(result[grouping].setdefault(key, Totals()), figures, home=home, currency=currency)
    return result


def _add(totals: Totals, figures: dict, *, home: bool, currency: str) -> None:
    for field in COUNTS:
        setattr(totals, field, getattr(totals, field) + (figures[field] or 0))
    if home:
        for field in MONEYS:
            setattr(totals, field, getattr(totals, field) + (figures[field] or 0))
    else:
        # Money stays in its currency: never converted silently.
        amount = figures["revenue"] or Decimal("0")
        totals.other_revenue[currency] = totals.other_revenue.get(currency, Decimal("0")) + amount


# The campaign's series (collaboration, platform, currency) and, for each, the last
# running total on or before the range's end (hi) and the last before its start (lo):
# hi - lo is the range's figures. Two index probes per series, whatever the range.
_RANGE_TOTALS = """
SELECT k.collaboration_id, k.currency, {figures}
FROM (
    SELECT co.id AS collaboration_id, g.platform, g.currency
    FROM {collaboration} co
    CROSS JOIN (SELECT DISTINCT platform, currency FROM {campaign_rollup}
                WHERE organization_id = %(org)s AND campaign_id = %(campaign)s
                  AND (%(platform)s = '' OR platform = %(platform)s)) g
    WHERE co.organization_id = %(org)s AND co.campaign_id = %(campaign)s
) k
JOIN LATERAL (
    SELECT * FROM {running} r
    WHERE r.organization_id = %(org)s AND r.collaboration_id = k.collaboration_id
      AND r.platform = k.platform AND r.currency = k.currency AND r.day <= %(to)s
    ORDER BY r.day DESC LIMIT 1
) hi ON true
LEFT JOIN LATERAL (
    SELECT * FROM {running} r
    WHERE r.organization_id = %(org)s AND r.collaboration_id = k.collaboration_id
      AND r.platform = k.platform AND r.currency = k.currency AND r.day < %(from)s
    ORDER BY r.day DESC LIMIT 1
) lo ON true
""".format(
    figures=", ".join(f"hi.{f} - coalesce(lo.{f}, 0)" for f in (*COUNTS, *MONEYS)),
    collaboration=Collaboration._meta.db_table,
    campaign_rollup=CampaignDailyRollup._meta.db_table,
    running=RunningTotal._meta.db_table,
)


def collaboration_range_totals(
    *,
    organization: Organization,
    campaign,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    platform: str | None = None,
) -> dict[int, Totals]:
    """{collaboration id: Totals} of a campaign over a date range, from the running totals:
    one query reading two rows per series, equal to rollup_totals(group_by="collaboration")
    over the same range."""
    params = {
        "org": organization.pk, "campaign": campaign.pk, "platform": platform or "",
        "from": date_from or datetime.date.min, "to": date_to or datetime.date.max,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_RANGE_TOTALS, params)
        fetched = cursor.fetchall()
    result: dict[int, Totals] = {}
    for collaboration_id, currency, *values in fetched:
        figures = dict(zip((*COUNTS, *MONEYS), values, strict=True))
        if not any(figures.values()):
            continue  # nothing in the range
        home = currency in ("", campaign.currency)
        _add(result.setdefault(collaboration_id, Totals()), figures, home=home, currency=currency)
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
    {"collaboration": Collaboration (creator's name loaded), "kpis": Kpis}. Two queries:
    the collaborations, and their figures from the running totals."""

    collaborations = (
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign)
        .select_related("creator")
        # What the leaderboard's readers show (page, API, CSV, PDF): a creator's whole
        # profile is a wide row, and a campaign can have hundreds.
        .only("id", "organization_id", "campaign_id", "stage", "creator__id",
              "creator__organization_id", "creator__name")
        .order_by("creator__name", "id")
    )  # fmt: skip
    totals = collaboration_range_totals(
        organization=organization,
        campaign=campaign,
        date_from=date_from,
        date_to=date_to,
        platform=platform,
    )
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
    by_day: dict | None = None,
) -> list[tuple[datetime.date, Totals]]:
    """Every day of the range in order, with zeros on days without rows. One query, none
    when `by_day` (from rollup_totals_by) is given."""
    if by_day is None:
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
    """{campaign id: Totals} for the organization overview, unallocated campaign spend
    included in the cost: two queries, whatever the number of campaigns. Each campaign's
    money is in its own currency."""
    by_campaign = rollup_totals(
        organization=organization, group_by="campaign", campaign_ids=campaign_ids,
        date_from=date_from, date_to=date_to, platform=platform, model=CampaignDailyRollup,
    )  # fmt: skip
    by_campaign.pop(None, None)
    if not platform:  # campaign-wide spend has no platform
        for campaign_id, amount in unallocated_spend(
            organization=organization, campaign_ids=by_campaign.keys() if campaign_ids is None
            else campaign_ids, date_from=date_from, date_to=date_to, by="campaign_id",
        ).items():  # fmt: skip
            by_campaign.setdefault(campaign_id, Totals()).cost += amount
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


def unallocated_spend(
    *,
    organization: Organization,
    campaign_ids: Iterable[int],
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    by: str = "incurred_on",
) -> dict:
    """Campaign spend allocated to no creator, by day (`by="incurred_on"`) or by campaign
    (`by="campaign_id"`) (METRICS.md: campaign cost = the collaborations' costs plus
    unallocated campaign spend). Rollup rows belong to a collaboration, so this small
    table is read as it is: one query."""
    expenses = CampaignExpense.objects.for_org(organization).filter(
        campaign_id__in=list(campaign_ids), collaboration__isnull=True
    )
    if date_from is not None:
        expenses = expenses.filter(incurred_on__gte=date_from)
    if date_to is not None:
        expenses = expenses.filter(incurred_on__lte=date_to)
    rows = expenses.values(by).annotate(total=Sum("amount")).order_by()
    return {row[by]: row["total"] for row in rows}
