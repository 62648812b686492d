"""The tenant middleware's transaction: a request that fails leaves nothing half-written."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from kolhub.models import Invitation, Role

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(ROOT_URLCONF="tests.kolhub.failing_urls")
def test_a_failing_request_rolls_back_its_writes(tenant_a):
    client = Client(raise_request_exception=False)
    client.force_login(tenant_a.member)
    response = client.post(f"/o/{tenant_a.organization.slug}/broken/")
    assert response.status_code == 500
    with tenant_a.context():
        assert not Invitation.objects.filter(email="half-written@example.test").exists()


@override_settings(ROOT_URLCONF="tests.kolhub.failing_urls")
def test_failing_request_does_not_leak_the_role_to_the_next_one(tenant_a):
    client = Client(raise_request_exception=False)
    client.force_login(tenant_a.member)
    client.post(f"/o/{tenant_a.organization.slug}/broken/")
    # The connection is back to the owner outside a tenant context.
    from kolhub.tenancy.context import connection_tenant

    assert connection_tenant()["db_current_org"] is None
    assert connection_tenant()["db_role"] != "kolhub_app"
    assert tenant_a.client(Role.MEMBER).get(f"/o/{tenant_a.organization.slug}/").status_code == 200
