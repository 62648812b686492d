"""{% portal_tracking %}: the creator's own promo codes, landing page and lead count on a
portal collaboration page. Read by collaboration — the one the portal already resolved
for its creator — so nothing of another creator can appear.

{% portal_tracking_links %}: the creator's own tracking links for this collaboration,
with their click counts, to paste into captions and bios. Read by tracking's selectors
for the collaboration the portal already resolved for its own creator."""

from __future__ import annotations

from django import template

from tracking import selectors

register = template.Library()


@register.inclusion_tag("portal/_tracking.html", takes_context=True)
def portal_tracking(context) -> dict:
    organization = context["request"].portal.organization
    collaboration = context["collaboration"]
    codes = selectors.promo_code_list(organization=organization, collaboration=collaboration)
    return {
        "request": context["request"],
        "codes": [code for code in codes if code.is_active],
        "page": selectors.landing_page_for_collaboration(
            organization=organization, collaboration=collaboration
        ),
        "lead_count": selectors.lead_count_for_collaboration(
            organization=organization, collaboration=collaboration
        ),
    }


@register.inclusion_tag("portal/_tracking_links.html", takes_context=True)
def portal_tracking_links(context) -> dict:
    portal = context["request"].portal
    collaboration = context["collaboration"]
    links = []
    # Belt and braces: only links of a collaboration of the portal's own creator.
    if collaboration.creator_id == portal.creator.pk:
        links = selectors.tracking_link_list(
            organization=portal.organization, collaboration=collaboration
        )
    return {"links": links, "base_url": context["request"].build_absolute_uri("/r/")}
