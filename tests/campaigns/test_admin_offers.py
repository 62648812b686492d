"""The admin shows every campaigns model to platform staff, and the rows the services
alone write (offers, ledger, portal access) read-only, with no token hash on the page."""

from __future__ import annotations

import pytest
from django.contrib import admin as django_admin
from django.test import Client

from campaigns import services
from campaigns.models import Offer, PaymentItem, PortalClaim, PortalToken
from kolhub.models import User
from tests.campaigns.factories import agreed_collaboration
from tests.kolhub.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_campaigns_model_has_an_admin_and_new_ones_are_read_only(tenant_a):
    with tenant_a.context():
        collaboration = agreed_collaboration(tenant_a.organization, note="Staff can read this")
        token, raw = services.portal_token_issue(organization=tenant_a.organization,
                                                 creator=collaboration.creator, issued_by=None)  # fmt: skip
        services.portal_claim(organization=tenant_a.organization, creator=collaboration.creator,
                              user=UserFactory(), token=token)  # fmt: skip
        offer, item = Offer.objects.get(), PaymentItem.objects.first()
        claim = PortalClaim.objects.get()
    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    registered = {m for m in django_admin.site._registry if m._meta.app_label == "campaigns"}
    from django.apps import apps

    assert registered == set(apps.get_app_config("campaigns").get_models())
    for model in registered:
        name = model._meta.model_name
        assert client.get(f"/admin/campaigns/{name}/").status_code == 200, name
    page = client.get(f"/admin/campaigns/offer/{offer.pk}/change/").content.decode()
    assert "Staff can read this" in page and 'name="fee"' not in page
    assert client.get(f"/admin/campaigns/paymentitem/{item.pk}/change/").status_code == 200
    token_page = client.get(f"/admin/campaigns/portaltoken/{token.pk}/change/").content.decode()
    assert token.token_hash not in token_page and raw not in token_page
    assert client.get(f"/admin/campaigns/portalclaim/{claim.pk}/change/").status_code == 200
    assert client.get("/admin/campaigns/offer/add/").status_code == 403
    assert client.post(f"/admin/campaigns/portaltoken/{token.pk}/delete/").status_code == 403
    with tenant_a.context():
        assert PortalToken.objects.filter(pk=token.pk).exists()
