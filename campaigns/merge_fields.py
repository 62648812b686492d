"""Pitch templates' merge fields: the closed list, checking a template against it, and
filling it in.

No template language on purpose. A pitch template is written by any member and rendered
with data about a creator; Django's or Jinja's engine would offer attribute lookups,
filters and tags (`{{ creator.__class__ }}`, `{% debug %}`), each a way to reach what the
author should not. Here `{{ name }}` is replaced by a plain string from a dict built for
the purpose, and anything else between braces is refused by name when the template is
saved. Values are inserted as text: the pitch goes out as text/plain, and every page that
shows it escapes it.

Nothing here reads the database; campaigns.selectors.outreach builds the values."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError

# name -> what it is, in the words the template editor shows.
MERGE_FIELDS: dict[str, str] = {
    "creator_name": "The creator's name",
    "creator_first_name": "The first word of the creator's name",
    "recent_work": "Their main channel, with its link (name a specific post in the preview)",
    "campaign_name": "The campaign's name",
    "products": "The campaign's products, comma separated",
    "offer_summary": "The offer on the table (fee and deliverables); empty when there is none",
    "brand_name": "Your organization's name",
    "sender_name": "The name of the person sending it",
    "portal_link": "The creator's private portal link, created when the email is sent",
}
PORTAL_LINK = "portal_link"
PORTAL_LINK_PLACEHOLDER = "{{ portal_link }}"


def placeholder(name: str) -> str:
    return "{{ " + name + " }}"


# Anything that looks like a template construct: {{ … }}, {% … %}, {# … #}.
_FIELD = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_NAME = re.compile(r"\s*([a-z_]+)\s*")


def unknown_fields(text: str) -> list[str]:
    """The names between {{ }} that are not merge fields, in order, once each."""
    found: list[str] = []
    for match in _FIELD.finditer(text):
        name = match.group(1).strip()
        ok = _NAME.fullmatch(match.group(1))
        if (not ok or ok.group(1) not in MERGE_FIELDS) and name not in found:
            found.append(name)
    return found


def check_template(**parts: str) -> None:
    """ValidationError per part (subject, body) naming every unknown field or tag."""
    errors: dict[str, list[str]] = {}
    for part, text in parts.items():
        messages = []
        unknown = unknown_fields(text)
        if unknown:
            names = ", ".join(placeholder(name) for name in unknown)
            messages.append(
                f"Unknown merge field{'s' if len(unknown) > 1 else ''}: {names}. Use only "
                + ", ".join(placeholder(n) for n in MERGE_FIELDS)
                + "."
            )
        tags = _TAG.findall(text)
        if tags:
            messages.append(
                f"Template tags such as {tags[0]} are not supported: a template only fills in "
                "merge fields such as {{ creator_name }}."
            )
        if messages:
            errors[part] = messages
    if errors:
        raise ValidationError(errors)


def fill(text: str, values: Mapping[str, str], *, keep: tuple[str, ...] = ()) -> str:
    """`text` with each known {{ field }} replaced by its value (as plain text); fields in
    `keep` stay as their placeholder (the portal link, which exists only once the email
    is sent). Unknown fields are left as typed: a checked template has none, and text a
    person edited is theirs."""

    def one(match: re.Match) -> str:
        ok = _NAME.fullmatch(match.group(1))
        if not ok or ok.group(1) not in MERGE_FIELDS:
            return match.group(0)
        name = ok.group(1)
        if name in keep:
            return placeholder(name)
        return str(values.get(name, ""))

    filled = _FIELD.sub(one, text)
    # An empty field (no offer yet) must not leave a gap of blank lines behind.
    return re.sub(r"\n{3,}", "\n\n", filled).strip()


def has_portal_link(text: str) -> bool:
    return any(
        (ok := _NAME.fullmatch(m.group(1))) is not None and ok.group(1) == PORTAL_LINK
        for m in _FIELD.finditer(text)
    )


def with_portal_link(text: str, link: str) -> str:
    """The text as emailed: every {{ portal_link }} replaced by the link; a text whose
    placeholder was edited away gets the link at the end, since the invite link is the
    point of the email."""
    if not has_portal_link(text):
        return f"{text.rstrip()}\n\nYour private portal: {link}"
    return _FIELD.sub(
        lambda m: (
            link
            if (ok := _NAME.fullmatch(m.group(1))) is not None and ok.group(1) == PORTAL_LINK
            else m.group(0)
        ),
        text,
    )


DEFAULT_PITCH = {
    "name": "Personal pitch",
    "subject": "{{ brand_name }} × {{ creator_name }}: {{ campaign_name }}",
    "body": (
        "Hi {{ creator_first_name }},\n\n"
        "I have been following {{ recent_work }}, and it is exactly the kind of voice we "
        "want behind {{ campaign_name }}.\n\n"
        "We would love you to try {{ products }} and tell your audience what you really "
        "think of it.\n\n"
        "{{ offer_summary }}\n\n"
        "Everything is in your private portal, no password needed: the details, the offer, "
        "and a place to reply to me directly.\n"
        "{{ portal_link }}\n\n"
        "Best,\n{{ sender_name }}\n{{ brand_name }}"
    ),
}
DEFAULT_FOLLOW_UP = {
    "name": "Friendly follow-up",
    "subject": "Re: {{ brand_name }} × {{ creator_name }}: {{ campaign_name }}",
    "body": (
        "Hi {{ creator_first_name }},\n\n"
        "Just bringing my note about {{ campaign_name }} back to the top of your inbox. If "
        "it is not the right time, a quick no is perfectly fine too.\n\n"
        "Your portal, with the details and a place to reply:\n{{ portal_link }}\n\n"
        "Best,\n{{ sender_name }}\n{{ brand_name }}"
    ),
}
