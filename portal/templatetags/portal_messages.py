"""{% portal_thread collaboration %}: the collaboration's message thread and a reply form,
for the portal's collaboration page (one line there, the view unchanged)."""

from __future__ import annotations

from django import template

from campaigns import selectors

register = template.Library()


@register.inclusion_tag("portal/_messages.html", takes_context=True)
def portal_thread(context, collaboration):
    request = context["request"]
    portal = request.portal
    return {
        "request": request, "portal": portal, "brand": portal.organization,
        "collaboration": collaboration, "csrf_token": context.get("csrf_token"),
        "thread": selectors.outreach_thread(organization=portal.organization,
                                            collaboration=collaboration),
    }  # fmt: skip
