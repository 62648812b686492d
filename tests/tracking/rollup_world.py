"""Random raw events for the rollup tests: clicks (through the click flush's copy_lines),
leads, ledger entries, metric snapshots and costs, plus an independent recomputation of
what DailyRollup must hold, written in Python over the raw rows (not the worker's SQL)."""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from campaigns.models import (
    CampaignExpense,
    CampaignProduct,
    Collaboration,
    LivePost,
    Offer,
    PaymentItem,
    Shipment,
    ShipmentItem,
)
from tests.campaigns.content_factories import deliverables_of
from tests.campaigns.factories import agreed_collaboration, make_campaign
from tests.creators.factories import make_creator
from tracking import services
from tracking.clicks import click_line, copy_lines
from tracking.models import (
    AttributionEntry,
    Click,
    ContentMetricSnapshot,
    Conversion,
    DailyRollup,
    Lead,
    PostFollowers,
    TrackingLink,
)
from tracking.services.rollups import rollups_mark_dirty


def copy_clicks(rows: list[dict], batch_id: str) -> int:
    """Clicks in the fallback queue's JSON form, through the flush's COPY path."""
    return copy_lines([click_line(row) for row in rows], batch_id)


FIGURES = (
    "clicks", "unique_clicks", "leads", "conversions", "new_customers", "code_conversions",
    "reach", "impressions", "engagements", "saves", "views", "followers", "rated_engagements",
    "revenue", "refunds", "code_revenue", "cost",
)  # fmt: skip
METRICS = ("reach", "impressions", "likes", "comments", "shares", "saves", "views")


def build_campaign(organization, *, collaborations: int = 3, currency: str = "USD"):
    """A campaign with agreed collaborations (fees), each with instagram + tiktok links."""
    campaign = make_campaign(
        organization, currency=currency,
        products=[{"name": "Serum", "sku": f"SER-{uuid.uuid4().hex[:6]}", "unit_cost": "5.00",
                   "price": "30.00"}],
    )  # fmt: skip
    collabs = []
    for _ in range(collaborations):
        creator = make_creator(organization)
        collaboration = agreed_collaboration(organization, campaign, creator=creator)
        for platform in ("instagram", "tiktok"):
            services.tracking_link_create(
                organization=organization, collaboration=collaboration, platform=platform,
                destination_url="https://shop.example/p",
            )  # fmt: skip
        collabs.append(collaboration)
    return campaign, collabs


