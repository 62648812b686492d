"""The portal's pages as a creator uses them: the offer with accept / counter / decline,
errors on the counter form, the history with diffs, payments with late ones flagged,
everything typed escaped, and a phone-friendly layout of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import Offer, PaymentItem, Side
from campaigns.pipeline import Stage
from campaigns.selectors import organization_today
from tests.campaigns.factories import (
    agreed_collaboration,
    make_campaign,
    make_collaboration,
    make_offer,
)
from tests.creators.factories import make_creator
from tests.portal.factories import portal_for

pytestmark = pytest.mark.django_db

XSS = '<script>alert("pwn")</script>'


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def negotiating(tenant_a):
    with tenant_a.context():
        org = tenant_a.organization
        campaign = make_campaign(org, name="Barrier serum", products=[
            {"name": "Serum", "sku": "S-1", "unit_cost": "5", "price": "30"}])  # fmt: skip
        creator = make_creator(org, name="Dr Ana Ruiz")
        collaboration = make_collaboration(org, campaign, creator=creator, stage=Stage.INVITED)
        offer = make_offer(org, collaboration, note=f"Welcome {XSS}", gift_note=XSS,
                           usage_channels=[XSS])  # fmt: skip
    return collaboration, offer, portal_for(tenant_a, creator)


def counter_post(org, **extra) -> dict:
    due = (organization_today(org) + timedelta(days=30)).isoformat()
    data = {
        "offer-fee": "1400", "offer-currency": "USD", "offer-usage_rights_days": "30",
        "offer-usage_channels": "brand Instagram", "offer-note": "Reels take me two days",
        "offer-deliverables-TOTAL_FORMS": "1", "offer-deliverables-INITIAL_FORMS": "1",
        "offer-deliverables-0-platform": "instagram", "offer-deliverables-0-kind": "reel",
        "offer-deliverables-0-quantity": "1", "offer-deliverables-0-due_date": due,
        "offer-installments-TOTAL_FORMS": "2", "offer-installments-INITIAL_FORMS": "2",
        "offer-installments-0-percent": "50", "offer-installments-0-trigger": "on_signature",
        "offer-installments-0-net_days": "7",
        "offer-installments-1-percent": "50", "offer-installments-1-trigger": "on_publication",
        "offer-installments-1-net_days": "14",
        "offer-gifts-TOTAL_FORMS": "0", "offer-gifts-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(extra)
    return data


def test_offer_page_escapes_everything_typed(negotiating):
    collaboration, offer, portal = negotiating
    page = text(Client().get(portal.collaboration(collaboration)))
    assert "Offer from Zebracorn Alpha Labs · v1" in page and "Accept these terms" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;" in page
    # The counter form starts from the offer on the table.
    assert 'name="offer-fee" value="1000.00"' in page
    # The brand's internal history (stage notes, owner) is not the creator's to see.
    assert "Offer v1 sent" not in page


def test_counter_from_the_portal_then_the_brand_accepts(tenant_a, negotiating):
    collaboration, offer, portal = negotiating
    client = Client()
    url = portal.collaboration(collaboration, f"offers/{offer.pk}/counter/")
    # A schedule that does not add up stays on the page with the error.
    response = client.post(url, counter_post(tenant_a.organization, **{
        "offer-installments-1-percent": "20"}))  # fmt: skip
    assert response.status_code == 200 and "adds up to 70%" in text(response)
    response = client.post(url, counter_post(tenant_a.organization))
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Counter-offer v2 sent" in page and "Your counter-offer · v2" in page
    assert "waiting for Zebracorn Alpha Labs" in page and "Accept these terms" not in page
    assert "Changes from v1" in page and "USD 1,400.00" in page
    with tenant_a.context():
        v2 = Offer.objects.get(version=2)
        assert v2.proposed_by == Side.CREATOR and v2.proposed_by_user is None
        services.offer_accept(organization=tenant_a.organization, offer=v2, side=Side.BRAND)
    page = text(client.get(portal.collaboration(collaboration)))
    assert "Agreed terms · v2" in page and "Payment schedule" in page
    assert "USD 700.00" in page and "50% on signature, net 7 days" in page
    # A second counter on a settled offer is refused with a message, not a crash.
    response = client.post(url, counter_post(tenant_a.organization))
    assert response.status_code == 302
    assert "only the open version" in text(client.get(response["Location"]))


def test_decline_from_the_portal(tenant_a, negotiating):
    collaboration, offer, portal = negotiating
    client = Client()
    response = client.post(portal.collaboration(collaboration, f"offers/{offer.pk}/decline/"),
                           {"reason": "Booked until June"})  # fmt: skip
    assert "You declined" in text(client.get(response["Location"]))
    with tenant_a.context():
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.DECLINED
    home = text(client.get(portal.url))
    assert "You declined this collaboration." in home


def test_payments_page_flags_late_ones(tenant_a):
    with tenant_a.context():
        org = tenant_a.organization
        creator = make_creator(org, name="Ben")
        collaboration = agreed_collaboration(org, creator=creator, fee="2000")
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.CONTRACTED, by=None)  # fmt: skip
        PaymentItem.objects.filter(trigger="on_signature").update(
            due_date=organization_today(org) - timedelta(days=3))  # fmt: skip
    portal = portal_for(tenant_a, creator)
    page = text(Client().get(f"{portal.url}payments/"))
    assert "portal-card--late" in page and "Late" in page and "USD 1,000.00" in page
    assert "Due 30 days after publication" in page


def test_phone_friendly_layout_of_its_own(negotiating):
    _collaboration, _offer, portal = negotiating
    page = text(Client().get(portal.url))
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "layout-portal" in page and "css/portal.css" in page
    # None of the brand's navigation.
    assert "Dev outbox" not in page and "/o/" not in page


def test_get_on_actions_is_not_allowed(negotiating):
    collaboration, offer, portal = negotiating
    for action in ("accept", "decline", "counter"):
        response = Client().get(portal.collaboration(collaboration, f"offers/{offer.pk}/{action}/"))
        assert response.status_code == 405
