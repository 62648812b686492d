"""Display helpers for campaign pages: money with its currency, KPI target values in
their unit, stage names."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from campaigns import pipeline
from campaigns.budget import converted
from campaigns.models import Metric, metric_unit
from campaigns.terms import money_text, percent_text

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """1234.5, "USD" -> "USD 1,234.50"; None -> "—" (no figure, not zero)."""
    return money_text(amount, currency)


@register.filter
def kpi_value(target, currency: str = "") -> str:
    """A KPI target in its unit: money, a percentage, a multiple or a count."""
    value = Decimal(str(target.target_value)).normalize()
    unit = metric_unit(target.metric)
    if unit == "money":
        return money(target.target_value, currency)
    if unit == "percent":
        return f"{value:f}%"
    if unit == "ratio":
        return f"{value:f}×"
    return intcomma(f"{value:f}")


@register.filter
def stage_label(stage: str) -> str:
    return pipeline.label(stage)


@register.filter
def metric_label(metric: str) -> str:
    return Metric(metric).label if metric in Metric.values else metric


@register.filter
def percent(value) -> str:
    return percent_text(value)


@register.filter
def convert(amount, rate):
    """An amount in an offer's currency, in the campaign's, with the offer's rate."""
    return converted(Decimal(str(amount)), rate)
