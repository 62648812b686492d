"""{% portal_shipping %}: the shipping section of a portal collaboration page (the
creator's address form and their parcels), read by shipping itself so the page's view
stays as it is. Everything is of the portal's own creator: the address by creator, the
shipments by the collaboration the portal already resolved for them."""

from __future__ import annotations

from django import template

from campaigns import selectors
from campaigns.forms.shipping import AddressForm

register = template.Library()


@register.inclusion_tag("portal/_shipping.html", takes_context=True)
def portal_shipping(context) -> dict:
    portal = context["request"].portal
    collaboration = context["collaboration"]
    address = selectors.address_get(organization=portal.organization, creator=portal.creator)
    form = context.get("address_form")
    if form is None:
        initial = {f: getattr(address, f) for f in AddressForm.base_fields} if address else {}
        form = AddressForm(initial=initial)
    return {
        "request": context["request"],
        "brand": portal.organization,
        "collaboration": collaboration,
        "address": address,
        "form": form,
        "form_open": context.get("address_form_open", False) or address is None,
        "shipments": selectors.collaboration_shipments(organization=portal.organization,
                                                       collaboration=collaboration),
        "csrf_token": context.get("csrf_token"),
    }  # fmt: skip
