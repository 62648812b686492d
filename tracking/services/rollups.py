"""Daily rollups: marking the days whose raw events changed.

Every service that writes a raw event the dashboards count (a click flush, a lead, an
attribution entry, a metric snapshot, a cost) calls `rollups_mark_dirty` inside its own
transaction, so a committed event always leaves its day marked and a rolled-back one
leaves nothing. The rollup worker recomputes the marked days (see tracking.models.rollups).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import (
    Campaign,
    CampaignExpense,
    Collaboration,
    ContentDeliverable,
    LivePost,
    Offer,
    PaymentItem,
    Shipment,
    ShipmentItem,
)
from kolhub.models import Organization
from tracking.models import (
    COUNT_FIELDS,
    MONEY_FIELDS,
    AttributionEntry,
    CampaignDailyRollup,
    Click,
    ContentMetricSnapshot,
    Conversion,
    ConversionSource,
    DailyRollup,
    Lead,
    PostFollowers,
    RollupCostWatermark,
    RollupDirtyDay,
    RunningTotal,
    TrackingLink,
)


def rollup_day(organization: Organization, moment: datetime.datetime) -> datetime.date:
    """The day an event counts on: its date in the organization's timezone."""
    return moment.astimezone(ZoneInfo(organization.timezone)).date()


def rollups_mark_dirty(
    *, organization: Organization, touches: Iterable[tuple[int, datetime.datetime]]
) -> int:
    """Mark (collaboration id, event time) pairs' days for recomputation. Returns the
    number of distinct days marked."""
    days = {(collaboration_id, rollup_day(organization, at)) for collaboration_id, at in touches}
    if not days:
        return 0
    RollupDirtyDay.objects.bulk_create(
        [
            RollupDirtyDay(organization=organization, collaboration_id=cid, day=day)
            for cid, day in sorted(days)
        ],
        update_conflicts=True,
        unique_fields=["organization", "collaboration", "day"],
        update_fields=["marked_at"],
    )
    return len(days)


# --- the rollup worker -------------------------------------------------------------
#
# Recompute marked (collaboration, day) pairs from the raw events and replace their
# DailyRollup rows. Every figure is recomputed whole, so a rerun writes the same rows.
# Table names come from the models, so a renamed table breaks loudly here, not silently.

_T = {
    "click": Click._meta.db_table,
    "link": TrackingLink._meta.db_table,
    "lead": Lead._meta.db_table,
    "entry": AttributionEntry._meta.db_table,
    "conversion": Conversion._meta.db_table,
    "snapshot": ContentMetricSnapshot._meta.db_table,
    "followers": PostFollowers._meta.db_table,
    "post": LivePost._meta.db_table,
    "deliverable": ContentDeliverable._meta.db_table,
    "collaboration": Collaboration._meta.db_table,
    "campaign": Campaign._meta.db_table,
    "offer": Offer._meta.db_table,
    "payment": PaymentItem._meta.db_table,
    "shipment": Shipment._meta.db_table,
    "shipment_item": ShipmentItem._meta.db_table,
    "expense": CampaignExpense._meta.db_table,
    "rollup": DailyRollup._meta.db_table,
    "campaign_rollup": CampaignDailyRollup._meta.db_table,
    "running": RunningTotal._meta.db_table,
    "dirty": RollupDirtyDay._meta.db_table,
    "organization": Organization._meta.db_table,
}

