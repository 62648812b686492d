"""CSV of every results table: the per-creator leaderboard, the daily series, the
conversions with their credit rule, the attribution ledger with its evidence, the
organization overview, the tracking links with their clicks, the promo codes with their
redemptions, the overlaps and the code-leak flags. The web pages and the API call the
same functions.

Figures come from tracking.kpis (raw values, with "—" for an undefined ratio, as on the
screen). "visitor_days" is the rollups' unique_clicks: a visitor counted once per creator,
platform and day, summed over the days, not distinct people over the range. Every cell
goes through creators.exports.safe_cell, so a creator named "=HYPERLINK(...)" or an order
code starting with "+" stays text in a spreadsheet."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable

from creators.exports import safe_cell
from tracking.kpis import Kpis, Totals
from tracking.models import AttributionEntry, Conversion, TrackingLink
from tracking.selectors.leaks import LeakFlag, Redemptions
from tracking.selectors.ledger import Candidate, Overlap
from tracking.selectors.overview import Overview

LEADERBOARD_COLUMNS = [
    "creator", "stage", "clicks", "visitor_days", "impressions", "ctr", "conversions",
    "conversion_rate", "leads", "revenue", "currency", "cost", "cpa", "roas", "roi",
    "engagement_rate", "engagement_rate_by",
]  # fmt: skip
DAILY_COLUMNS = ["day", "clicks", "visitor_days", "leads", "conversions", "revenue", "refunds",
                 "cost", "reach", "impressions", "engagements", "currency"]  # fmt: skip
CONVERSION_COLUMNS = [
    "id", "name", "source", "kind", "occurred_at", "cancelled_at", "currency", "total",
    "refunded", "discount_codes", "shipping_country", "credit_rule", "credited_creator",
    "new_customer",
]  # fmt: skip
LEDGER_COLUMNS = [
    "id", "created_at", "effective_at", "kind", "rule", "conversion", "creator", "campaign",
    "conversions", "revenue", "currency", "platform", "reverses", "reason", "evidence",
]  # fmt: skip
LINK_COLUMNS = [
    "creator", "platform", "code", "destination_url", "tracked_url", "clicks_recorded",
    "clicks_unique", "created_at",
]  # fmt: skip
PROMO_CODE_COLUMNS = [
    "creator", "code", "discount_kind", "discount_value", "active", "redemptions",
    "last_redeemed_at",
]  # fmt: skip
OVERLAP_COLUMNS = [
    "conversion", "effective_at", "credited_creator", "credited_campaign", "rule", "standing",
    "other_candidates",
]  # fmt: skip
LEAK_COLUMNS = ["code", "creator", "redemptions", "top_audience_countries", "reasons"]
OVERVIEW_COLUMNS = [
    "campaign", "status", "objective", "start_date", "end_date", "currency", "clicks",
    "conversions", "leads", "revenue", "cost", "cpa", "roas", "roi", "headline",
]  # fmt: skip


def _ratio(value) -> str:
    # Undefined ratios read "—" as on the screen, never 0.
    return "—" if value is None else f"{value:.4f}"


def _write(columns: list[str], rows: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(col, "")) for col in columns])
    return out.getvalue()


def _kpi_cells(k: Kpis) -> dict:
    t = k.totals
    return {
        "clicks": t.clicks, "visitor_days": t.unique_clicks, "impressions": t.impressions,
        "ctr": _ratio(k.ctr), "conversions": k.conversions,
        "conversion_rate": _ratio(k.conversion_rate), "leads": t.leads,
        "revenue": t.revenue, "cost": t.cost, "cpa": _ratio(k.cpa), "roas": _ratio(k.roas),
        "roi": _ratio(k.roi), "engagement_rate": _ratio(k.engagement_rate),
        "engagement_rate_by": k.engagement_rate_label or "reach",
    }  # fmt: skip


def leaderboard_csv(rows: list[dict], *, currency: str) -> str:
    """rows: tracking.selectors.results.leaderboard()."""
    return _write(LEADERBOARD_COLUMNS, (
        {"creator": r["collaboration"].creator.name, "stage": r["collaboration"].stage,
         "currency": currency, **_kpi_cells(r["kpis"])}
        for r in rows
    ))  # fmt: skip


def daily_csv(series: list[tuple[datetime.date, Totals]], *, currency: str) -> str:
    """series: tracking.selectors.results.daily_series()."""
    return _write(DAILY_COLUMNS, (
        {"day": day.isoformat(), "currency": currency, "visitor_days": t.unique_clicks,
         **{col: getattr(t, col) for col in DAILY_COLUMNS if hasattr(t, col)}}
        for day, t in series
    ))  # fmt: skip


def conversions_csv(conversions: Iterable[Conversion]) -> str:
    """conversions: tracking.selectors.ledger.conversion_list() (annotated with credits)."""
    return _write(CONVERSION_COLUMNS, (
        {"id": c.pk, "name": c.name or c.external_id, "source": c.source, "kind": c.kind,
         "occurred_at": c.occurred_at.isoformat(),
         "cancelled_at": c.cancelled_at.isoformat() if c.cancelled_at else "",
         "currency": c.currency, "total": c.total, "refunded": c.refunded,
         "discount_codes": " ".join(c.discount_codes), "shipping_country": c.shipping_country,
         "credit_rule": c.credit_rule or "unattributed",
         "credited_creator": c.credit_creator_name or "",
         "new_customer": {None: "", True: "yes", False: "no"}[c.is_new_customer]}
        for c in conversions
    ))  # fmt: skip


def ledger_csv(entries: Iterable[AttributionEntry]) -> str:
    """entries: tracking.selectors.ledger.ledger_entry_list()."""
    return _write(LEDGER_COLUMNS, (
        {"id": e.pk, "created_at": e.created_at.isoformat(),
         "effective_at": e.effective_at.isoformat(), "kind": e.kind, "rule": e.rule,
         "conversion": e.conversion.name or e.conversion.external_id,
         "creator": e.collaboration.creator.name, "campaign": e.campaign.name,
         "conversions": e.conversions, "revenue": e.revenue, "currency": e.currency,
         "platform": e.platform, "reverses": e.reverses_id or "", "reason": e.reason,
         "evidence": json.dumps(e.evidence, sort_keys=True, default=str)}
        for e in entries
    ))  # fmt: skip


def overview_csv(overview: Overview) -> str:
    rows = [
        {"campaign": r.campaign.name, "status": r.campaign.status,
         "objective": r.campaign.objective,
         "start_date": r.campaign.start_date or "", "end_date": r.campaign.end_date or "",
         "currency": r.campaign.currency, **_kpi_cells(r.kpis),
         "headline": "; ".join(f"{h['metric']}={h['display']}" for h in r.headline)}
        for r in overview.rows
    ]  # fmt: skip
    for currency, k in overview.totals.items():
        rows.append({"campaign": f"Total ({currency})", "currency": currency, **_kpi_cells(k)})
    return _write(OVERVIEW_COLUMNS, rows)


def links_csv(links: Iterable[TrackingLink]) -> str:
    """links: tracking.selectors.tracking_link_list() (annotated with clicks)."""
    return _write(LINK_COLUMNS, (
        {"creator": link.collaboration.creator.name, "platform": link.platform,
         "code": link.code, "destination_url": link.destination_url,
         "tracked_url": link.tracked_url, "clicks_recorded": link.clicks_recorded,
         "clicks_unique": link.clicks_unique, "created_at": link.created_at.isoformat()}
        for link in links
    ))  # fmt: skip


def promo_codes_csv(rows: Iterable[Redemptions]) -> str:
    """rows: tracking.selectors.leaks.promo_code_redemption_list()."""
    return _write(PROMO_CODE_COLUMNS, (
        {"creator": r.code.collaboration.creator.name, "code": r.code.code,
         "discount_kind": r.code.discount_kind,
         "discount_value": "" if r.code.discount_value is None else r.code.discount_value,
         "active": "yes" if r.code.is_active else "no", "redemptions": r.redemptions,
         "last_redeemed_at": r.last_redeemed_at.isoformat() if r.last_redeemed_at else ""}
        for r in rows
    ))  # fmt: skip


def _candidate(c: Candidate) -> str:
    who = c.collaboration.creator.name if c.collaboration else "a collaboration no longer here"
    return " · ".join(part for part in (who, c.rule, c.at[:16]) if part)


def overlaps_csv(overlaps: Iterable[Overlap]) -> str:
    """overlaps: tracking.selectors.ledger.overlap_list()."""
    return _write(OVERLAP_COLUMNS, (
        {"conversion": o.conversion.name or o.conversion.external_id,
         "effective_at": o.credit.effective_at.isoformat(),
         "credited_creator": o.winner.collaboration.creator.name,
         "credited_campaign": o.winner.collaboration.campaign.name, "rule": o.credit.rule,
         "standing": "yes" if o.standing else "withdrawn",
         "other_candidates": "; ".join(_candidate(c) for c in o.others)}
        for o in overlaps
    ))  # fmt: skip


def leaks_csv(flags: Iterable[LeakFlag]) -> str:
    """flags: tracking.selectors.leaks.leak_flags()."""
    return _write(LEAK_COLUMNS, (
        {"code": f.code.code, "creator": f.creator.name, "redemptions": f.redemptions,
         "top_audience_countries": " ".join(f.top_countries),
         "reasons": "; ".join(f"{r.kind}: {r.message}" for r in f.reasons)}
        for f in flags
    ))  # fmt: skip
