"""The API base: session and API-key auth, JSON errors, the scope that cannot be skipped."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kolhub import services
from kolhub.api.base import OrganizationViewSet
from kolhub.models import ApiKey, Membership, Role

pytestmark = pytest.mark.django_db


def make_key(tenant, role="viewer"):
    with tenant.context():
        return services.api_key_create(
            organization=tenant.organization,
            actor=tenant.memberships[Role.OWNER],
            name="tests",
            role=role,
        )


def key_client(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def test_session_user_reads_own_organization(tenant_a):
    response = tenant_a.client(Role.VIEWER).get(f"/api/v1/o/{tenant_a.organization.slug}/")
    assert response.status_code == 200
    assert response.json()["name"] == tenant_a.organization.name
    assert response.json()["your_role"] == Role.VIEWER


def test_api_key_lists_members_and_is_stamped(tenant_a):
    key, raw = make_key(tenant_a)
    assert raw.startswith(f"kh_{key.prefix}_") and key.key_hash not in raw
    response = key_client(raw).get(f"/api/v1/o/{tenant_a.organization.slug}/members/")
    assert response.status_code == 200
    emails = {row["email"] for row in response.json()["results"]}
    assert emails == {
        tenant_a.owner.email,
        tenant_a.admin.email,
        tenant_a.member.email,
        tenant_a.viewer.email,
    }
    with tenant_a.context():
        assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_key_is_stored_hashed_only(tenant_a):
    key, raw = make_key(tenant_a)
    with tenant_a.context():
        stored = ApiKey.objects.get(pk=key.pk)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}


def test_revoked_or_garbage_key_is_401_with_a_message(tenant_a):
    key, raw = make_key(tenant_a)
    with tenant_a.context():
        services.api_key_revoke(
            organization=tenant_a.organization,
            actor=tenant_a.memberships[Role.OWNER],
            key_id=key.pk,
        )
    url = f"/api/v1/o/{tenant_a.organization.slug}/"
    for header in (raw, raw + "x", "kh_nope_nope", "garbage"):
        response = key_client(header).get(url)
        assert response.status_code == 401, header
        assert "API key" in response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Api-Key")


def test_key_of_another_org_is_404(tenant_a, tenant_b):
    _, raw = make_key(tenant_b, role="member")
    response = key_client(raw).get(f"/api/v1/o/{tenant_a.organization.slug}/members/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_read_only_key_cannot_write_and_is_told_why(tenant_a):
    _, raw = make_key(tenant_a, role="viewer")
    response = key_client(raw).patch(
        f"/api/v1/o/{tenant_a.organization.slug}/",
        {"name": "Hijacked"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "viewer" in response.json()["detail"]


def test_admin_patches_organization_and_bad_input_names_the_field(tenant_a):
    client = tenant_a.client(Role.ADMIN)
    url = f"/api/v1/o/{tenant_a.organization.slug}/"
    response = client.patch(url, {"default_currency": "XXX"}, content_type="application/json")
    assert response.status_code == 400
    assert "default_currency" in response.json()["errors"]
    assert "default_currency" in response.json()["detail"]
    response = client.patch(url, {"name": "Renamed"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "Renamed"


def test_member_cannot_patch_organization(tenant_a):
    response = tenant_a.client(Role.MEMBER).patch(
        f"/api/v1/o/{tenant_a.organization.slug}/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_member_detail_of_another_org_is_404(tenant_a, tenant_b):
    client = tenant_b.client(Role.OWNER)
    foreign = tenant_a.memberships[Role.MEMBER].pk
    own_slug = tenant_b.organization.slug
    assert client.get(f"/api/v1/o/{own_slug}/members/{foreign}/").status_code == 404
    own = tenant_b.memberships[Role.MEMBER].pk
    assert client.get(f"/api/v1/o/{own_slug}/members/{own}/").status_code == 200


def test_me_lists_only_callers_organizations(tenant_a, tenant_b):
    body = tenant_b.client(Role.OWNER).get("/api/v1/me/").json()
    assert [o["slug"] for o in body["organizations"]] == [tenant_b.organization.slug]
    _, raw = make_key(tenant_a)
    body = key_client(raw).get("/api/v1/me/").json()
    assert [o["slug"] for o in body["organizations"]] == [tenant_a.organization.slug]


def test_viewset_cannot_override_get_queryset():
    with pytest.raises(TypeError, match="get_org_queryset"):

        class Sneaky(OrganizationViewSet):
            model = Membership

            def get_queryset(self):
                return Membership.objects.all()

    with pytest.raises(TypeError, match="get_org_queryset"):

        class Sneakier(OrganizationViewSet):
            model = Membership
            queryset = object()


def test_schema_validates_without_warnings(tmp_path, tenant_a):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/o/{org_slug}/members/" in text and "Api-Key" in text


def test_schema_and_docs_need_login_and_serve_no_cdn(tenant_a):
    assert Client().get("/api/schema/").status_code in (401, 403)
    client = tenant_a.client(Role.VIEWER)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_key_last_used_is_written_at_most_once_a_minute(tenant_a, django_assert_max_num_queries):
    key, raw = make_key(tenant_a)
    client = key_client(raw)
    url = f"/api/v1/o/{tenant_a.organization.slug}/"
    client.get(url)
    with tenant_a.context():
        first = ApiKey.objects.get(pk=key.pk).last_used_at
    client.get(url)
    with tenant_a.context():
        assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    assert first <= timezone.now()