# METRICS.md "Cost", one row per booked amount: (collaboration_id, day, amount) in the
# campaign's currency, each booked on the day it was committed (in the organization's
# timezone). Fee: the accepted offer's fee on the day it was accepted; commissions: the
# commission line on its due date (else the day it was triggered or created); product
# and shipping: on the day the shipment first went into transit (a parcel not shipped
# yet has given nothing); amplification: the expense allocated to the creator, on the
# day it was incurred. Offer-currency money uses the offer's stated rate, as
# campaigns.budget does. Campaign-wide spend has no collaboration, so no rollup row.
_COST_EVENTS = """
    SELECT c.id AS collaboration_id,
           (coalesce(o.decided_at, o.proposed_at) AT TIME ZONE %(tz)s)::date AS day,
           round(o.fee * coalesce(o.exchange_rate, 1), 2) AS amount
    FROM {collaboration} c JOIN {offer} o ON o.id = c.terms_id
    WHERE c.organization_id = %(org)s
    UNION ALL
    SELECT p.collaboration_id,
           coalesce(p.due_date, (coalesce(p.triggered_at, p.created_at) AT TIME ZONE %(tz)s)::date),
           round(p.amount * coalesce(o.exchange_rate, 1), 2)
    FROM {payment} p
    JOIN {collaboration} c ON c.id = p.collaboration_id AND c.terms_id = p.offer_id
    JOIN {offer} o ON o.id = p.offer_id
    WHERE p.organization_id = %(org)s AND p.kind = 'commission'
    UNION ALL
    SELECT s.collaboration_id, (s.shipped_at AT TIME ZONE %(tz)s)::date,
           round(i.unit_cost * i.quantity, 2)
    FROM {shipment_item} i JOIN {shipment} s ON s.id = i.shipment_id
    WHERE s.organization_id = %(org)s AND s.shipped_at IS NOT NULL
    UNION ALL
    SELECT s.collaboration_id, (s.shipped_at AT TIME ZONE %(tz)s)::date, s.cost
    FROM {shipment} s
    WHERE s.organization_id = %(org)s AND s.shipped_at IS NOT NULL
    UNION ALL
    SELECT x.collaboration_id, x.incurred_on, x.amount
    FROM {expense} x
    WHERE x.organization_id = %(org)s AND x.collaboration_id IS NOT NULL
      AND x.category = 'amplification'
""".format(**_T)

_METRICS = ("reach", "impressions", "likes", "comments", "shares", "saves", "views")


def _latest(field: str, bound: str) -> str:
    # A post's figures are cumulative and a source may leave one out (NULL): take the
    # latest reported value of this figure before `bound`.
    return (
        f"(SELECT s.{field} FROM {_T['snapshot']} s WHERE s.organization_id = %(org)s"
        f" AND s.live_post_id = pd.live_post_id AND s.observed_at < pd.{bound}"
        f" AND s.{field} IS NOT NULL ORDER BY s.observed_at DESC, s.id DESC LIMIT 1)"
    )


_LATEST = ",\n".join(f"{_latest(f, b)} AS {f}_{b}" for f in _METRICS for b in ("hi", "lo"))
_DELTAS = ",\n".join(f"coalesce({f}_hi, 0) - coalesce({f}_lo, 0) AS {f}" for f in _METRICS)


def _rate_figures(bound: str) -> tuple[str, str]:
    """A post's engagement-rate figures as of `bound` (METRICS.md): (followers, rated
    engagements). Its denominator is its reach when known (above 0), else its followers
    at posting time, once it has any figure; its engagements count toward a rate only
    when it has one of the two."""
    seen = f"coalesce({', '.join(f'{f}_{bound}' for f in _METRICS)}) IS NOT NULL"
    by_followers = f"({seen} AND coalesce(reach_{bound}, 0) = 0 AND coalesce(followers, 0) > 0)"
    engagements = " + ".join(
        f"coalesce({f}_{bound}, 0)" for f in ("likes", "comments", "shares", "saves")
    )
    return (
        f"CASE WHEN {by_followers} THEN followers ELSE 0 END",
        f"CASE WHEN coalesce(reach_{bound}, 0) > 0 OR {by_followers} THEN {engagements} ELSE 0 END",
    )


_RATE_DELTAS = ",\n".join(
    f"{hi} - {lo} AS {name}"
    for name, hi, lo in zip(("followers", "rated_engagements"), _rate_figures("hi"),
                            _rate_figures("lo"), strict=True)
)  # fmt: skip

_FIGURES = COUNT_FIELDS + MONEY_FIELDS
# METRICS.md "Promo-code sales": orders credited to a creator whose code was on them,
# whichever rule named the credit (their click with their code is credited as a click).
_CODE_USED = "(e.rule = 'code' OR coalesce((e.evidence->>'code_used')::boolean, false))"
# A credit's own flag; a reversal's is its credit's (r), which it takes back.
_NEW_CUSTOMER = "coalesce(r.new_customer, e.new_customer)"
# METRICS.md: conversions are orders (a lead-generation campaign's are its leads, which
# tracking.kpis picks), so a credited lead counts as a lead, never as an order. A
# landing-page lead is a Lead row, counted as such already, whichever rule credited its
# conversion (its visitor's click id comes with it, so its credit may be a click's); a
# lead from any other source (a postback, an import) counts from its credit.
_SALE = "e.conversion_kind = 'sale'"
_LEAD_ELSEWHERE = f"e.conversion_kind = 'lead' AND cv.source <> '{ConversionSource.LANDING.value}'"


