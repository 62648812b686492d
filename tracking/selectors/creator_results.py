"""A creator's results, per campaign they worked on: figures from the daily rollups
(tracking.selectors.results, computed by tracking.kpis), their tracking links and promo
codes, and their commissions (campaigns' payment ledger).

The brand's creator page and the creator's own portal page read the same function; the
portal passes its own creator, so nothing of another creator can be in the answer. Five
queries, whatever the number of campaigns."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from campaigns.models import Collaboration, PaymentItem, PaymentKind
from campaigns.selectors import payment_queryset
from kolhub.models import Organization
from tracking.kpis import Kpis, Totals, commission, kpis
from tracking.models import PromoCode, TrackingLink
from tracking.selectors.results import creator_totals


@dataclass(frozen=True)
class Commission:
    item: PaymentItem
    # percent × attributed revenue when the payment is in the campaign's currency; None
    # otherwise (no exchange rates are kept, so nothing is converted silently).
    accrued: Decimal | None


@dataclass(frozen=True)
class CampaignResult:
    collaboration: Collaboration
    kpis: Kpis
    links: list[TrackingLink] = field(default_factory=list)
    codes: list[PromoCode] = field(default_factory=list)
    commissions: list[Commission] = field(default_factory=list)

    @property
    def campaign(self):
        return self.collaboration.campaign


def creator_results(
    *,
    organization: Organization,
    creator_id: int,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    hidden_stages: Iterable[str] = (),
) -> list[CampaignResult]:
    """One entry per collaboration of the creator in this organization, newest first.
    The portal passes the stages a creator does not see (a shortlist is the brand's)."""
    collaborations = list(
        Collaboration.objects.for_org(organization)
        .filter(creator_id=creator_id)
        .exclude(stage__in=list(hidden_stages))
        .select_related("campaign", "creator")
        .order_by("-campaign__start_date", "-id")
    )
    ids = [c.pk for c in collaborations]
    if not ids:
        return []
    totals = creator_totals(organization=organization, creator_id=creator_id,
                            date_from=date_from, date_to=date_to)  # fmt: skip
    totals = {key: value for key, value in totals.items() if key in ids}
    links: dict[int, list[TrackingLink]] = defaultdict(list)
    for link in (
        TrackingLink.objects.for_org(organization)
        .filter(collaboration_id__in=ids)
        .order_by("platform", "id")
    ):
        links[link.collaboration_id].append(link)
    codes: dict[int, list[PromoCode]] = defaultdict(list)
    for code in (
        PromoCode.objects.for_org(organization).filter(collaboration_id__in=ids).order_by("code")
    ):
        codes[code.collaboration_id].append(code)
    items: dict[int, list[PaymentItem]] = defaultdict(list)
    for item in payment_queryset(organization=organization).filter(
        collaboration_id__in=ids, kind=PaymentKind.COMMISSION
    ):
        items[item.collaboration_id].append(item)

    results = []
    for collaboration in collaborations:
        campaign = collaboration.campaign
        figures = kpis(totals.get(collaboration.pk, Totals()), objective=campaign.objective)
        results.append(CampaignResult(
            collaboration=collaboration, kpis=figures,
            links=links[collaboration.pk], codes=codes[collaboration.pk],
            commissions=[
                Commission(item=item, accrued=(
                    commission(figures.totals.revenue, item.percent)
                    if item.currency == campaign.currency else None
                ))
                for item in items[collaboration.pk]
            ],
        ))  # fmt: skip
    return results
