"""Conversions, refunds, the ledger, the postback credential and orders imports in the
admin: every list and change page renders for platform staff; nothing can be added,
edited or deleted there (the ledger is append-only, written by the services), and the
encrypted secret is not shown."""

from __future__ import annotations

import pytest
from django.test import Client

from kolhub.models import User
from kolhub.tenancy.context import dangerously_unscoped
from tests.tenant_world import a_world
from tracking.models import PostbackCredential

pytestmark = pytest.mark.django_db


def test_conversion_admin_pages_are_read_only(tenant_a):
    made = a_world(tenant_a)
    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    with dangerously_unscoped():
        credential = PostbackCredential.objects.get(organization=tenant_a.organization)
    pages = (("conversion", made["conversion_id"]), ("refund", made["refund_id"]),
             ("attributionentry", made["entry_id"]), ("postbackcredential", credential.pk),
             ("orderimport", made["order_import_id"]))  # fmt: skip
    for model, pk in pages:
        assert client.get(f"/admin/tracking/{model}/").status_code == 200, model
        change = client.get(f"/admin/tracking/{model}/{pk}/change/")
        assert change.status_code == 200, model
        assert 'name="_save"' not in change.content.decode(), model
        assert client.get(f"/admin/tracking/{model}/add/").status_code == 403, model
        assert client.post(f"/admin/tracking/{model}/{pk}/delete/").status_code == 403, model
    page = client.get(f"/admin/tracking/postbackcredential/{credential.pk}/change/")
    assert credential.secret_encrypted not in page.content.decode()
    assert "#ZEBRA-SECRET-ORDER" in client.get("/admin/tracking/conversion/").content.decode()
