"""Filters for the content-metrics page. Numbers go through tracking.kpis.display, so a
ratio with a zero denominator reads "—" here as on every other screen."""

from __future__ import annotations

from django import template

from tracking.kpis import display

register = template.Library()


@register.filter
def percent(value) -> str:
    return display(value, "percent")


@register.filter
def count(value) -> str:
    return display(value, "count")