def _row(platform: str, currency: str, **figures: str) -> str:
    """One source's SELECT list in the common shape (0 for figures it does not give)."""
    cols = ", ".join(f"{figures.get(f, '0')} AS {f}" for f in _FIGURES)
    return f"m.collaboration_id, m.day, {platform} AS platform, {currency} AS currency, {cols}"


_RECOMPUTE = f"""
WITH marks AS (
    SELECT DISTINCT k.collaboration_id, k.day,
           k.day::timestamp AT TIME ZONE %(tz)s AS lo,
           (k.day + 1)::timestamp AT TIME ZONE %(tz)s AS hi
    FROM unnest(%(collaborations)s::bigint[], %(days)s::date[]) AS k(collaboration_id, day)
),
post_days AS (
    SELECT DISTINCT m.collaboration_id, m.day, m.lo, m.hi, s.live_post_id
    FROM marks m JOIN {_T["snapshot"]} s
      ON s.organization_id = %(org)s AND s.collaboration_id = m.collaboration_id
     AND s.observed_at >= m.lo AND s.observed_at < m.hi
),
post_values AS (
    SELECT pd.collaboration_id, pd.day, d.platform, pf.followers, {_LATEST}
    FROM post_days pd
    JOIN {_T["post"]} lp ON lp.id = pd.live_post_id
    JOIN {_T["deliverable"]} d ON d.id = lp.deliverable_id
    LEFT JOIN {_T["followers"]} pf
      ON pf.organization_id = %(org)s AND pf.live_post_id = pd.live_post_id
),
post_deltas AS (
    SELECT collaboration_id, day, platform, {_DELTAS}, {_RATE_DELTAS}
    FROM post_values pd
),
raw AS (
    -- Clicks: human clicks, a visitor's repeats within 30 minutes stored as not unique.
    SELECT {
    _row(
        "l.platform",
        "''",
        clicks="count(*) FILTER (WHERE c.is_unique)",
        unique_clicks="count(DISTINCT c.visitor_hash) FILTER (WHERE c.is_unique)",
    )
}
    FROM marks m
    JOIN {_T["link"]} l ON l.organization_id = %(org)s AND l.collaboration_id = m.collaboration_id
    JOIN {_T["click"]} c ON c.organization_id = %(org)s AND c.link_id = l.id
     AND c.clicked_at >= m.lo AND c.clicked_at < m.hi
    GROUP BY m.collaboration_id, m.day, l.platform
    UNION ALL
    SELECT {_row("ld.platform", "''", leads="count(*)")}
    FROM marks m JOIN {_T["lead"]} ld
      ON ld.organization_id = %(org)s AND ld.collaboration_id = m.collaboration_id
     AND ld.first_submitted_at >= m.lo AND ld.first_submitted_at < m.hi
    GROUP BY m.collaboration_id, m.day, ld.platform
    UNION ALL
    -- The ledger: credits +1, reversals -1, refunds 0 (orders or leads, by the credited
    -- conversion's kind); revenue is signed, so
    -- its sum is net of reversals and refunds. A reversal counts against new customers
    -- when the credit it reverses was a new customer's.
    SELECT {
    _row(
        "e.platform",
        "e.currency",
        leads=f"coalesce(sum(e.conversions) FILTER (WHERE {_LEAD_ELSEWHERE}), 0)",
        conversions=f"coalesce(sum(e.conversions) FILTER (WHERE {_SALE}), 0)",
        new_customers=(
            f"coalesce(sum(e.conversions) FILTER (WHERE {_SALE} AND {_NEW_CUSTOMER}), 0)"
        ),
        code_conversions=(
            f"coalesce(sum(e.conversions) FILTER (WHERE {_SALE} AND {_CODE_USED}), 0)"
        ),
        revenue="sum(e.revenue)",
        refunds="coalesce(-sum(e.revenue) FILTER (WHERE e.kind = 'refund'), 0)",
        code_revenue=f"coalesce(sum(e.revenue) FILTER (WHERE {_CODE_USED}), 0)",
    )
}
    FROM marks m JOIN {_T["entry"]} e
      ON e.organization_id = %(org)s AND e.collaboration_id = m.collaboration_id
     AND e.effective_at >= m.lo AND e.effective_at < m.hi
    JOIN {_T["conversion"]} cv ON cv.id = e.conversion_id
    LEFT JOIN {_T["entry"]} r ON r.id = e.reverses_id
    GROUP BY m.collaboration_id, m.day, e.platform, e.currency
    UNION ALL
    SELECT {
    _row(
        "m.platform",
        "''",
        reach="sum(m.reach)",
        impressions="sum(m.impressions)",
        engagements="sum(m.likes + m.comments + m.shares + m.saves)",
        saves="sum(m.saves)",
        views="sum(m.views)",
        followers="sum(m.followers)",
        rated_engagements="sum(m.rated_engagements)",
    )
}
    FROM post_deltas m
    GROUP BY m.collaboration_id, m.day, m.platform
    UNION ALL
    SELECT {_row("''", "ca.currency", cost="sum(x.amount)")}
    FROM marks m
    JOIN ({_COST_EVENTS}) x ON x.collaboration_id = m.collaboration_id AND x.day = m.day
    JOIN {_T["collaboration"]} co ON co.id = m.collaboration_id
    JOIN {_T["campaign"]} ca ON ca.id = co.campaign_id
    GROUP BY m.collaboration_id, m.day, ca.currency
)
INSERT INTO {_T["rollup"]} (organization_id, campaign_id, collaboration_id, day, platform,
                            currency, {", ".join(_FIGURES)}, computed_at, created_at, updated_at)
SELECT %(org)s, co.campaign_id, raw.collaboration_id, raw.day, raw.platform, raw.currency,
       {", ".join(f"sum(raw.{f})" for f in _FIGURES)}, now(), now(), now()
FROM raw JOIN {_T["collaboration"]} co ON co.id = raw.collaboration_id
GROUP BY co.campaign_id, raw.collaboration_id, raw.day, raw.platform, raw.currency
-- A day whose events cancel out (an order and its cancellation) leaves no row.
HAVING {" OR ".join(f"sum(raw.{f}) <> 0" for f in _FIGURES)}
"""

