"""Shipping in the portal and on the brand's pages: the creator enters an address (bad
postal code shown on its field, nothing saved), sees their parcels; the brand sees the
address and creates a shipment (bad tracking number shown on its field); another
creator never sees either; the API reads addresses, creates shipments, moves them."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import Shipment, ShipmentStatus, ShippingAddress
from campaigns.pipeline import Stage
from tests.campaigns.factories import make_collaboration
from tests.campaigns.shipping_world import UPS, ready_to_ship, ship
from tests.creators.factories import make_creator
from tests.portal.factories import portal_for

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'


def text(response) -> str:
    return response.content.decode()


ADDRESS = {"name": "Ada Lovelace", "street_address": "12 Main St", "city": "Springfield",
           "country_area": "IL", "postal_code": "62701", "country": "US", "phone": ""}  # fmt: skip


def test_creator_enters_an_address_with_errors_per_field(tenant_a):
    with tenant_a.context():
        collaboration = ready_to_ship(tenant_a.organization, address=False, name="Ada")
    portal = portal_for(tenant_a, collaboration.creator)
    client = Client()
    assert "Give your shipping address" in text(client.get(portal.collaboration(collaboration)))
    home = text(client.get(portal.url))
    assert "Give your shipping address so Zebracorn" in home
    bad = client.post(portal.collaboration(collaboration, "address/"),
                      {**ADDRESS, "postal_code": "6270"})  # fmt: skip
    assert bad.status_code == 400
    assert "Not a valid ZIP code for United States" in text(bad)
    assert 'value="Ada Lovelace"' in text(bad)  # what was typed is kept
    no_state = client.post(portal.collaboration(collaboration, "address/"),
                           {**ADDRESS, "country_area": ""})  # fmt: skip
    assert "Required for an address in United States" in text(no_state)
    with tenant_a.context():
        assert not ShippingAddress.objects.exists()
    ok = client.post(portal.collaboration(collaboration, "address/"),
                     {**ADDRESS, "name": XSS})  # fmt: skip
    assert ok.status_code == 302
    with tenant_a.context():
        assert ShippingAddress.objects.get().postal_code == "62701"
    assert "Give your shipping address so" not in text(client.get(portal.url))
    brand = text(tenant_a.client().get(
        f"/o/{tenant_a.organization.slug}/campaigns/{collaboration.campaign_id}/"
        f"collaborations/{collaboration.pk}/"))  # fmt: skip
    assert "12 Main St" in brand and "United States" in brand
    assert XSS not in brand and "&lt;script&gt;" in brand


def test_brand_creates_a_shipment_and_the_creator_sees_it(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        products = list(collaboration.campaign.products.order_by("id"))
    url = (f"/o/{org.slug}/campaigns/{collaboration.campaign_id}/collaborations/"
           f"{collaboration.pk}/")  # fmt: skip
    client = tenant_a.client("member")
    form = {f"qty_{products[0].pk}": "2", "carrier": "ups", "tracking_number": "1Z12",
            "cost": "9.50"}  # fmt: skip
    bad = client.post(url + "shipments/", form)
    assert bad.status_code == 400 and "not a UPS tracking number" in text(bad)
    with tenant_a.context():
        assert not Shipment.objects.exists()
    ok = client.post(url + "shipments/", {**form, "tracking_number": UPS})
    assert ok.status_code == 302
    with tenant_a.context():
        shipment = Shipment.objects.get()
    moved = client.post(url + f"shipments/{shipment.pk}/status/", {"status": "in_transit"})
    assert moved.status_code == 302
    with tenant_a.context():
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.PRODUCT_SHIPPED
    page = text(client.get(url))
    assert UPS in page and "In transit" in page
    # The viewer reads but cannot write.
    assert tenant_a.client("viewer").post(url + "shipments/", form).status_code == 403
    portal = portal_for(tenant_a, collaboration.creator)
    creator_page = text(Client().get(portal.collaboration(collaboration)))
    assert UPS in creator_page and "In transit" in creator_page


def test_another_creator_never_sees_the_address_or_the_parcels(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org, name="Ada")
        ship(org, collaboration)
        other = make_creator(org, name="Bea")
        other_collab = make_collaboration(org, collaboration.campaign, creator=other,
                                          stage=Stage.CONTRACTED)  # fmt: skip
    theirs = portal_for(tenant_a, other)
    client = Client()
    own = text(client.get(theirs.collaboration(other_collab)))
    assert "1600 Amphitheatre" not in own and UPS not in own
    # Ada's collaboration through Bea's link: not there.
    assert client.get(theirs.collaboration(collaboration)).status_code == 404
    assert client.post(theirs.collaboration(collaboration, "address/"),
                       ADDRESS).status_code == 404  # fmt: skip
    # Bea's address goes to Bea, never over Ada's.
    client.post(theirs.collaboration(other_collab, "address/"), ADDRESS)
    with tenant_a.context():
        assert ShippingAddress.objects.get(creator=collaboration.creator).city == "Mountain View"
        assert ShippingAddress.objects.get(creator=other).city == "Springfield"


def test_campaign_page_shows_the_funnel_and_saves_the_nudge_delay(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        shipment = ship(org, collaboration)
        services.shipment_status_set(organization=org, shipment=shipment, by=None,
                                     status=ShipmentStatus.DELIVERED)  # fmt: skip
    url = f"/o/{org.slug}/campaigns/{collaboration.campaign_id}/"
    page = text(tenant_a.client().get(url))
    assert "Seeding funnel" in page and 'data-step="delivered"><strong>1</strong>' in page
    assert tenant_a.client().post(url + "seeding/nudge/",
                                  {"seeding_nudge_days": "10"}).status_code == 302  # fmt: skip
    collaboration.campaign.refresh_from_db()
    assert collaboration.campaign.seeding_nudge_days == 10


def test_api_addresses_shipments_status_and_events(tenant_a, tenant_b):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        product = collaboration.campaign.products.order_by("id").first()
    client = tenant_a.client()
    base = f"/api/v1/o/{org.slug}/"
    addresses = client.get(base + "shipping-addresses/").json()
    assert addresses["results"][0]["postal_code"] == "94043"
    bad = client.post(base + "shipments/", {
        "collaboration": collaboration.pk, "items": [{"product_id": product.pk, "quantity": 1}],
        "carrier": "fedex", "tracking_number": "12345", "cost": "5.00"}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "tracking_number" in bad.json()["errors"]
    created = client.post(base + "shipments/", {
        "collaboration": collaboration.pk, "items": [{"product_id": product.pk, "quantity": 3}],
        "carrier": "fedex", "tracking_number": "123456789012", "cost": "5.00"},
        content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    shipment_id = created.json()["id"]
    assert created.json()["items"][0]["quantity"] == 3
    moved = client.post(base + f"shipments/{shipment_id}/status/", {"status": "delivered"},
                        content_type="application/json")  # fmt: skip
    assert moved.status_code == 200 and moved.json()["status"] == "delivered"
    illegal = client.post(base + f"shipments/{shipment_id}/status/", {"status": "in_transit"},
                          content_type="application/json")  # fmt: skip
    assert illegal.status_code == 400
    events = client.get(base + f"shipments/{shipment_id}/events/").json()
    assert [e["status"] for e in events] == ["label_created", "delivered"]
    # Another organization's member: nothing.
    b = tenant_b.client()
    assert b.get(base + f"shipments/{shipment_id}/").status_code == 404
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/shipments/{shipment_id}/status/" in schema.content
