"""Template helpers for results pages: KPI values read through tracking.kpis.display (so
an undefined ratio reads "—" everywhere), and {% leak_flags_panel campaign %}, the
code-leak panel the campaign dashboard includes."""

from __future__ import annotations

from django import template

from tracking import kpis as kpi_defs
from tracking.models import CreditRule
from tracking.selectors.leaks import leak_flags

register = template.Library()


@register.filter
def kpi(value, unit: str = "count") -> str:
    return kpi_defs.display(value, unit)


@register.filter
def money(value, currency: str = "") -> str:
    return kpi_defs.display(value, "money", currency)


@register.inclusion_tag("tracking/_leak_flags.html", takes_context=True)
def leak_flags_panel(context, campaign) -> dict:
    organization = context["request"].organization
    return {
        "organization": organization,
        "campaign": campaign,
        "flags": leak_flags(organization=organization, campaign=campaign),
    }


@register.filter
def credit_rule_label(rule: str) -> str:
    """A ledger rule's label ("Creator's promo code on the order"); "" for no credit."""
    return CreditRule(rule).label if rule in CreditRule.values else ""
