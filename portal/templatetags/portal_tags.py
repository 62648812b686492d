"""{% portal_url "collaboration" collaboration_id=c.pk %}: a portal page for the way the
visitor came in (their link, or their account), so one template serves both."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_url(context, name: str, **kwargs) -> str:
    return context["request"].portal.url(name, **kwargs)
