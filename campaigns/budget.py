"""Committed and spent money, computed from the rows that commit or spend it.

METRICS.md: budget used = committed cost (signed contracts + shipped product + spend) /
budget. No total here is typed by a person: planned amounts live on BudgetLine, and
committed / spent come from one *cost source* per budget category. Each source reads the
tables that record the money and returns CostLines; the budget table, the campaign list
and the pipeline board all add up the same lines, so they never disagree.

KOL fees read the accepted offers and the payment ledger; product cost and shipping read
the shipments (campaigns.services.shipping says when each is committed and spent);
amplification spend and other costs read the campaign expenses the brand records
(campaigns.services.expenses: committed once recorded, spent once marked paid). An
expense that names a creator's collaboration counts against it; one that does not is
campaign-wide (collaboration_id None). A source that finds no rows reports nothing: the
budget shows 0 committed / 0 spent because nothing has been committed or spent yet, not
because a number was made up.

Money in another currency is converted with the rate its offer states (METRICS.md: a
campaign total in another currency says which rate it used; the offer shows it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from campaigns.models import (
    BudgetCategory,
    CampaignExpense,
    Collaboration,
    ExpenseStatus,
    PaymentItem,
    PaymentKind,
    PaymentStatus,
    Shipment,
    ShipmentItem,
)
from kolhub.models import Organization

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def converted(amount: Decimal, rate: Decimal | None) -> Decimal:
    """An amount in an offer's currency, in the campaign's (rate None: the same currency)."""
    return (amount * (rate or 1)).quantize(CENT)


@dataclass(frozen=True)
class CostLine:
    """Money one collaboration (or, with collaboration_id None, the campaign as a whole:
    unallocated spend) has committed and spent in one category, in the campaign's
    currency."""

    campaign_id: int
    collaboration_id: int | None
    category: str
    committed: Decimal = ZERO
    spent: Decimal = ZERO


CostSource = Callable[[Organization, Sequence[int]], Iterable[CostLine]]


def kol_fees_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Fees and commissions, per collaboration with agreed terms. Committed: the accepted
    offer's fee plus the commissions tracking has computed so far (0 until then); spent:
    the ledger rows marked paid. Both converted with the offer's rate."""
    committed: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    spent: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    agreed = (
        Collaboration.objects.for_org(organization)
        .filter(campaign_id__in=campaign_ids, terms__isnull=False)
        .values_list("pk", "campaign_id", "terms__fee", "terms__exchange_rate")
    )
    for collaboration_id, campaign_id, fee, rate in agreed:
        committed[(campaign_id, collaboration_id)] += converted(fee, rate)
    rows = (
        PaymentItem.objects.for_org(organization)
        .filter(collaboration__campaign_id__in=campaign_ids,
                offer_id=F("collaboration__terms_id"))
        .values_list("collaboration_id", "collaboration__campaign_id", "kind", "amount",
                     "status", "offer__exchange_rate")
    )  # fmt: skip
    for collaboration_id, campaign_id, kind, amount, status, rate in rows:
        key = (campaign_id, collaboration_id)
        if kind == PaymentKind.COMMISSION:
            committed[key] += converted(amount, rate)
        if status == PaymentStatus.PAID:
            spent[key] += converted(amount, rate)
    return [
        CostLine(campaign_id, collaboration_id, BudgetCategory.KOL_FEES,
                 committed.get((campaign_id, collaboration_id), ZERO),
                 spent.get((campaign_id, collaboration_id), ZERO))
        for campaign_id, collaboration_id in sorted(committed.keys() | spent.keys())
    ]  # fmt: skip


