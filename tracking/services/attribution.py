"""The attribution ledger: which collaboration a conversion is credited to, and why.

Candidates (METRICS.md, "Attribution"), each a touch with a time:
- click: the click id carried to the order (`kh_click` on the landing URL) names a
  stored click; the touch is the click's time, and it counts only if the order came
  within the campaign's attribution window after it;
- code: a discount code on the order is a creator's promo code; the touch is the order's
  time (the code was typed at checkout); its platform is the collaboration's when it is
  on one platform only, else none;
- utm: the landing URL's utm_campaign is a campaign's slug and utm_content a handle of a
  creator in it (utm_source, when present, the platform); the touch is the order's time;
- lead: a lead left on a creator's landing page (lead-generation conversions).
Code and UTM touches count while the campaign runs: from its start date to its end date
plus the attribution window (no dates: always).

Choice: one credit per conversion, to the LAST touch; touches at the same time go to the
stronger source (click, then code, then UTM). So a creator's code beats an older click
of another creator, and a click of the same creator that also used their code is
credited as a click, with the code in the evidence. Cancelled conversions get no credit.

Writes are append-only entries (tracking.models.AttributionEntry). `conversion_attribute`
works out the credit the conversion deserves now and compares it with the standing one:
the same → nothing is written (reruns and replays are harmless); different → the standing
credit is reversed in full (on its own day) and the new one credited. Refunds not yet
booked against the standing credit become refund entries of the revenue they undo (the
refunded items without tax, not tax or shipping), capped at what is left of the credit.
Every entry marks its (collaboration, day) for the rollup worker.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone

from campaigns.models import Campaign, Collaboration, ContentDeliverable
from kolhub.models import Organization
from tracking.models import (
    AttributionEntry,
    Click,
    Conversion,
    ConversionKind,
    CreditRule,
    EntryKind,
    PromoCode,
    Refund,
    TrackingLink,
)
from tracking.services.rollups import rollups_mark_dirty

STRENGTH = {CreditRule.CLICK: 0, CreditRule.LEAD: 0, CreditRule.CODE: 1, CreditRule.UTM: 2}
# How long after an order a click id that we cannot find yet is looked for again (the
# click may still be in the Redis buffer, or arrive late from a fallback queue).
LATE_CLICK_HORIZON = datetime.timedelta(days=2)


@dataclasses.dataclass(frozen=True)
class Candidate:
    collaboration: Collaboration
    rule: str
    at: datetime.datetime
    platform: str = ""
    detail: dict = dataclasses.field(default_factory=dict)
    in_window: bool = True
    why_not: str = ""

    def as_evidence(self) -> dict:
        return {
            "collaboration_id": self.collaboration.pk, "creator": self.collaboration.creator.name,
            "campaign_id": self.collaboration.campaign_id, "rule": self.rule,
            "at": self.at.isoformat(), "platform": self.platform, "in_window": self.in_window,
            "why_not": self.why_not, **self.detail,
        }  # fmt: skip


def _campaign_open(campaign: Campaign, at: datetime.datetime, tz) -> tuple[bool, str]:
    day = at.astimezone(tz).date()
    if campaign.start_date and day < campaign.start_date:
        return False, f"before the campaign started ({campaign.start_date})"
    if campaign.end_date:
        last = campaign.end_date + datetime.timedelta(days=campaign.attribution_window_days)
        if day > last:
            return False, f"after the campaign's window closed ({last})"
    return True, ""


def _collaborations(organization: Organization):
    return Collaboration.objects.for_org(organization).select_related("campaign", "creator")


def click_candidates(organization: Organization, conversion: Conversion) -> tuple[list, dict]:
    if not conversion.click_id:
        return [], {}
    try:
        click_uuid = uuid.UUID(conversion.click_id)
    except ValueError:
        return [], {"click_id": conversion.click_id, "found": False, "problem": "not a click id"}
    click = (
        Click.objects.for_org(organization)
        .select_related("link__collaboration__campaign", "link__collaboration__creator")
        .filter(click_id=click_uuid)
        .first()
    )
    if click is None:
        return [], {"click_id": conversion.click_id, "found": False}
    collaboration = click.link.collaboration
    window = datetime.timedelta(days=collaboration.campaign.attribution_window_days)
    age = conversion.occurred_at - click.clicked_at
    why_not = ""
    if age < datetime.timedelta(0):
        why_not = "the click came after the order"
    elif age > window:
        why_not = f"the click was {age.days} days before the order ({window.days}-day window)"
    detail = {"click_id": click.click_id.hex, "link_id": click.link_id,
              "clicked_at": click.clicked_at.isoformat()}  # fmt: skip
    candidate = Candidate(collaboration, CreditRule.CLICK, click.clicked_at, click.link.platform,
                          detail, not why_not, why_not)  # fmt: skip
    return [candidate], {**detail, "found": True}


def collaboration_platform(organization: Organization, collaboration_id: int) -> str:
    """The one platform a collaboration is on (its deliverables' and tracking links'),
    or "" when it has none or several. A code typed at checkout names no platform, so its
    credit takes the collaboration's only when that leaves no doubt; otherwise it stays
    unassigned, and a platform-filtered dashboard says what it leaves out."""
    platforms = set(
        ContentDeliverable.objects.for_org(organization)
        .filter(collaboration_id=collaboration_id)
        .values_list("platform", flat=True)
    ) | set(
        TrackingLink.objects.for_org(organization)
        .filter(collaboration_id=collaboration_id)
        .values_list("platform", flat=True)
    )
    platforms.discard("")
    return platforms.pop() if len(platforms) == 1 else ""


def code_candidates(organization: Organization, conversion: Conversion, tz) -> list[Candidate]:
    if not conversion.discount_codes:
        return []
    codes = (
        PromoCode.objects.for_org(organization)
        .filter(code__in=conversion.discount_codes)
        .select_related("collaboration__campaign", "collaboration__creator")
    )
    found = []
    for code in codes:
        open_, why_not = _campaign_open(code.collaboration.campaign, conversion.occurred_at, tz)
        detail = {"code": code.code, "promo_code_id": code.pk}
        platform = collaboration_platform(organization, code.collaboration_id)
        found.append(Candidate(code.collaboration, CreditRule.CODE, conversion.occurred_at,
                               platform, detail, open_, why_not))  # fmt: skip
    return found


def utm_candidates(organization: Organization, conversion: Conversion, tz) -> list[Candidate]:
    if not (conversion.utm_campaign and conversion.utm_content):
        return []
    handle = conversion.utm_content.strip().lstrip("@").lower()
    accounts = {"creator__accounts__handle": handle}
    if conversion.utm_source:
        accounts["creator__accounts__platform"] = conversion.utm_source.lower()
    matches = _collaborations(organization).filter(
        campaign__slug=conversion.utm_campaign, **accounts
    ).distinct()  # fmt: skip
    utm = _utms(conversion)
    found = []
    for collaboration in matches:
        open_, why_not = _campaign_open(collaboration.campaign, conversion.occurred_at, tz)
        platform = conversion.utm_source.lower()
        found.append(Candidate(collaboration, CreditRule.UTM, conversion.occurred_at, platform,
                               {"utm": utm}, open_, why_not))  # fmt: skip
    return found


def _utms(conversion: Conversion) -> dict:
    keys = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
    return {k: getattr(conversion, k) for k in keys if getattr(conversion, k)}


def lead_candidates(organization: Organization, conversion: Conversion) -> list[Candidate]:
    if conversion.kind != ConversionKind.LEAD or conversion.lead_id is None:
        return []
    lead = conversion.lead
    if lead is None or lead.collaboration_id is None:
        return []
    collaboration = _collaborations(organization).get(pk=lead.collaboration_id)
    detail = {"lead_id": lead.pk}
    return [Candidate(collaboration, CreditRule.LEAD, lead.first_submitted_at, lead.platform,
                      detail)]  # fmt: skip


def candidates_for(organization: Organization, conversion: Conversion) -> tuple[list, dict]:
    tz = ZoneInfo(organization.timezone)
    clicks, click_info = click_candidates(organization, conversion)
    found = [*clicks, *code_candidates(organization, conversion, tz),
             *utm_candidates(organization, conversion, tz),
             *lead_candidates(organization, conversion)]  # fmt: skip
    return found, click_info


def choose(candidates: list[Candidate]) -> Candidate | None:
    """Last touch in the window; ties go to the stronger source."""
    eligible = [c for c in candidates if c.in_window]
    if not eligible:
        return None
    last = max(eligible, key=lambda c: (c.at, -STRENGTH[c.rule]))
    # The same creator's stronger evidence names the rule (their click, with their code).
    same = [c for c in eligible if c.collaboration.pk == last.collaboration.pk]
    return min(same, key=lambda c: STRENGTH[c.rule])


def _new_customer(organization: Organization, conversion: Conversion) -> bool | None:
    if conversion.customer_order_index is not None:
        return conversion.customer_order_index <= 1
    if not conversion.customer_key:
        return None
    earlier = Conversion.objects.for_org(organization).filter(
        customer_key=conversion.customer_key, occurred_at__lt=conversion.occurred_at,
        kind=ConversionKind.SALE, cancelled_at__isnull=True,
    )  # fmt: skip
    return not earlier.exists()


def revenue_of(conversion: Conversion) -> Decimal:
    """METRICS.md: revenue net of discounts and taxes (refunds come as refund entries).
    The subtotal is after discounts and before shipping and tax; without one, the total
    less tax."""
    if conversion.kind == ConversionKind.LEAD:
        return Decimal("0")
    if conversion.subtotal:
        return conversion.subtotal
    return max(conversion.total - conversion.tax, Decimal("0"))


def _reason(winner: Candidate, others: list[Candidate]) -> str:
    rivals = [c for c in others if c.collaboration.pk != winner.collaboration.pk and c.in_window]
    label = CreditRule(winner.rule).label.lower()
    if not rivals:
        return f"{label} of {winner.collaboration.creator.name}"
    beaten = ", ".join(
        f"{CreditRule(c.rule).label.lower()} of {c.collaboration.creator.name} "
        f"({'older' if c.at < winner.at else 'weaker source'})"
        for c in rivals
    )
    return f"last touch: {label} of {winner.collaboration.creator.name}; beat {beaten}"[:300]


def _standing_credit(organization: Organization, conversion: Conversion):
    return (
        AttributionEntry.objects.for_org(organization)
        .filter(conversion=conversion, kind=EntryKind.CREDIT)
        .exclude(reversed_by__kind=EntryKind.REVERSAL)
        .select_related("collaboration")
        .order_by("-id")
        .first()
    )


def _net(organization: Organization, credit: AttributionEntry) -> Decimal:
    refunded = (
        AttributionEntry.objects.for_org(organization)
        .filter(reverses=credit, kind=EntryKind.REFUND)
        .aggregate(total=Sum("revenue"))["total"]
    )
    return credit.revenue + (refunded or Decimal("0"))


def conversion_attribute(*, organization: Organization, conversion: Conversion) -> list:
    """Bring the ledger in line with what the conversion deserves now. Returns the entries
    written (none when nothing changed). Call inside the transaction that changed the
    conversion (conversion_record does)."""
    candidates, click_info = candidates_for(organization, conversion)
    winner = None if conversion.cancelled_at else choose(candidates)
    standing = _standing_credit(organization, conversion)
    revenue = revenue_of(conversion)
    new_customer = _new_customer(organization, conversion) if winner else None
    written: list[AttributionEntry] = []

    same = (
        standing is not None
        and winner is not None
        and standing.collaboration_id == winner.collaboration.pk
        and standing.rule == winner.rule
        and standing.conversion_kind == conversion.kind
        and standing.revenue == revenue
        and standing.currency == conversion.currency
        and standing.new_customer == new_customer
        and standing.effective_at == conversion.occurred_at
    )
    if standing is not None and not same:
        why = "order cancelled" if conversion.cancelled_at else "re-attributed: the order changed"
        if winner is None and not conversion.cancelled_at:
            why = "no candidate left in the window"
        written.append(
            AttributionEntry.objects.create(
                organization=organization,
                conversion=conversion,
                collaboration_id=standing.collaboration_id,
                campaign_id=standing.campaign_id,
                kind=EntryKind.REVERSAL,
                conversion_kind=standing.conversion_kind,
                rule=standing.rule,
                evidence=standing.evidence,
                reason=why,
                reverses=standing,
                conversions=-1,
                revenue=-_net(organization, standing),
                currency=standing.currency,
                new_customer=standing.new_customer,
                platform=standing.platform,
                effective_at=standing.effective_at,
            )  # fmt: skip
        )
        standing = None
    if winner is not None and standing is None:
        evidence = {
            "rule": winner.rule,
            # The winner's own code was on the order (promo-code sales count it).
            "code_used": any(c.rule == CreditRule.CODE and c.in_window
                             and c.collaboration.pk == winner.collaboration.pk
                             for c in candidates),
            "window_days": winner.collaboration.campaign.attribution_window_days,
            "candidates": [c.as_evidence() for c in candidates],
            "click": click_info or None,
            "codes": list(conversion.discount_codes),
            "utm": _utms(conversion),
            "new_customer_by": "order index" if conversion.customer_order_index is not None
                               else ("earlier orders" if conversion.customer_key else None),
        }  # fmt: skip
        standing = AttributionEntry.objects.create(
            organization=organization, conversion=conversion, collaboration=winner.collaboration,
            campaign_id=winner.collaboration.campaign_id, kind=EntryKind.CREDIT,
            conversion_kind=conversion.kind, rule=winner.rule, evidence=evidence,
            reason=_reason(winner, candidates),
            conversions=1, revenue=revenue, currency=conversion.currency,
            new_customer=new_customer, platform=winner.platform,
            effective_at=conversion.occurred_at,
        )  # fmt: skip
        written.append(standing)
    if standing is not None:
        written += _refunds_book(organization, conversion, standing)
    if written:
        rollups_mark_dirty(
            organization=organization,
            touches=[(e.collaboration_id, e.effective_at) for e in written],
        )
    return written


def _refunds_book(organization: Organization, conversion: Conversion, credit) -> list:
    booked = set(
        AttributionEntry.objects.for_org(organization)
        .filter(reverses=credit, kind=EntryKind.REFUND)
        .values_list("refund_id", flat=True)
    )
    remaining = _net(organization, credit)
    entries = []
    for refund in Refund.objects.for_org(organization).filter(conversion=conversion):
        if refund.pk in booked:
            continue
        undone = refund.amount if refund.revenue is None else refund.revenue
        # A refund of shipping or tax alone undoes no revenue: no entry.
        if undone == 0:
            continue
        take = min(undone, max(remaining, Decimal("0")))
        remaining -= take
        entries.append(
            AttributionEntry.objects.create(
                organization=organization,
                conversion=conversion,
                collaboration_id=credit.collaboration_id,
                campaign_id=credit.campaign_id,
                kind=EntryKind.REFUND,
                conversion_kind=credit.conversion_kind,
                rule=credit.rule,
                evidence={
                    "refund": refund.external_id,
                    "code_used": credit.evidence.get("code_used", False),
                },
                reason=(
                    f"refund {refund.amount} {refund.currency}"
                    if undone == refund.amount
                    else f"refund {refund.amount} {refund.currency}, {undone} of it items "
                    "without tax or shipping"
                ),
                reverses=credit,
                refund=refund,
                conversions=0,
                revenue=-take,
                currency=credit.currency,
                new_customer=credit.new_customer,
                platform=credit.platform,
                effective_at=refund.refunded_at,
            )  # fmt: skip
        )
    return entries


def conversions_reattribute_late(*, organization: Organization) -> int:
    """Look again at recent conversions whose click id named no stored click when they
    were attributed, and whose click has been stored since. Beat runs this every minute,
    so the clicks are looked up for all of them in one query first: a click id that
    still names nothing costs no attribution run. Returns how many got a new entry."""
    since = timezone.now() - LATE_CLICK_HORIZON
    pending = list(
        Conversion.objects.for_org(organization)
        .filter(occurred_at__gte=since, cancelled_at__isnull=True)
        .exclude(click_id="")
        .exclude(
            attribution_entries__kind=EntryKind.CREDIT, attribution_entries__rule=CreditRule.CLICK
        )  # fmt: skip
    )
    wanted = {}
    for conversion in pending:
        try:
            wanted[uuid.UUID(conversion.click_id)] = conversion
        except ValueError:
            continue  # not a click id: nothing can arrive for it
    stored = set(
        Click.objects.for_org(organization)
        .filter(click_id__in=list(wanted))
        .values_list("click_id", flat=True)
    )
    changed = 0
    for click_id in stored:
        if conversion_attribute(organization=organization, conversion=wanted[click_id]):
            changed += 1
    return changed