_DELETE_ROLLUPS = f"""
DELETE FROM {_T["rollup"]} r
USING unnest(%(collaborations)s::bigint[], %(days)s::date[]) AS k(collaboration_id, day)
WHERE r.organization_id = %(org)s AND r.collaboration_id = k.collaboration_id
  AND r.day = k.day
"""

# The campaign days the marked days belong to, plus any (campaign, day) pairs given as
# such (a deleted collaboration's, which no longer leads to its campaign), summed again
# from their DailyRollup rows (just rewritten, in the same transaction).
_CAMPAIGN_DAYS = f"""
SELECT co.campaign_id, k.day
FROM unnest(%(collaborations)s::bigint[], %(days)s::date[]) AS k(collaboration_id, day)
JOIN {_T["collaboration"]} co ON co.id = k.collaboration_id
UNION
SELECT * FROM unnest(%(campaigns)s::bigint[], %(campaign_days)s::date[])
"""

_DELETE_CAMPAIGN_ROLLUPS = f"""
DELETE FROM {_T["campaign_rollup"]} r USING ({_CAMPAIGN_DAYS}) k
WHERE r.organization_id = %(org)s AND r.campaign_id = k.campaign_id AND r.day = k.day
"""

_INSERT_CAMPAIGN_ROLLUPS = f"""
INSERT INTO {_T["campaign_rollup"]} (organization_id, campaign_id, day, platform, currency,
                                     {", ".join(_FIGURES)}, computed_at, created_at,
                                     updated_at)
SELECT %(org)s, r.campaign_id, r.day, r.platform, r.currency,
       {", ".join(f"sum(r.{f})" for f in _FIGURES)}, now(), now(), now()
FROM {_T["rollup"]} r JOIN ({_CAMPAIGN_DAYS}) k
  ON r.organization_id = %(org)s AND r.campaign_id = k.campaign_id AND r.day = k.day
GROUP BY r.campaign_id, r.day, r.platform, r.currency
"""

