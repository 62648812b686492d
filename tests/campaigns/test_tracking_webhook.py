"""The carrier-tracking webhook through its real URL, with AfterShip's documented
tracking_update body (tests/campaigns/fixtures) signed as AfterShip signs it: a good
signature applies the event, a wrong one is refused and writes nothing, an unknown
tracking number is logged and ignored, a redelivery changes nothing."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import (
    Shipment,
    ShipmentEvent,
    ShipmentStatus,
    StageChange,
    TrackingWebhookLog,
)
from campaigns.pipeline import Stage
from campaigns.shipping.secrets import secret_decrypt
from tests.campaigns.shipping_world import (
    USPS,
    aftership_body,
    ready_to_ship,
    ship,
    signed_headers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = ready_to_ship(org)
        shipment = ship(org, collaboration, carrier="usps", number=USPS)
        endpoint, secret = services.tracking_endpoint_issue(organization=org,
                                                            provider="aftership", by=None)  # fmt: skip
    url = f"/hooks/tracking/aftership/{endpoint.public_id}/"
    return collaboration, shipment, endpoint, secret, url


def post(url, body, headers):
    return Client().post(url, data=body, content_type="application/json", **headers)


def test_secret_is_stored_encrypted_and_rotates(tenant_a, hooked):
    _c, _s, endpoint, secret, _url = hooked
    assert secret not in endpoint.secret_encrypted
    assert secret_decrypt(endpoint.secret_encrypted) == secret
    with tenant_a.context():
        again, new = services.tracking_endpoint_issue(organization=tenant_a.organization,
                                                      provider="aftership", by=None)  # fmt: skip
    assert again.pk == endpoint.pk and again.public_id == endpoint.public_id and new != secret


def test_signed_update_moves_the_shipment_and_the_collaboration(tenant_a, hooked):
    collaboration, shipment, _endpoint, secret, url = hooked
    body = aftership_body(tag="InTransit")
    response = post(url, body, signed_headers(body, secret))
    assert response.status_code == 200, response.content
    assert response.json()["events"][0]["outcome"] == "applied"
    with tenant_a.context():
        shipment.refresh_from_db()
        assert shipment.status == ShipmentStatus.IN_TRANSIT
        event = ShipmentEvent.objects.get(shipment=shipment, source="webhook")
        assert event.external_id == "3f645f5e-530b-4062-8695-db6a64420af8"
        assert event.message == "Arrived at USPS Regional Facility"
        assert "OAKLAND" in event.location
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.PRODUCT_SHIPPED
        assert StageChange.objects.filter(collaboration=collaboration).last().actor == \
            "carrier tracking"  # fmt: skip
    delivered = aftership_body(tag="Delivered", event_id="9a1b2c3d-0000-4000-8000-000000000001")
    assert post(url, delivered, signed_headers(delivered, secret)).status_code == 200
    with tenant_a.context():
        shipment.refresh_from_db()
        assert shipment.status == ShipmentStatus.DELIVERED and shipment.delivered_at


@pytest.mark.parametrize("headers", [
    {"HTTP_AFTERSHIP_HMAC_SHA256": "d3Jvbmc="},
    {},
    {"HTTP_AFTERSHIP_HMAC_SHA256": "ünïcode"},
])  # fmt: skip
def test_wrong_signature_is_refused_and_nothing_is_written(tenant_a, hooked, caplog, headers):
    _collaboration, shipment, _endpoint, _secret, url = hooked
    body = aftership_body(tag="Delivered")
    with caplog.at_level(logging.WARNING, logger="campaigns.tracking_webhook"):
        response = post(url, body, headers)
    assert response.status_code == 401
    assert "refused" in caplog.text
    with tenant_a.context():
        shipment.refresh_from_db()
        assert shipment.status == ShipmentStatus.LABEL_CREATED
        assert not ShipmentEvent.objects.filter(source="webhook").exists()
        assert not TrackingWebhookLog.objects.exists()


def test_signed_with_another_organizations_secret_is_refused(tenant_a, tenant_b, hooked):
    _c, _s, _endpoint, _secret, url = hooked
    with tenant_b.context():
        _b, b_secret = services.tracking_endpoint_issue(organization=tenant_b.organization,
                                                        provider="aftership", by=None)  # fmt: skip
    body = aftership_body()
    assert post(url, body, signed_headers(body, b_secret)).status_code == 401


def test_a_tampered_body_is_refused(tenant_a, hooked):
    _c, _s, _endpoint, secret, url = hooked
    body = aftership_body(tag="InTransit")
    headers = signed_headers(body, secret)
    assert post(url, body.replace(b"InTransit", b"Delivered"), headers).status_code == 401


def test_unknown_tracking_number_is_logged_and_ignored(tenant_a, hooked):
    _c, shipment, _endpoint, secret, url = hooked
    body = aftership_body(tracking_number="9400111899223100000000")
    response = post(url, body, signed_headers(body, secret))
    assert response.status_code == 200
    assert response.json()["events"][0]["outcome"] == "unknown_tracking"
    with tenant_a.context():
        log = TrackingWebhookLog.objects.get()
        assert log.outcome == "unknown_tracking" and log.shipment is None
        assert not ShipmentEvent.objects.filter(source="webhook").exists()


def test_redelivery_is_idempotent(tenant_a, hooked):
    _c, shipment, _endpoint, secret, url = hooked
    body = aftership_body(tag="InTransit")
    outcomes = [post(url, body, signed_headers(body, secret)).json()["events"][0]["outcome"]
                for _ in range(3)]  # fmt: skip
    assert outcomes == ["applied", "duplicate", "duplicate"]
    with tenant_a.context():
        assert ShipmentEvent.objects.filter(shipment=shipment, source="webhook").count() == 1
        assert TrackingWebhookLog.objects.count() == 3


def test_out_of_order_update_is_kept_without_changing_status(tenant_a, hooked):
    _c, shipment, _endpoint, secret, url = hooked
    with tenant_a.context():
        services.shipment_status_set(organization=tenant_a.organization, shipment=shipment,
                                     status=ShipmentStatus.DELIVERED, by=None)  # fmt: skip
    body = aftership_body(tag="InTransit")
    assert post(url, body, signed_headers(body, secret)).status_code == 200
    with tenant_a.context():
        shipment.refresh_from_db()
        assert shipment.status == ShipmentStatus.DELIVERED
        assert ShipmentEvent.objects.get(source="webhook").applied is False


def test_unknown_endpoint_and_provider_and_get(hooked):
    _c, _s, endpoint, secret, url = hooked
    body = aftership_body()
    assert post("/hooks/tracking/aftership/deadbeef0000/", body,
                signed_headers(body, secret)).status_code == 404  # fmt: skip
    assert post(f"/hooks/tracking/easypost/{endpoint.public_id}/", body,
                signed_headers(body, secret)).status_code == 404  # fmt: skip
    assert Client().get(url).status_code == 405


def test_signed_garbage_is_a_400(hooked):
    _c, _s, _endpoint, secret, url = hooked
    body = b'{"event": "tracking_update"}'
    assert post(url, body, signed_headers(body, secret)).status_code == 400
    assert not Shipment.objects.none().exists()


def test_webhook_page_shows_the_secret_once(tenant_a, hooked):
    client = tenant_a.client()
    slug = tenant_a.organization.slug
    page = client.get(f"/o/{slug}/campaigns/tracking-webhook/")
    assert page.status_code == 200
    assert hooked[2].public_id in page.content.decode()
    response = client.post(f"/o/{slug}/campaigns/tracking-webhook/", {"provider": "aftership"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    with tenant_a.context():
        from campaigns.models import TrackingWebhookEndpoint

        secret = secret_decrypt(TrackingWebhookEndpoint.objects.get().secret_encrypted)
    assert secret in response.content.decode()
    assert secret not in client.get(f"/o/{slug}/campaigns/tracking-webhook/").content.decode()
    assert tenant_a.client("member").post(f"/o/{slug}/campaigns/tracking-webhook/",
                                          {"provider": "aftership"}).status_code == 403  # fmt: skip


def test_non_status_event_is_logged_and_ignored(tenant_a, hooked):
    _c, shipment, _endpoint, secret, url = hooked
    import json

    payload = json.loads(aftership_body())
    payload["event"] = "edd_revise"
    body = json.dumps(payload).encode()
    response = post(url, body, signed_headers(body, secret))
    assert response.json()["events"][0]["outcome"] == "ignored"
    with tenant_a.context():
        shipment.refresh_from_db()
        assert shipment.status == ShipmentStatus.LABEL_CREATED