def random_events(organization, campaign, collabs, *, rng: random.Random, days: int = 6,
                  clicks: int = 300, now=None) -> None:  # fmt: skip
    """Raw events of every kind over `days` days before `now`, marked dirty the way their
    writers mark them (the click flush marks its own)."""
    now = now or timezone.now()
    start = now - datetime.timedelta(days=days)

    def when():
        return start + datetime.timedelta(seconds=rng.randrange(int((now - start).total_seconds())))

    links = list(TrackingLink.objects.filter(collaboration__in=collabs))
    visitors = [uuid.uuid4().hex for _ in range(25)]
    rows = [
        {"click_id": uuid.uuid4().hex, "org": organization.pk, "link": rng.choice(links).pk,
         "at": when().isoformat(), "visitor": rng.choice(visitors), "ua": "mobile", "ref": "",
         "unique": rng.random() < 0.8}
        for _ in range(clicks)
    ]  # fmt: skip
    copy_clicks(rows, f"test-{uuid.uuid4().hex}")

    touches = []
    for n in range(20):
        collaboration = rng.choice(collabs)
        at = when()
        Lead.objects.create(
            organization=organization, campaign=campaign, collaboration=collaboration,
            name=f"Lead {n}", email=f"lead{n}-{uuid.uuid4().hex[:6]}@example.com",
            consent_text="ok", platform=rng.choice(["instagram", "", "tiktok"]),
            first_submitted_at=at, submitted_at=at,
        )  # fmt: skip
        touches.append((collaboration.pk, at))

    for n in range(30):
        collaboration = rng.choice(collabs)
        at = when()
        currency = rng.choice([campaign.currency, campaign.currency, "EUR"])
        # Some are leads posted back (a lead is a lead, never an order), some landing-page
        # leads, credited by the lead rule or by their visitor's click (counted from their
        # Lead rows, not twice).
        kind = rng.choice(["sale", "sale", "sale", "lead"])
        revenue = Decimal(rng.randrange(1000, 20000)) / 100 if kind == "sale" else Decimal(0)
        rule = rng.choice(["click", "code", "utm"] + (["lead"] if kind == "lead" else []))
        landing = kind == "lead" and (rule == "lead" or (rule == "click" and rng.random() < 0.5))
        conversion = Conversion.objects.create(
            organization=organization, source="landing" if landing else "postback",
            external_id=f"o-{uuid.uuid4().hex}", kind=kind, occurred_at=at, currency=currency,
            total=Decimal("100"),
        )  # fmt: skip
        platform = rng.choice(["instagram", "tiktok"]) if rule == "click" else ""
        # A click credit whose creator's own code was also on the order: a promo-code sale.
        evidence = {"code_used": rule == "code" or (rule == "click" and rng.random() < 0.5)}
        credit = AttributionEntry.objects.create(
            organization=organization, conversion=conversion, collaboration=collaboration,
            campaign=campaign, kind="credit", conversion_kind=kind, rule=rule, conversions=1,
            revenue=revenue,
            currency=currency, new_customer=rng.choice([True, False, None]), platform=platform,
            effective_at=at, evidence=evidence,
        )  # fmt: skip
        touches.append((collaboration.pk, at))
        roll = rng.random()
        if roll < 0.25:
            # Cancelled: the reversal counts on the order's day, as the ledger books it.
            AttributionEntry.objects.create(
                organization=organization, conversion=conversion, collaboration=collaboration,
                campaign=campaign, kind="reversal", conversion_kind=kind, rule=rule,
                conversions=-1,
                revenue=-revenue, currency=currency, reverses=credit, platform=platform,
                effective_at=at, evidence=evidence,
            )  # fmt: skip
        elif roll < 0.5:
            refunded_at = min(at + datetime.timedelta(hours=rng.randrange(1, 60)), now)
            AttributionEntry.objects.create(
                organization=organization, conversion=conversion, collaboration=collaboration,
                campaign=campaign, kind="refund", conversion_kind=kind, rule=rule,
                conversions=0,
                revenue=-(revenue / 2).quantize(Decimal("0.01")), currency=currency,
                reverses=credit, platform=platform, effective_at=refunded_at, evidence=evidence,
            )  # fmt: skip
            touches.append((collaboration.pk, refunded_at))

    for collaboration in collabs:
        deliverable = deliverables_of(collaboration)[0]
        post = LivePost.objects.create(
            organization=organization, deliverable=deliverable, url="https://example.com/p",
            screenshot="x.png", screenshot_content_type="image/png", reported_at=start,
        )  # fmt: skip
        # Engagement rate's denominators: followers at posting for some posts, and some
        # posts that never report reach (a YouTube video).
        if rng.random() < 0.7:
            PostFollowers.objects.create(organization=organization, live_post=post,
                                         followers=rng.randrange(1000, 50_000),
                                         observed_at=start)  # fmt: skip
        no_reach = rng.random() < 0.5
        values = dict.fromkeys(METRICS, 0)
        for n in range(rng.randrange(2, 6)):
            for field in METRICS:
                values[field] += rng.randrange(0, 500)
            at = when()
            figures = {f: (v if rng.random() < 0.8 else None) for f, v in values.items()}
            if no_reach:
                figures["reach"] = None
            ContentMetricSnapshot.objects.create(
                organization=organization, live_post=post, collaboration=collaboration,
                source=rng.choice(["api", "creator"]), observed_at=at + datetime.timedelta(
                    microseconds=n), **figures,
            )  # fmt: skip
            touches.append((collaboration.pk, at))
    rollups_mark_dirty(organization=organization, touches=touches)

    # Costs (found by the worker's cost-change scan, not marked here).
    product = CampaignProduct.objects.filter(campaign=campaign).first()
    for collaboration in collabs:
        shipment = Shipment.objects.create(
            organization=organization, collaboration=collaboration, carrier="ups",
            tracking_number=uuid.uuid4().hex[:12].upper(), cost=Decimal("12.50"),
            currency=campaign.currency, shipped_at=when(), ship_to={},
        )  # fmt: skip
        ShipmentItem.objects.create(organization=organization, shipment=shipment,
                                    product=product, quantity=rng.randrange(1, 4),
                                    unit_cost=Decimal("5.00"))  # fmt: skip
        CampaignExpense.objects.create(
            organization=organization, campaign=campaign, collaboration=collaboration,
            category="amplification", description="Boost", amount=Decimal("40.00"),
            incurred_on=when().date(),
        )  # fmt: skip


