"""Tracking links and clicks over the API, as the brand with an API key: create (with the
service's checks), list with counts, delete, clicks filtered; other organizations' rows
answer 404 and never appear."""

from __future__ import annotations

import pytest
from django.test import Client

from kolhub import services as platform_services
from kolhub.models import Role
from tests.tracking.world import linked
from tracking import clicks
from tracking.models import LinkCode, TrackingLink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_buffer():
    client = clicks._redis()
    for key in client.keys(clicks._key("*")):
        client.delete(key)


def api(tenant, path):
    return f"/api/v1/o/{tenant.organization.slug}/{path}"


def key_client(tenant, role="member") -> Client:
    with tenant.context():
        _, raw = platform_services.api_key_create(
            organization=tenant.organization, actor=tenant.memberships[Role.OWNER],
            name="links", role=role,
        )  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def test_create_list_clicks_and_delete(tenant_a):
    with tenant_a.context():
        collaboration, link = linked(tenant_a.organization)
    client = key_client(tenant_a)
    created = client.post(api(tenant_a, "tracking-links/"), {
        "collaboration": collaboration.pk, "platform": "tiktok",
        "destination_url": "https://shop.example/a?b=c"}, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["short_url"].endswith(f"/r/{body['code']}")
    assert "b=c&utm_source=tiktok" in body["tracked_url"] and body["clicks_recorded"] == 0
    ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
    Client(HTTP_USER_AGENT=ua).get(f"/r/{link.code}")
    Client(HTTP_USER_AGENT=ua).get(f"/r/{link.code}")
    clicks.flush_clicks()
    listed = client.get(
        api(tenant_a, f"tracking-links/?collaboration={collaboration.pk}&platform=instagram")
    )
    assert [
        (r["id"], r["clicks_recorded"], r["clicks_unique"]) for r in listed.json()["results"]
    ] == [(link.pk, 2, 1)]
    assert len(client.get(api(tenant_a, f"clicks/?link={link.pk}")).json()["results"]) == 2
    assert len(client.get(api(tenant_a, "clicks/?is_unique=true")).json()["results"]) == 1
    assert client.delete(api(tenant_a, f"tracking-links/{body['id']}/")).status_code == 204
    assert not LinkCode.objects.filter(code=body["code"]).exists()


def test_bad_input_is_a_clear_400_and_writes_nothing(tenant_a):
    with tenant_a.context():
        collaboration, _link = linked(tenant_a.organization)
    client = key_client(tenant_a)
    bad = client.post(api(tenant_a, "tracking-links/"), {
        "collaboration": collaboration.pk, "platform": "tiktok",
        "destination_url": "javascript:alert(1)"}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "destination_url" in bad.json()["errors"]
    with tenant_a.context():
        assert TrackingLink.objects.count() == 1


def test_other_orgs_links_and_clicks_not_accessible(tenant_a, tenant_b):
    with tenant_a.context():
        collaboration, link = linked(tenant_a.organization)
    Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux)").get(f"/r/{link.code}")
    clicks.flush_clicks()
    outsider = key_client(tenant_b)
    assert outsider.get(api(tenant_b, f"tracking-links/{link.pk}/")).status_code == 404
    assert outsider.delete(api(tenant_b, f"tracking-links/{link.pk}/")).status_code == 404
    assert outsider.get(api(tenant_b, "tracking-links/")).json()["results"] == []
    assert outsider.get(api(tenant_b, "clicks/")).json()["results"] == []
    stolen = outsider.post(api(tenant_b, "tracking-links/"), {
        "collaboration": collaboration.pk, "platform": "tiktok",
        "destination_url": "https://evil.example"}, content_type="application/json")  # fmt: skip
    assert stolen.status_code == 400
    with tenant_a.context():
        assert TrackingLink.objects.count() == 1
