"""{% collaboration_tracking_panel %} on the collaboration page: the creator's promo
codes, landing page and lead count. Tracking serves its own part of a page campaigns
owns, reading what it needs itself, so campaigns imports nothing of tracking.

{% tracking_links_panel %} on the collaboration page: tracking serves its own part of
a page campaigns owns, reading what it needs itself (campaigns never imports tracking)."""

from __future__ import annotations

from django import template

from creators.models import Platform
from tracking import selectors

register = template.Library()


@register.inclusion_tag("tracking/_collaboration_panel.html", takes_context=True)
def collaboration_tracking_panel(context) -> dict:
    organization, collaboration = context["organization"], context["collaboration"]
    return {
        "request": context.get("request"),
        "organization": organization,
        "campaign": context["campaign"],
        "collaboration": collaboration,
        "can_write": context.get("can_write"),
        "codes": selectors.promo_code_list(organization=organization, collaboration=collaboration),
        "page": selectors.landing_page_for_collaboration(
            organization=organization, collaboration=collaboration
        ),
        "lead_count": selectors.lead_count_for_collaboration(
            organization=organization, collaboration=collaboration
        ),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("tracking/_links.html", takes_context=True)
def tracking_links_panel(context) -> dict:
    organization, collaboration = context["organization"], context["collaboration"]
    request = context.get("request")
    return {
        "organization": organization,
        "campaign": context["campaign"],
        "collaboration": collaboration,
        "can_write": context.get("can_write"),
        "links": selectors.tracking_link_list(
            organization=organization, collaboration=collaboration
        ),
        "platforms": Platform.choices,
        "base_url": request.build_absolute_uri("/r/") if request else "/r/",
        "csrf_token": context.get("csrf_token"),
    }
