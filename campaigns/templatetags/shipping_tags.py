"""{% shipping_panel %} on the collaboration page and {% seeding_funnel_card %} on the
campaign page: shipping serves its own parts of pages other views own, reading what it
needs itself, so those views stay as they are."""

from __future__ import annotations

from django import template

from campaigns import selectors
from campaigns.models import ShipmentStatus
from campaigns.shipping.addresses import country_name

register = template.Library()


@register.inclusion_tag("campaigns/_shipping.html", takes_context=True)
def shipping_panel(context) -> dict:
    from campaigns.views.shipping import shipment_form

    organization, collaboration = context["organization"], context["collaboration"]
    address = selectors.address_get(organization=organization, creator=collaboration.creator)
    return {
        "request": context.get("request"),
        "organization": organization,
        "campaign": context["campaign"],
        "collaboration": collaboration,
        "can_write": context.get("can_write"),
        "address": address,
        "address_country": country_name(address.country) if address else "",
        "shipments": selectors.collaboration_shipments(organization=organization,
                                                       collaboration=collaboration),
        "form": context.get("shipment_form") or shipment_form(context["campaign"]),
        "form_open": context.get("shipment_form_open", False),
        "statuses": ShipmentStatus.choices,
        "csrf_token": context.get("csrf_token"),
    }  # fmt: skip


@register.inclusion_tag("campaigns/_seeding_funnel.html", takes_context=True)
def seeding_funnel_card(context) -> dict:
    organization, campaign = context["organization"], context["campaign"]
    return {
        "organization": organization,
        "campaign": campaign,
        "can_write": context.get("can_write"),
        "funnel": selectors.seeding_funnel(organization=organization, campaign=campaign),
        "csrf_token": context.get("csrf_token"),
    }
