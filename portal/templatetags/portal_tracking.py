"""{% portal_tracking_links %}: the creator's own tracking links for this collaboration,
with their click counts, to paste into captions and bios. Read by tracking's selectors
for the collaboration the portal already resolved for its own creator."""

from __future__ import annotations

from django import template

from tracking import selectors

register = template.Library()


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
