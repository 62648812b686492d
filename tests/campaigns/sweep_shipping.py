"""Organization A's shipping: a creator's address, a delivered shipment with items and
history, a nudge, the tracking webhook endpoint and its log, for the cross-tenant sweep
and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from campaigns import services
from campaigns.models import ShipmentStatus, ShippingAddress
from campaigns.shipping.carriers import TrackingEvent
from tests.campaigns.shipping_world import ready_to_ship, ship


def values(tenant) -> dict:
    org, owner = tenant.organization, tenant.owner
    with tenant.context():
        collaboration = ready_to_ship(org, name="Zebracorn Ship Creator",
                                      email=f"zebra-ship@{org.slug}.test")  # fmt: skip
        services.address_set(organization=org, creator=collaboration.creator, data={
            "name": "Zebracorn Addressee", "street_address": "42 Zebracorn Lane",
            "city": "Mountain View", "country_area": "CA", "postal_code": "94043",
            "country": "US", "phone": "+1 650 555 0199",
        })  # fmt: skip
        shipment = ship(org, collaboration, number="1Z999AA10123456784", cost="77.77", by=owner)
        services.shipment_status_set(organization=org, shipment=shipment, by=owner,
                                     status=ShipmentStatus.IN_TRANSIT,
                                     message="Zebracorn secret courier note")  # fmt: skip
        services.shipment_status_set(organization=org, shipment=shipment, by=owner,
                                     status=ShipmentStatus.DELIVERED)  # fmt: skip
        services.seeding_nudges_send(organization=org, now=timezone.now() + timedelta(days=30))
        endpoint, _secret = services.tracking_endpoint_issue(organization=org,
                                                             provider="aftership", by=owner)  # fmt: skip
        services.tracking_events_apply(organization=org, endpoint=endpoint, events=[
            TrackingEvent(event_id="zebra-event", tracking_number="1ZZEBRA0000000000",
                          carrier=None, status=ShipmentStatus.IN_TRANSIT, at=timezone.now()),
        ])  # fmt: skip
        address = ShippingAddress.objects.get(creator=collaboration.creator)
    return {
        "shipment_id": shipment.pk,
        "address_id": address.pk,
        "secrets": [
            "Zebracorn Ship Creator", "Zebracorn Addressee", "42 Zebracorn Lane",
            "+1 650 555 0199", "1Z999AA10123456784", "Zebracorn secret courier note",
            "1ZZEBRA0000000000", endpoint.public_id,
        ],
    }  # fmt: skip