# Running totals change from each collaboration's earliest marked day on: those rows are
# rewritten as the previous running total (the last row before that day, per series)
# plus the cumulative sum of the DailyRollup rows since.
_SINCE = """
SELECT k.collaboration_id, min(k.day) AS day
FROM unnest(%(collaborations)s::bigint[], %(days)s::date[]) AS k(collaboration_id, day)
GROUP BY k.collaboration_id
"""

_DELETE_RUNNING = f"""
DELETE FROM {_T["running"]} r USING ({_SINCE}) s
WHERE r.organization_id = %(org)s AND r.collaboration_id = s.collaboration_id
  AND r.day >= s.day
"""

_INSERT_RUNNING = f"""
INSERT INTO {_T["running"]} (organization_id, campaign_id, collaboration_id, day, platform,
                             currency, {", ".join(_FIGURES)}, created_at, updated_at)
SELECT %(org)s, d.campaign_id, d.collaboration_id, d.day, d.platform, d.currency,
       {", ".join(f"coalesce(b.{f}, 0) + sum(d.{f}) OVER series" for f in _FIGURES)},
       now(), now()
FROM {_T["rollup"]} d
JOIN ({_SINCE}) s ON d.organization_id = %(org)s AND d.collaboration_id = s.collaboration_id
 AND d.day >= s.day
LEFT JOIN LATERAL (
    SELECT * FROM {_T["running"]} p
    WHERE p.organization_id = %(org)s AND p.collaboration_id = d.collaboration_id
      AND p.platform = d.platform AND p.currency = d.currency AND p.day < s.day
    ORDER BY p.day DESC LIMIT 1
) b ON true
WINDOW series AS (PARTITION BY d.collaboration_id, d.platform, d.currency ORDER BY d.day)
"""

# Only marks nobody touched since we read them: a click flush or a lead that re-marked
# the day while we recomputed has moved marked_at, so its mark stays for the next run.
# A writer still in flight holds the mark's row lock; this DELETE waits for it and then
# re-reads marked_at (READ COMMITTED), so that case is kept too.
_DELETE_MARKS = f"""
DELETE FROM {_T["dirty"]} d
USING unnest(%(ids)s::bigint[], %(marked)s::timestamptz[]) AS k(id, marked_at)
WHERE d.organization_id = %(org)s AND d.id = k.id AND d.marked_at = k.marked_at
"""


def _derive(cursor, params: dict) -> None:
    # params: org, collaborations and days (the DailyRollup rows just rewritten), and
    # optionally campaigns and campaign_days (campaign days to sum again as such).
    params = {"campaigns": [], "campaign_days": [], **params}
    cursor.execute(_DELETE_CAMPAIGN_ROLLUPS, params)
    cursor.execute(_INSERT_CAMPAIGN_ROLLUPS, params)
    cursor.execute(_DELETE_RUNNING, params)
    cursor.execute(_INSERT_RUNNING, params)


def rollups_derive(
    *,
    organization: Organization,
    collaboration_days: Iterable[tuple[int, datetime.date]] = (),
    campaign_days: Iterable[tuple[int, datetime.date]] = (),
) -> None:
    """Sum the campaign days and running totals again from the DailyRollup rows of these
    (collaboration id, day) pairs, and the campaign days of these (campaign id, day)
    pairs (a deleted collaboration's: its running totals went with it). The worker does
    this for every day it recomputes; call it after writing or deleting DailyRollup rows
    any other way (a fixture, a repair, a deletion)."""
    pairs, campaign_pairs = sorted(set(collaboration_days)), sorted(set(campaign_days))
    if not pairs and not campaign_pairs:
        return
    params = {"org": organization.pk, "collaborations": [c for c, _ in pairs],
              "days": [d for _, d in pairs], "campaigns": [c for c, _ in campaign_pairs],
              "campaign_days": [d for _, d in campaign_pairs]}  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        _derive(cursor, params)


def rollups_campaign_days_of(
    *, organization: Organization, collaboration_id: int
) -> list[tuple[int, datetime.date]]:
    """The (campaign id, day) pairs a collaboration has DailyRollup rows on: read before it
    is deleted, to sum those campaign days again without it (rollups_derive)."""
    # The base manager, like Django's own collector: a deletion may run outside a tenant
    # scope (the admin's, an organization's cascade); the organization is still explicit.
    return list(
        DailyRollup._base_manager.filter(organization=organization)
        .filter(collaboration_id=collaboration_id)
        .values_list("campaign_id", "day")
        .distinct()
    )


