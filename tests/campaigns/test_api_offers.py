"""The API for offers (propose, counter, accept, decline, withdraw, diff), payments (list,
filter, mark paid) and portal links (issue, revoke), as the brand, with errors naming the
field, and other organizations' rows answering 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import Offer, PaymentItem, PortalToken, Side
from campaigns.pipeline import Stage
from campaigns.selectors import organization_today
from kolhub import services as platform_services
from kolhub.models import Role
from tests.campaigns.factories import agreed_collaboration, make_campaign, make_collaboration
from tests.campaigns.factories import terms as offer_terms
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def api(tenant, path):
    return f"/api/v1/o/{tenant.organization.slug}/{path}"


def key_client(tenant, role="member") -> Client:
    with tenant.context():
        _, raw = platform_services.api_key_create(
            organization=tenant.organization, actor=tenant.memberships[Role.OWNER],
            name="crm", role=role,
        )  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def body_terms(org, **extra) -> dict:
    due = (organization_today(org) + timedelta(days=10)).isoformat()
    data = {
        "fee": "2000.00",
        "deliverables": [{"platform": "youtube", "kind": "video", "quantity": 1, "due_date": due}],
        "installments": [{"percent": "100", "trigger": "on_publication", "net_days": 15}],
    }
    data.update(extra)
    return data


@pytest.fixture
def collaboration(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
        return make_collaboration(tenant_a.organization, campaign, stage=Stage.INVITED)


def test_propose_counter_accept_diff(tenant_a, collaboration):
    client = key_client(tenant_a)
    org = tenant_a.organization
    response = post(client, api(tenant_a, "offers/"),
                    {**body_terms(org), "collaboration": collaboration.pk})  # fmt: skip
    assert response.status_code == 201, response.json()
    v1 = response.json()
    assert (v1["version"], v1["proposed_by"], v1["status"], v1["currency"]) == (
        1, "brand", "open", "USD")  # fmt: skip
    assert v1["deliverables"][0]["kind"] == "video" and v1["installments"][0]["net_days"] == 15
    # The brand cannot accept or counter its own offer.
    refused = post(client, api(tenant_a, f"offers/{v1['id']}/accept/"))
    assert refused.status_code == 400 and "only the creator" in refused.json()["detail"]
    with tenant_a.context():
        v2 = services.offer_counter(organization=org, offer=Offer.objects.get(pk=v1["id"]),
                                    side=Side.CREATOR, terms=body_terms(org, fee="2500"))  # fmt: skip
    listed = client.get(api(tenant_a, "offers/"), {"collaboration": collaboration.pk}).json()
    assert [(o["version"], o["status"]) for o in listed["results"]] == [
        (1, "superseded"), (2, "open")]  # fmt: skip
    diff = client.get(api(tenant_a, f"offers/{v2.pk}/diff/")).json()
    assert diff["against_version"] == 1 and diff["changes"] == [
        {"field": "fee", "label": "Fee", "before": "USD 2,000.00", "after": "USD 2,500.00"}
    ]
    first = client.get(api(tenant_a, f"offers/{v1['id']}/diff/")).json()
    assert first["against"] is None and first["changes"] == []
    accepted = post(client, api(tenant_a, f"offers/{v2.pk}/accept/"))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert post(client, api(tenant_a, f"offers/{v2.pk}/accept/")).json()["status"] == "accepted"
    with tenant_a.context():
        assert PaymentItem.objects.count() == 1
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.AGREED


def test_errors_name_the_field(tenant_a, collaboration):
    client = key_client(tenant_a)
    org = tenant_a.organization
    url = api(tenant_a, "offers/")
    response = post(client, url, {**body_terms(org, currency="GBP"),
                                  "collaboration": collaboration.pk})  # fmt: skip
    assert response.status_code == 400 and "exchange_rate" in response.json()["errors"]
    past = (organization_today(org) - timedelta(days=3)).isoformat()
    response = post(client, url, {**body_terms(org, deliverables=[
        {"platform": "youtube", "kind": "video", "quantity": 1, "due_date": past}]),
        "collaboration": collaboration.pk})  # fmt: skip
    assert "in the past" in response.json()["errors"]["deliverables"][0]
    response = post(client, url, {**body_terms(org, installments=[
        {"percent": "60", "trigger": "on_publication", "net_days": 0}]),
        "collaboration": collaboration.pk})  # fmt: skip
    assert "must add up to 100%" in response.json()["errors"]["installments"][0]
    response = post(client, url, {**body_terms(org, fee="0"), "collaboration": collaboration.pk})
    assert "fee" in response.json()["errors"]
    with tenant_a.context():
        assert not Offer.objects.exists()


def test_counter_decline_withdraw(tenant_a, collaboration):
    client = key_client(tenant_a)
    org = tenant_a.organization
    with tenant_a.context():
        v1 = services.offer_propose(organization=org, collaboration=collaboration,
                                    terms=offer_terms(collaboration.campaign), by=None)  # fmt: skip
        v2 = services.offer_counter(organization=org, offer=v1, side=Side.CREATOR,
                                    terms=offer_terms(collaboration.campaign, fee="3000"))  # fmt: skip
    response = post(client, api(tenant_a, f"offers/{v2.pk}/counter/"), body_terms(org, fee="2600"))
    assert response.status_code == 201 and response.json()["version"] == 3
    v3 = response.json()["id"]
    assert post(client, api(tenant_a, f"offers/{v3}/decline/")).status_code == 400
    assert post(client, api(tenant_a, f"offers/{v3}/withdraw/")).json()["status"] == "withdrawn"
    with tenant_a.context():
        v4 = services.offer_propose(organization=org, collaboration=collaboration,
                                    terms=offer_terms(collaboration.campaign), by=None)  # fmt: skip
        v5 = services.offer_counter(organization=org, offer=v4, side=Side.CREATOR,
                                    terms=offer_terms(collaboration.campaign))  # fmt: skip
    declined = post(client, api(tenant_a, f"offers/{v5.pk}/decline/"), {"reason": "No"})
    assert declined.json()["status"] == "declined" and declined.json()["decided_by"] == "brand"


def test_read_only_keys_cannot_negotiate(tenant_a, collaboration):
    client = key_client(tenant_a, role="viewer")
    org = tenant_a.organization
    response = post(client, api(tenant_a, "offers/"),
                    {**body_terms(org), "collaboration": collaboration.pk})  # fmt: skip
    assert response.status_code == 403
    assert client.get(api(tenant_a, "offers/")).status_code == 200


def test_payments_list_filter_and_mark_paid(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = agreed_collaboration(org)
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.CONTRACTED, by=None)  # fmt: skip
        item = PaymentItem.objects.get(trigger="on_signature")
        PaymentItem.objects.filter(pk=item.pk).update(
            due_date=organization_today(org) - timedelta(days=2))  # fmt: skip
    client = key_client(tenant_a)
    listed = client.get(api(tenant_a, "payments/"), {"campaign": collaboration.campaign_id}).json()
    assert len(listed["results"]) == 2
    late = client.get(api(tenant_a, "payments/"), {"status": "late"}).json()["results"]
    assert [(p["id"], p["late"], p["amount"]) for p in late] == [(item.pk, True, "500.00")]
    assert client.get(api(tenant_a, "payments/"), {"status": "pending"}).json()["count"] == 1
    url = api(tenant_a, f"payments/{item.pk}/mark-paid/")
    assert post(client, url, {}).status_code == 400
    paid = post(client, url, {"reference": "WIRE-1"})
    assert paid.status_code == 200 and paid.json()["status"] == "paid" and not paid.json()["late"]
    assert post(client, url, {"reference": "WIRE-1"}).status_code == 200
    assert post(client, url, {"reference": "WIRE-2"}).status_code == 400


def test_portal_tokens_issue_list_revoke(tenant_a, tenant_b):
    client = key_client(tenant_a)
    with tenant_a.context():
        creator = make_creator(tenant_a.organization)
    with tenant_b.context():
        b_creator = make_creator(tenant_b.organization)
    response = post(client, api(tenant_a, "portal-tokens/"), {"creator": creator.pk})
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    issued = response.json()
    assert issued["link"].startswith("http://testserver/p/") and issued["state"] == "active"
    assert Client().get(issued["link"]).status_code == 200
    listed = client.get(api(tenant_a, "portal-tokens/"), {"creator": creator.pk}).json()
    assert "link" not in listed["results"][0]  # shown once
    revoked = post(client, api(tenant_a, f"portal-tokens/{issued['id']}/revoke/")).json()
    assert revoked["state"] == "revoked"
    assert Client().get(issued["link"]).status_code == 404
    refused = post(client, api(tenant_a, "portal-tokens/"), {"creator": b_creator.pk})
    assert refused.status_code == 400 and refused.json()["errors"]["creator"]
    with tenant_b.context():
        assert not PortalToken.objects.exists()


def test_other_orgs_offers_payments_and_tokens_not_accessible(tenant_a, tenant_b):
    with tenant_a.context():
        collaboration = agreed_collaboration(tenant_a.organization)
        offer = Offer.objects.get()
        item = PaymentItem.objects.first()
        token, _raw = services.portal_token_issue(organization=tenant_a.organization,
                                                  creator=collaboration.creator, issued_by=None)  # fmt: skip
    b = key_client(tenant_b)
    for path in (f"offers/{offer.pk}/", f"offers/{offer.pk}/diff/", f"payments/{item.pk}/",
                 f"portal-tokens/{token.pk}/"):  # fmt: skip
        assert b.get(api(tenant_b, path)).status_code == 404
    for path in (f"offers/{offer.pk}/accept/", f"offers/{offer.pk}/decline/",
                 f"payments/{item.pk}/mark-paid/", f"portal-tokens/{token.pk}/revoke/"):  # fmt: skip
        assert post(b, api(tenant_b, path), {"reference": "x"}).status_code == 404
    response = post(b, api(tenant_b, "offers/"),
                    {**body_terms(tenant_b.organization), "collaboration": collaboration.pk})  # fmt: skip
    assert response.status_code == 400 and "collaboration" in response.json()["errors"]
    assert b.get(api(tenant_b, "offers/")).json()["results"] == []
    assert b.get(api(tenant_b, "payments/")).json()["results"] == []
    with tenant_a.context():
        token.refresh_from_db()
        assert token.revoked_at is None
