"""Promo codes, landing pages, leads and the slug register in the admin: every list and
change page renders for platform staff; leads and the register cannot be added or edited."""

from __future__ import annotations

import pytest
from django.test import Client

from kolhub.models import User
from tests.tracking.sweep_landing import values

pytestmark = pytest.mark.django_db


def test_tracking_admin_pages(tenant_a):
    from tests.campaigns.sweep_campaigns import values as campaign_values

    campaign_values(tenant_a)
    made = values(tenant_a)
    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    for model, pk in (("promocode", made["promo_code_id"]),
                      ("landingpage", made["landing_page_id"]), ("lead", made["lead_id"])):  # fmt: skip
        listing = client.get(f"/admin/tracking/{model}/")
        assert listing.status_code == 200, model
        assert client.get(f"/admin/tracking/{model}/{pk}/change/").status_code == 200, model
    assert "ZEBRASECRET77" in client.get("/admin/tracking/promocode/").content.decode()
    assert "secret-lead@zebra.test" in client.get("/admin/tracking/lead/").content.decode()
    assert client.get("/admin/tracking/landingpageslug/").status_code == 200
    assert client.get("/admin/tracking/lead/add/").status_code == 403
    assert client.get("/admin/tracking/landingpageslug/add/").status_code == 403