def expected_rollups(organization, campaign) -> dict:
    """What DailyRollup must hold for the campaign, recomputed from the raw rows in
    Python: {(collaboration_id, day, platform, currency): {figure: value}} (rows whose
    figures are all zero left out, as the worker leaves them out)."""
    tz = ZoneInfo(organization.timezone)

    def day(moment):
        return moment.astimezone(tz).date()

    out: dict = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    collab_ids = list(Collaboration.objects.filter(campaign=campaign).values_list("pk", flat=True))
    visitors = defaultdict(set)
    for click in Click.objects.filter(link__collaboration_id__in=collab_ids).select_related("link"):
        if click.is_unique:
            key = (click.link.collaboration_id, day(click.clicked_at), click.link.platform, "")
            out[key]["clicks"] += 1
            visitors[key].add(click.visitor_hash)
    for key, seen in visitors.items():
        out[key]["unique_clicks"] = len(seen)
    for lead in Lead.objects.filter(collaboration_id__in=collab_ids):
        out[(lead.collaboration_id, day(lead.first_submitted_at), lead.platform, "")]["leads"] += 1
    entries = {
        e.pk: e
        for e in AttributionEntry.objects.filter(collaboration_id__in=collab_ids).select_related(
            "conversion"
        )
    }
    for entry in entries.values():
        row = out[(entry.collaboration_id, day(entry.effective_at), entry.platform, entry.currency)]
        row["revenue"] += entry.revenue
        if entry.conversion_kind == "lead":
            # A landing-page lead is counted from its Lead row above, whichever rule.
            if entry.conversion.source != "landing":
                row["leads"] += entry.conversions
        else:
            row["conversions"] += entry.conversions
            new = entry.new_customer
            if entry.reverses_id is not None:
                new = entries[entry.reverses_id].new_customer
            if new:
                row["new_customers"] += entry.conversions
        # Promo-code sales: the creator's own code was on the order, whatever the rule.
        if entry.rule == "code" or entry.evidence.get("code_used"):
            if entry.conversion_kind == "sale":
                row["code_conversions"] += entry.conversions
            row["code_revenue"] += entry.revenue
        if entry.kind == "refund":
            row["refunds"] -= entry.revenue
    snapshots = defaultdict(list)
    for snap in ContentMetricSnapshot.objects.filter(
        collaboration_id__in=collab_ids
    ).select_related("live_post__deliverable"):
        snapshots[snap.live_post_id].append(snap)
    followers_of = dict(PostFollowers.objects.values_list("live_post_id", "followers"))

    def rate_state(known: dict, followers: int) -> tuple[int, int]:
        """METRICS.md engagement rate, one post: (followers dividing it, its engagements
        that count toward a rate). Reach when known above 0, else followers at posting."""
        if not known:
            return 0, 0
        engagements = sum(known.get(f, 0) for f in ("likes", "comments", "shares", "saves"))
        if known.get("reach"):
            return 0, engagements
        if followers:
            return followers, engagements
        return 0, 0

    for snaps in snapshots.values():
        # Walk each post's history: a day's figure is the rise of the latest value.
        snaps.sort(key=lambda s: (s.observed_at, s.pk))
        latest = dict.fromkeys(METRICS, 0)
        known: dict = {}
        followers = followers_of.get(snaps[0].live_post_id, 0)
        for snap in snaps:
            before = rate_state(known, followers)
            known.update({f: getattr(snap, f) for f in METRICS if getattr(snap, f) is not None})
            after = rate_state(known, followers)
            key = (snap.collaboration_id, day(snap.observed_at),
                   snap.live_post.deliverable.platform, "")  # fmt: skip
            out[key]["followers"] += after[0] - before[0]
            out[key]["rated_engagements"] += after[1] - before[1]
            key = (snap.collaboration_id, day(snap.observed_at),
                   snap.live_post.deliverable.platform, "")  # fmt: skip
            for field in METRICS:
                value = getattr(snap, field)
                if value is None:
                    continue
                delta = value - latest[field]
                latest[field] = value
                if field in ("reach", "impressions", "saves", "views"):
                    out[key][field] += delta
                if field in ("likes", "comments", "shares", "saves"):
                    out[key]["engagements"] += delta
                # Touch the row so a zero day still exists as a key; dropped below.
    cost = defaultdict(Decimal)
    for collaboration in Collaboration.objects.filter(pk__in=collab_ids).select_related("terms"):
        offer: Offer | None = collaboration.terms
        if offer is not None:
            cost[(collaboration.pk, day(offer.decided_at or offer.proposed_at))] += (
                offer.fee * (offer.exchange_rate or 1)
            ).quantize(Decimal("0.01"))
    for payment in PaymentItem.objects.filter(collaboration_id__in=collab_ids, kind="commission"):
        terms = Collaboration.objects.get(pk=payment.collaboration_id).terms
        if terms is None or payment.offer_id != terms.pk:
            continue
        on = payment.due_date or day(payment.triggered_at or payment.created_at)
        cost[(payment.collaboration_id, on)] += (
            payment.amount * (terms.exchange_rate or 1)
        ).quantize(Decimal("0.01"))
    for shipment in Shipment.objects.filter(
        collaboration_id__in=collab_ids, shipped_at__isnull=False
    ):
        on = day(shipment.shipped_at)
        cost[(shipment.collaboration_id, on)] += shipment.cost
        for item in ShipmentItem.objects.filter(shipment=shipment):
            cost[(shipment.collaboration_id, on)] += (item.unit_cost * item.quantity).quantize(
                Decimal("0.01")
            )
    for expense in CampaignExpense.objects.filter(
        collaboration_id__in=collab_ids, category="amplification"
    ):
        cost[(expense.collaboration_id, expense.incurred_on)] += expense.amount
    for (collaboration_id, on), amount in cost.items():
        out[(collaboration_id, on, "", campaign.currency)]["cost"] += amount
    return {k: {f: Decimal(v) for f, v in row.items()} for k, row in out.items()
            if any(row.values())}  # fmt: skip


def actual_rollups(organization, campaign) -> dict:
    return {
        (r.collaboration_id, r.day, r.platform, r.currency): {
            f: Decimal(getattr(r, f)) for f in FIGURES
        }
        for r in DailyRollup.objects.for_org(organization).filter(campaign=campaign)
    }