RECOMPUTE_BATCH = 500
# pg_advisory_xact_lock's first key for the rollup worker (the second is the organization).
ROLLUP_LOCK = 6_0001


def rollups_recompute_batch(
    *, organization: Organization, limit: int = RECOMPUTE_BATCH,
    marked_before: datetime.datetime | None = None,
) -> int:  # fmt: skip
    """Recompute up to `limit` marked days, oldest mark first, in one transaction: delete
    their DailyRollup rows, insert them again from the raw events, sum their campaign days
    and running totals again, clear the marks not re-marked meanwhile. Returns the number
    of marks read (0: nothing left)."""
    with transaction.atomic():
        # One batch at a time per organization: two overlapping runs (a long backlog and
        # the next beat) would otherwise read the same marks and rewrite the same rows.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROLLUP_LOCK, organization.pk])
        marks = RollupDirtyDay.objects.for_org(organization).order_by("marked_at", "id")
        if marked_before is not None:
            marks = marks.filter(marked_at__lte=marked_before)
        rows = list(marks.values_list("id", "collaboration_id", "day", "marked_at")[:limit])
        if not rows:
            return 0
        params = {
            "org": organization.pk,
            "tz": organization.timezone,
            "collaborations": [r[1] for r in rows],
            "days": [r[2] for r in rows],
            "ids": [r[0] for r in rows],
            "marked": [r[3] for r in rows],
        }
        with connection.cursor() as cursor:
            cursor.execute(_DELETE_ROLLUPS, params)
            cursor.execute(_RECOMPUTE, params)
            _derive(cursor, params)
            cursor.execute(_DELETE_MARKS, params)
    return len(rows)


# --- cost changes ----------------------------------------------------------------

# A row saved at T may commit a little later than T; reading this far back each run
# catches it (a day marked twice is recomputed twice, with the same result).
COST_LOOKBACK = datetime.timedelta(minutes=2)

_CHANGED_COLLABORATIONS = """
    SELECT c.id FROM {collaboration} c
    WHERE c.organization_id = %(org)s AND c.updated_at > %(since)s
    UNION SELECT c.id FROM {collaboration} c JOIN {offer} o ON o.id = c.terms_id
    WHERE c.organization_id = %(org)s AND o.updated_at > %(since)s
    UNION SELECT p.collaboration_id FROM {payment} p
    WHERE p.organization_id = %(org)s AND p.updated_at > %(since)s
    UNION SELECT s.collaboration_id FROM {shipment} s
    WHERE s.organization_id = %(org)s AND s.updated_at > %(since)s
    UNION SELECT s.collaboration_id FROM {shipment_item} i JOIN {shipment} s ON s.id = i.shipment_id
    WHERE i.organization_id = %(org)s AND i.updated_at > %(since)s
    UNION SELECT x.collaboration_id FROM {expense} x
    WHERE x.organization_id = %(org)s AND x.updated_at > %(since)s
      AND x.collaboration_id IS NOT NULL
""".format(**_T)

# Deleted cost rows leave nothing with an updated_at: a collaboration whose booked cost
# no longer adds up to what its rollups say is marked too.
_DRIFTED_COLLABORATIONS = f"""
    SELECT coalesce(a.collaboration_id, b.collaboration_id)
    FROM (SELECT x.collaboration_id, sum(x.amount) AS total FROM ({_COST_EVENTS}) x
          GROUP BY x.collaboration_id) a
    FULL JOIN (SELECT r.collaboration_id, sum(r.cost) AS total FROM {_T["rollup"]} r
               WHERE r.organization_id = %(org)s GROUP BY r.collaboration_id) b
      ON a.collaboration_id = b.collaboration_id
    WHERE coalesce(a.total, 0) <> coalesce(b.total, 0)
"""