def product_cost_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Product given to creators: unit cost (as it was when the parcel was made) × units,
    per shipment. Committed when the shipment is created; spent once it has shipped (in
    transit or later: campaigns.services.shipping)."""
    committed: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    spent: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    rows = (
        ShipmentItem.objects.for_org(organization)
        .filter(shipment__collaboration__campaign_id__in=campaign_ids)
        .values_list("shipment__collaboration__campaign_id", "shipment__collaboration_id",
                     "unit_cost", "quantity", "shipment__shipped_at")
    )  # fmt: skip
    for campaign_id, collaboration_id, unit_cost, quantity, shipped_at in rows:
        cost = (unit_cost * quantity).quantize(CENT)
        committed[(campaign_id, collaboration_id)] += cost
        if shipped_at is not None:
            spent[(campaign_id, collaboration_id)] += cost
    return [
        CostLine(campaign_id, collaboration_id, BudgetCategory.PRODUCT_COST,
                 committed[(campaign_id, collaboration_id)], spent[(campaign_id, collaboration_id)])
        for campaign_id, collaboration_id in sorted(committed)
    ]  # fmt: skip


def shipping_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Carrier cost entered on each shipment, in the campaign's currency: committed and
    spent from the moment it is entered (the label is paid for when it is made)."""
    totals: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    rows = (
        Shipment.objects.for_org(organization)
        .filter(collaboration__campaign_id__in=campaign_ids)
        .values_list("collaboration__campaign_id", "collaboration_id", "cost")
    )
    for campaign_id, collaboration_id, cost in rows:
        totals[(campaign_id, collaboration_id)] += cost
    return [
        CostLine(campaign_id, collaboration_id, BudgetCategory.SHIPPING, total, total)
        for (campaign_id, collaboration_id), total in sorted(totals.items())
    ]


def _expense_costs(
    organization: Organization, campaign_ids: Sequence[int], category: str
) -> list[CostLine]:
    """One category of campaign expenses, per collaboration or campaign-wide. Committed:
    every expense (it is a cost from the moment it is recorded); spent: the paid ones.
    Amounts are in the campaign's currency already, so nothing is converted."""
    committed: dict[tuple[int, int | None], Decimal] = defaultdict(lambda: ZERO)
    spent: dict[tuple[int, int | None], Decimal] = defaultdict(lambda: ZERO)
    rows = (
        CampaignExpense.objects.for_org(organization)
        .filter(campaign_id__in=campaign_ids, category=category)
        .values_list("campaign_id", "collaboration_id", "amount", "status")
    )
    for campaign_id, collaboration_id, amount, status in rows:
        committed[(campaign_id, collaboration_id)] += amount
        if status == ExpenseStatus.PAID:
            spent[(campaign_id, collaboration_id)] += amount
    # None (campaign-wide) sorts after every collaboration of its campaign.
    return [
        CostLine(campaign_id, collaboration_id, category, total,
                 spent.get((campaign_id, collaboration_id), ZERO))
        for (campaign_id, collaboration_id), total in sorted(
            committed.items(), key=lambda item: (item[0][0], item[0][1] is None, item[0][1] or 0)
        )
    ]  # fmt: skip


def amplification_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Paid amplification of creators' content (boosting a post as an ad), from the
    campaign expenses recorded under it."""
    return _expense_costs(organization, campaign_ids, BudgetCategory.AMPLIFICATION)


def other_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Anything else the campaign pays for (a venue, a photographer), from the campaign
    expenses recorded as other."""
    return _expense_costs(organization, campaign_ids, BudgetCategory.OTHER)


#: category -> the function that reads its committed / spent money.
COST_SOURCES: dict[str, CostSource] = {
    BudgetCategory.KOL_FEES: kol_fees_costs,
    BudgetCategory.PRODUCT_COST: product_cost_costs,
    BudgetCategory.SHIPPING: shipping_costs,
    BudgetCategory.AMPLIFICATION: amplification_costs,
    BudgetCategory.OTHER: other_costs,
}


def cost_lines(*, organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Every cost line of these campaigns, from every source (one call per source, so a
    page of campaigns costs a fixed number of queries, not one per campaign)."""
    if not campaign_ids:
        return []
    lines: list[CostLine] = []
    for category, source in COST_SOURCES.items():
        for line in source(organization, list(campaign_ids)):
            if line.category != category:
                raise ValueError(f"{source.__name__} returned a {line.category!r} line")
            lines.append(line)
    return lines


def committed_by_campaign(lines: Iterable[CostLine]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        totals[line.campaign_id] += line.committed
    return dict(totals)


def committed_by_collaboration(lines: Iterable[CostLine]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.collaboration_id is not None:
            totals[line.collaboration_id] += line.committed
    return dict(totals)
