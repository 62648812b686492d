"""Every KPI of METRICS.md, computed here and nowhere else.

`Totals` holds summed rollup figures (tracking.selectors.results builds them from
DailyRollup); `kpis(totals, objective=...)` turns them into the figures every dashboard,
export, report and API field shows. A ratio whose denominator is zero is None, which
`display` renders as "—" (never 0, never infinity).

Money: `revenue`, `refunds`, `code_revenue` and `cost` are in the campaign's currency.
Revenue booked in another currency is kept apart in `other_revenue` ({currency: amount})
and left out of ROAS / ROI / CPA, which say so: KOL Hub keeps no exchange rates, so it
never converts silently.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

from campaigns.models import Metric, Objective, metric_unit
from tracking.models.rollups import COUNT_FIELDS, MONEY_FIELDS

# The figures a rollup row holds (tracking.models.rollups): counts, and money.
COUNTS = COUNT_FIELDS
MONEYS = MONEY_FIELDS


@dataclasses.dataclass
class Totals:
    clicks: int = 0
    unique_clicks: int = 0
    leads: int = 0
    conversions: int = 0
    new_customers: int = 0
    code_conversions: int = 0
    reach: int = 0
    impressions: int = 0
    engagements: int = 0
    saves: int = 0
    views: int = 0
    # Followers at posting time of posts whose reach is unknown, and the engagements of
    # posts with a reach or such followers: engagement rate's per-post denominators.
    followers: int = 0
    rated_engagements: int = 0
    revenue: Decimal = Decimal("0")
    refunds: Decimal = Decimal("0")
    code_revenue: Decimal = Decimal("0")
    cost: Decimal = Decimal("0")
    other_revenue: dict[str, Decimal] = dataclasses.field(default_factory=dict)

    def __add__(self, other: Totals) -> Totals:
        summed = Totals(**{f: getattr(self, f) + getattr(other, f) for f in (*COUNTS, *MONEYS)})
        summed.other_revenue = dict(self.other_revenue)
        for currency, amount in other.other_revenue.items():
            summed.other_revenue[currency] = summed.other_revenue.get(currency, 0) + amount
        return summed


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator, or None when the denominator is zero (shown as "—")."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def conversions_for(totals: Totals, objective: str) -> int:
    """METRICS.md: conversions are attributed orders, or leads for lead generation."""
    return totals.leads if objective == Objective.LEAD_GENERATION else totals.conversions


@dataclasses.dataclass(frozen=True)
class Kpis:
    """The figures one scope (campaign, creator, day, platform) shows."""

    totals: Totals
    objective: str

    @property
    def conversions(self) -> int:
        return conversions_for(self.totals, self.objective)

    @property
    def engagement_rate(self) -> Decimal | None:
        """METRICS.md: engagements / reach; where a post's reach is unknown, its
        engagements / its followers at posting time. Each post brings its own denominator,
        so a post without reach neither inflates the rate nor is dropped from it when its
        followers are known; a post with neither counts in no rate."""
        t = self.totals
        return ratio(t.rated_engagements, t.reach + t.followers)

    @property
    def engagement_rate_by_followers(self) -> bool:
        """True when some of the rate was divided by followers (a post's reach unknown):
        METRICS.md says to label it "by followers"."""
        return self.engagement_rate is not None and bool(self.totals.followers)

    @property
    def engagement_rate_label(self) -> str:
        """The label a rate is shown with: "by followers" when only followers divided it,
        "partly by followers" when some posts had reach and some did not."""
        if not self.engagement_rate_by_followers:
            return ""
        return "partly by followers" if self.totals.reach else "by followers"

    @property
    def ctr(self) -> Decimal | None:
        return ratio(self.totals.clicks, self.totals.impressions)

    @property
    def conversion_rate(self) -> Decimal | None:
        return ratio(self.conversions, self.totals.clicks)

    @property
    def landing_conversion_rate(self) -> Decimal | None:
        return ratio(self.totals.leads, self.totals.clicks)

    @property
    def cpa(self) -> Decimal | None:
        return ratio(self.totals.cost, self.conversions)

    @property
    def cpa_new_customer(self) -> Decimal | None:
        return ratio(self.totals.cost, self.totals.new_customers)

    @property
    def cost_per_lead(self) -> Decimal | None:
        return ratio(self.totals.cost, self.totals.leads)

    @property
    def roas(self) -> Decimal | None:
        return ratio(self.totals.revenue, self.totals.cost)

    @property
    def roi(self) -> Decimal | None:
        return ratio(self.totals.revenue - self.totals.cost, self.totals.cost)

    def value(self, metric: str) -> Decimal | int | None:
        """A KPI by its campaigns.Metric key (what a KPI target names). Share of voice is
        not a rollup figure: tracking.selectors.metrics.share_of_voice gives it."""
        if metric in COUNTS or metric in MONEYS:
            return getattr(self.totals, metric)
        if metric == Metric.CONVERSIONS:
            return self.conversions
        if metric == Metric.WEBSITE_TRAFFIC:
            # The sessions KOL Hub sees land: visits through the creator's tracking links
            # (each carries the click id and UTMs), repeats within 30 minutes once.
            return self.totals.clicks
        if hasattr(type(self), metric):
            return getattr(self, metric)
        raise KeyError(metric)


def kpis(totals: Totals, *, objective: str) -> Kpis:
    return Kpis(totals=totals, objective=objective)


# METRICS.md's cost KPIs that can carry a target (campaigns.Metric): a CPA or a cost per
# lead meets its target at or below it, so progress reads target / actual.
LOWER_IS_BETTER = frozenset({Metric.CPA, Metric.COST_PER_LEAD})


def progress(actual, target, *, lower_is_better: bool = False) -> Decimal | None:
    """Actual / target (target / actual for a lower-is-better KPI): 1 or more is on
    target either way."""
    if actual is None:
        return None
    return ratio(target, actual) if lower_is_better else ratio(actual, target)


def pace(actual, target, *, elapsed_days: int, total_days: int) -> Decimal | None:
    """Actual / what the target expects by today (a straight line from start to end).
    Only for figures that add up over the campaign, which are all higher-is-better."""
    if actual is None or not total_days or elapsed_days <= 0:
        return None
    expected = Decimal(target) * Decimal(min(elapsed_days, total_days)) / Decimal(total_days)
    return ratio(actual, expected)


@dataclasses.dataclass(frozen=True)
class TargetFigures:
    progress: Decimal | None
    pace: Decimal | None
    met: bool | None  # None while the KPI is undefined ("—")
    lower_is_better: bool


def target_figures(metric: str, actual, target_value, *, elapsed_days: int,
                   total_days: int) -> TargetFigures:  # fmt: skip
    """Progress, pace and whether one KPI target is met. A percentage target is stored as
    the marketer typed it (2.5 for 2.5 %) while the KPI is a ratio (0.025), so it is
    scaled first. Pace is for figures that add up over the campaign (counts and money); a
    rate (CTR, ROAS, CPA) has no "expected by today", so its pace is None ("—")."""
    target = Decimal(target_value)
    if unit_of(metric) == "percent":
        target = target / 100
    lower = metric in LOWER_IS_BETTER
    cumulative = metric in COUNTS or metric in MONEYS or metric == Metric.CONVERSIONS
    return TargetFigures(
        progress=progress(actual, target, lower_is_better=lower),
        pace=pace(actual, target, elapsed_days=elapsed_days, total_days=total_days)
        if cumulative
        else None,
        met=None if actual is None else (actual <= target if lower else actual >= target),
        lower_is_better=lower,
    )


def display(value, unit: str = "count", currency: str = "") -> str:
    """How a figure reads on a screen or in an export: "—" for an undefined ratio."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    if unit == "ratio":
        return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP)}×"
    if unit == "money":
        amount = Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return f"{amount:,} {currency}".strip()
    return f"{int(value):,}"


def unit_of(metric: str) -> str:
    """How a KPI reads: money, percent, ratio or count (campaigns.models.METRIC_UNITS)."""
    return metric_unit(metric)


def commission(revenue: Decimal, percent: Decimal) -> Decimal:
    """What a commission of `percent` % earns on attributed revenue (the campaigns
    payment's commission percent), rounded to the cent."""
    return (Decimal(revenue) * Decimal(percent) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def headline(k: Kpis, metrics, currency: str) -> list[dict]:
    """The figures a campaign's objective picks (campaigns.OBJECTIVE_METRICS), each with
    its raw value and how it reads: what overview rows, exports and reports show."""
    out = []
    for metric in metrics:
        value = k.value(metric)
        unit = unit_of(metric)
        label = Metric(metric).label if metric in Metric.values else str(metric)
        out.append({"metric": str(metric), "label": label, "unit": unit, "value": value,
                    "display": display(value, unit, currency)})  # fmt: skip
    return out