# For each changed collaboration: the days its cost is booked on now, and the days its
# rollups book cost on (a cost that moved or vanished leaves one of those).
_MARK_COST_DAYS = f"""
WITH changed AS ({_CHANGED_COLLABORATIONS} UNION {_DRIFTED_COLLABORATIONS}),
days AS (
    SELECT x.collaboration_id, x.day FROM ({_COST_EVENTS}) x
    WHERE x.collaboration_id IN (SELECT * FROM changed)
    UNION
    SELECT r.collaboration_id, r.day FROM {_T["rollup"]} r
    WHERE r.organization_id = %(org)s AND r.cost <> 0
      AND r.collaboration_id IN (SELECT * FROM changed)
)
INSERT INTO {_T["dirty"]} (organization_id, collaboration_id, day, marked_at, created_at,
                           updated_at)
SELECT %(org)s, days.collaboration_id, days.day, clock_timestamp(), now(), now() FROM days
ON CONFLICT (organization_id, collaboration_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
"""


def rollups_mark_cost_changes(*, organization: Organization) -> int:
    """Mark the cost days of every collaboration whose cost rows changed since the last
    run (or whose rollups no longer add up to its cost). Returns the days marked."""
    with transaction.atomic():
        watermark, _ = RollupCostWatermark.objects.for_org(organization).get_or_create(
            organization=organization,
            defaults={"through": datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)},
        )
        watermark = (
            RollupCostWatermark.objects.for_org(organization)
            .select_for_update()
            .get(pk=watermark.pk)
        )
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                _MARK_COST_DAYS,
                {"org": organization.pk, "tz": organization.timezone,
                 "since": watermark.through - COST_LOOKBACK},
            )  # fmt: skip
            marked = cursor.rowcount
        watermark.through = now
        watermark.save(update_fields=["through", "updated_at"])
    return marked


def rollups_refresh(*, organization: Organization, max_batches: int = 1000) -> int:
    """The worker's run for one organization: mark changed cost days, then recompute every
    day marked before this run started, a batch per transaction. Days marked while it
    runs wait for the next run (beat, 20 s), so a steady stream of clicks cannot keep it
    busy forever. Returns the number of marks processed."""
    from kolhub.tenancy.context import tenant_context

    with tenant_context(organization):
        rollups_mark_cost_changes(organization=organization)
    started = timezone.now()
    done = 0
    for _ in range(max_batches):
        with tenant_context(organization):
            read = rollups_recompute_batch(organization=organization, marked_before=started)
        if not read:
            break
        done += read
    return done


# --- marks written by raw SQL writers -----------------------------------------------


def rollups_mark_dirty_from_stage(cursor, stage_table: str) -> int:
    """Mark the (organization, collaboration, day) of every click in a staging table (the
    click flush's slow path), on the flush's own cursor and transaction. The day is the
    click's date in its organization's timezone."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", stage_table):
        raise ValueError(f"not a table name: {stage_table!r}")
    cursor.execute(
        f"""
        SELECT DISTINCT s.organization_id, l.collaboration_id,
               (s.clicked_at AT TIME ZONE o.timezone)::date
        FROM {stage_table} s
        JOIN {_T["link"]} l ON l.id = s.link_id AND l.organization_id = s.organization_id
        JOIN {_T["organization"]} o ON o.id = s.organization_id
        """
    )
    return rollups_mark_dirty_days(cursor, cursor.fetchall())


def rollups_mark_dirty_days(cursor, days: Iterable[tuple[int, int, datetime.date]]) -> int:
    """Mark (organization id, collaboration id, day) triples already computed by the
    caller (the click flush reads them off the rows it just stored), with one statement
    on its cursor and transaction. Sorted: concurrent flushers take the rows' locks in
    the same order."""
    keys = sorted(set(days))
    if not keys:
        return 0
    organizations, collaborations, dates = (list(column) for column in zip(*keys, strict=True))
    cursor.execute(
        f"""
        INSERT INTO {_T["dirty"]} (organization_id, collaboration_id, day, marked_at,
                                   created_at, updated_at)
        SELECT k.organization_id, k.collaboration_id, k.day, clock_timestamp(), now(), now()
        FROM unnest(%s::bigint[], %s::bigint[], %s::date[])
             AS k(organization_id, collaboration_id, day)
        ON CONFLICT (organization_id, collaboration_id, day)
        DO UPDATE SET marked_at = EXCLUDED.marked_at
        """,
        [organizations, collaborations, dates],
    )
    return cursor.rowcount
