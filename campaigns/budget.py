"""Committed and spent money, computed from the rows that commit or spend it.

METRICS.md: budget used = committed cost (signed contracts + shipped product + spend) /
budget. Nothing here is typed by a person: planned amounts live on BudgetLine, and
committed / spent come from one *cost source* per budget category. Each source reads the
tables that record the money and returns CostLines; the budget table, the campaign list
and the pipeline board all add up the same lines, so they never disagree.

The sources below read what exists in this slice of campaigns. The tables that will commit
and spend money (offers, shipments, payments, amplification spend) arrive with later
slices of issue 4; each of those slices fills the source of its category here, and the
figures everywhere follow. Until then a source finds no rows and reports nothing: the
budget shows 0 committed / 0 spent because nothing has been committed or spent yet, not
because a number was made up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from campaigns.models import BudgetCategory
from kolhub.models import Organization

ZERO = Decimal("0.00")


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
    """Fees and commissions. Committed: the fee of each collaboration's accepted offer;
    spent: the payment-ledger rows marked paid. The offers and payments slices read their
    tables here; in this slice neither table exists, so nothing is committed yet."""
    return []


def product_cost_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Product given to creators: unit cost × units on each shipment (committed when a
    shipment is created, spent when it is shipped). Filled by the shipping slice."""
    return []


def shipping_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Carrier cost entered on each shipment (committed = spent once entered). Filled by
    the shipping slice."""
    return []


def amplification_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Paid amplification of creators' content. Filled by the slice that records ad spend
    (tracking's connectors)."""
    return []


def other_costs(organization: Organization, campaign_ids: Sequence[int]) -> list[CostLine]:
    """Anything else the campaign pays for, from the payment ledger's non-fee rows."""
    return []


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
