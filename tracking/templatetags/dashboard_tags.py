"""How dashboard figures read: tracking.kpis.display, so "—" for undefined ratios."""

from django import template

from tracking.kpis import display

register = template.Library()


@register.simple_tag
def kpi(value, unit="count", currency=""):
    return display(value, unit, currency)


@register.simple_tag
def kpi_of(kpis, key, unit="count", currency=""):
    return display(kpis.value(key), unit, currency)
