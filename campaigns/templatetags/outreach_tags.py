"""Outreach on the collaboration page, which other slices own too: the message thread is
one include tag, so that template gains one line and its view stays as it is.

`{% message_text message %}` shows a stored message as the other side read it, with the
portal link's placeholder in words (the link itself is never stored)."""

from __future__ import annotations

from django import template

from campaigns import merge_fields, selectors
from campaigns.forms.outreach import MessageForm
from campaigns.selectors.outreach import PITCHABLE

register = template.Library()


@register.inclusion_tag("campaigns/_outreach_thread.html", takes_context=True)
def collaboration_thread(context, collaboration):
    organization = context["organization"]
    thread = selectors.outreach_thread(organization=organization, collaboration=collaboration)
    return {
        "request": context["request"], "organization": organization,
        "collaboration": collaboration, "campaign_id": collaboration.campaign_id,
        "thread": thread, "can_write": context.get("can_write"),
        "unread": sum(1 for m in thread if m.side == "creator" and m.read_at is None),
        "pitchable": collaboration.stage in PITCHABLE, "form": MessageForm(),
        "csrf_token": context.get("csrf_token"),
    }  # fmt: skip


@register.filter
def message_text(message, who: str = "brand") -> str:
    """The stored text with {{ portal_link }} in words: the creator is already in the
    portal; the brand sees that the email carried the link."""
    words = "[your portal link]" if who == "creator" else "[portal link]"
    return merge_fields.with_portal_link(message.body, words) if merge_fields.has_portal_link(
        message.body) else message.body  # fmt: skip
