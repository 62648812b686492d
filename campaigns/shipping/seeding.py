"""Demo shipping for the demo campaign (campaigns.seeding): creators from "contracted"
on give an address in the portal; contracted ones have a label made, the rest a parcel
in transit or delivered, through the same services a team would use, so the funnel, the
budget's product and shipping lines and the collaboration pages show real rows."""

from __future__ import annotations

from decimal import Decimal

from campaigns import pipeline, services
from campaigns.models import Campaign, Carrier, Collaboration, ShipmentStatus
from campaigns.pipeline import Stage

ADDRESSES = [
    {"street_address": "500 Market St, Apt 4", "city": "San Francisco", "country_area": "CA",
     "postal_code": "94105", "country": "US"},
    {"street_address": "221 King St W", "city": "Toronto", "country_area": "ON",
     "postal_code": "M5H 1K5", "country": "CA"},
    {"street_address": "10 Downing Street", "city": "London", "postal_code": "SW1A 2AA",
     "country": "GB"},
]  # fmt: skip


def demo_shipments_seed(*, organization, campaign: Campaign, collaborations, owner) -> int:
    """Returns how many shipments it made."""
    products = list(campaign.products.all()[:2])
    if not products:
        return 0
    made = 0
    shipped_stages = {s for s in pipeline.FORWARD
                      if pipeline.rank(s) >= pipeline.rank(Stage.CONTRACTED)}  # fmt: skip
    for n, collaboration in enumerate(collaborations):
        collaboration: Collaboration
        if collaboration.stage not in shipped_stages or collaboration.stage == Stage.PAID:
            continue
        address = ADDRESSES[n % len(ADDRESSES)]
        services.address_set(organization=organization, creator=collaboration.creator,
                             data={**address, "name": collaboration.creator.name})  # fmt: skip
        shipment = services.shipment_create(
            organization=organization, collaboration=collaboration,
            items=[{"product_id": p.pk, "quantity": 1 + (i + n) % 2}
                   for i, p in enumerate(products)],
            carrier=Carrier.UPS, tracking_number=f"1Z999AA1{campaign.pk:04d}{n:06d}",
            cost=Decimal("8.50") + n, by=owner,
        )  # fmt: skip
        made += 1
        if collaboration.stage == Stage.CONTRACTED:
            continue  # label made, not picked up yet
        services.shipment_status_set(organization=organization, shipment=shipment,
                                     status=ShipmentStatus.IN_TRANSIT, by=owner,
                                     message="Picked up")  # fmt: skip
        if collaboration.stage != Stage.PRODUCT_SHIPPED or n % 2:
            services.shipment_status_set(organization=organization, shipment=shipment,
                                         status=ShipmentStatus.DELIVERED, by=owner,
                                         message="Left at front door")  # fmt: skip
    return made
