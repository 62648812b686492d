"""Shipping in the admin: read-only pages that show the shipment with its items and
history, and never the webhook secret."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import ShipmentStatus
from campaigns.shipping.carriers import TrackingEvent
from kolhub.models import User
from tests.campaigns.shipping_world import ready_to_ship, ship

pytestmark = pytest.mark.django_db


def test_shipping_admin_pages(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        shipment = ship(org, ready_to_ship(org))
        services.shipment_status_set(organization=org, shipment=shipment, by=None,
                                     status=ShipmentStatus.IN_TRANSIT, message="Picked up")  # fmt: skip
        endpoint, secret = services.tracking_endpoint_issue(organization=org,
                                                            provider="aftership", by=None)  # fmt: skip
        services.tracking_events_apply(organization=org, endpoint=endpoint, events=[
            TrackingEvent(event_id="e-1", tracking_number="nope", carrier=None,
                          status="in_transit", at=shipment.created_at)])  # fmt: skip
    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admin/campaigns/shipment/{shipment.pk}/change/").content.decode()
    assert "Picked up" in page and "Serum" in page and 'name="cost"' not in page
    page = client.get(f"/admin/campaigns/trackingwebhookendpoint/{endpoint.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert secret not in body and endpoint.secret_encrypted not in body
    assert client.get("/admin/campaigns/trackingwebhooklog/").status_code == 200
