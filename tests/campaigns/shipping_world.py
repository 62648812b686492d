"""Shipping test helpers: a collaboration ready to ship (contracted, with the creator's
address), AfterShip's documented webhook body, and signing it."""

from __future__ import annotations

import json
from pathlib import Path

from campaigns import services
from campaigns.pipeline import Stage
from campaigns.shipping.carriers import AfterShip
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator

FIXTURE = Path(__file__).parent / "fixtures" / "aftership_tracking_update.json"
US_ADDRESS = {"name": "Ada Creator", "street_address": "1600 Amphitheatre Pkwy",
              "city": "Mountain View", "country_area": "CA", "postal_code": "94043",
              "country": "US"}  # fmt: skip
UPS = "1Z999AA10123456784"
USPS = "9361289676091361892011"  # the number in AfterShip's documented sample


def ready_to_ship(organization, *, stage=Stage.CONTRACTED, creator=None, campaign=None,
                  address=True, **creator_data):  # fmt: skip
    campaign = campaign or make_campaign(
        organization, products=[
            {"name": "Serum", "sku": "SER-1", "unit_cost": "5.00", "price": "30.00"},
            {"name": "Cream", "sku": "CRM-1", "unit_cost": "2.50", "price": "20.00"},
        ],
    )  # fmt: skip
    creator = creator or make_creator(organization, **creator_data)
    collaboration = make_collaboration(organization, campaign, creator=creator, stage=stage)
    if address:
        services.address_set(organization=organization, creator=creator, data=US_ADDRESS)
    return collaboration


def ship(organization, collaboration, *, carrier="ups", number=UPS, cost="12.00", by=None,
         quantities=(2, 1)):  # fmt: skip
    products = list(collaboration.campaign.products.order_by("id"))
    return services.shipment_create(
        organization=organization, collaboration=collaboration,
        items=[{"product_id": p.pk, "quantity": q} for p, q in zip(products, quantities, strict=False)
               if q],
        carrier=carrier, tracking_number=number, cost=cost, by=by,
    )  # fmt: skip


def aftership_body(
    *,
    tracking_number=USPS,
    slug="usps",
    tag="InTransit",
    event_id="3f645f5e-530b-4062-8695-db6a64420af8",
) -> bytes:
    """AfterShip's documented tracking_update sample, with the fields a test varies."""
    payload = json.loads(FIXTURE.read_text())
    payload["event_id"] = event_id
    payload["msg"]["tracking_number"] = tracking_number
    payload["msg"]["title"] = tracking_number
    payload["msg"]["slug"] = slug
    payload["msg"]["tag"] = tag
    for checkpoint in payload["msg"]["checkpoints"]:
        checkpoint["slug"] = slug
    payload["msg"]["checkpoints"][-1]["tag"] = tag
    return json.dumps(payload).encode()


def signed_headers(body: bytes, secret: str) -> dict:
    return {"HTTP_AFTERSHIP_HMAC_SHA256": AfterShip.sign(body, secret)}
