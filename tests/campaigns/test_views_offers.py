"""The brand's pages for negotiation and payments: proposing with the formsets, errors
where they belong, accept / decline / withdraw, the history with diffs, escaping of
everything typed, portal links (issue once, revoke), the payments page (filters, mark
paid, CSV safe for spreadsheets), late payments flagged, and other organizations' rows
answering 404 even through a URL of ours."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from campaigns import services
from campaigns.models import Offer, PaymentItem, PortalToken, Side
from campaigns.pipeline import Stage
from campaigns.selectors import organization_today
from kolhub.models import Role
from tests.campaigns.factories import (
    agreed_collaboration,
    make_campaign,
    make_collaboration,
    make_offer,
)
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def page(tenant, collaboration, suffix=""):
    return (f"/o/{tenant.organization.slug}/campaigns/{collaboration.campaign_id}/"
            f"collaborations/{collaboration.pk}/{suffix}")  # fmt: skip


def body(response) -> str:
    return response.content.decode()


def offer_post(org, **extra) -> dict:
    due = (organization_today(org) + timedelta(days=14)).isoformat()
    data = {
        "offer-fee": "1500", "offer-currency": "USD", "offer-exchange_rate": "",
        "offer-commission_percent": "", "offer-usage_rights_days": "60",
        "offer-usage_channels": "brand Instagram, website", "offer-exclusivity_days": "",
        "offer-exclusivity_categories": "", "offer-gift_note": "", "offer-note": "",
        "offer-replacing_version": "0",
        "offer-deliverables-TOTAL_FORMS": "2", "offer-deliverables-INITIAL_FORMS": "0",
        "offer-deliverables-0-platform": "instagram", "offer-deliverables-0-kind": "reel",
        "offer-deliverables-0-quantity": "2", "offer-deliverables-0-due_date": due,
        "offer-deliverables-1-platform": "", "offer-deliverables-1-kind": "",
        "offer-deliverables-1-quantity": "1", "offer-deliverables-1-due_date": "",
        "offer-installments-TOTAL_FORMS": "2", "offer-installments-INITIAL_FORMS": "0",
        "offer-installments-0-percent": "50", "offer-installments-0-trigger": "on_signature",
        "offer-installments-0-net_days": "14",
        "offer-installments-1-percent": "50", "offer-installments-1-trigger": "on_publication",
        "offer-installments-1-net_days": "30",
        "offer-gifts-TOTAL_FORMS": "1", "offer-gifts-INITIAL_FORMS": "0",
        "offer-gifts-0-product": "", "offer-gifts-0-quantity": "1",
    }  # fmt: skip
    data.update(extra)
    return data


@pytest.fixture
def collaboration(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization, name="Glow launch", products=[
            {"name": "Serum", "sku": "S-1", "unit_cost": "5", "price": "30"}])  # fmt: skip
        creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        return make_collaboration(tenant_a.organization, campaign, creator=creator,
                                  stage=Stage.INVITED)  # fmt: skip


def test_propose_with_formsets_then_history(tenant_a, collaboration):
    client = tenant_a.client(Role.MEMBER)
    html = body(client.get(page(tenant_a, collaboration)))
    assert "No offer yet" in html and 'name="offer-deliverables-TOTAL_FORMS"' in html
    assert "__prefix__" in html  # the template row "+ Add a row" copies
    with tenant_a.context():
        product = collaboration.campaign.products.get()
    response = client.post(page(tenant_a, collaboration, "offers/"), offer_post(
        tenant_a.organization, **{"offer-gifts-0-product": str(product.pk)}))  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("#offer")
    with tenant_a.context():
        offer = Offer.objects.get()
        collaboration.refresh_from_db()
        assert (
            collaboration.stage == Stage.NEGOTIATING and offer.proposed_by_user == tenant_a.member
        )
        assert offer.deliverables.get().quantity == 2 and offer.gifts.get().product_name == "Serum"
        assert offer.usage_channels == ["brand Instagram", "website"]
    html = body(client.get(page(tenant_a, collaboration)))
    assert "Offer v1 on the table" in html and "Waiting for Dr Ana Ruiz to answer" in html
    assert "2 × Instagram reel" in html and "50% on signature, net 14 days" in html
    assert "Revise our offer" in html and 'name="offer-replacing_version" value="1"' in html


def test_errors_are_shown_next_to_the_form(tenant_a, collaboration):
    client = tenant_a.client(Role.MEMBER)
    url = page(tenant_a, collaboration, "offers/")
    html = body(client.post(url, offer_post(tenant_a.organization, **{
        "offer-installments-1-percent": "40"})))  # fmt: skip
    assert "adds up to 90%" in html and "offer-compose" in html
    html = body(client.post(url, offer_post(tenant_a.organization, **{"offer-currency": "EUR"})))
    assert "give the exchange rate" in html
    past = (organization_today(tenant_a.organization) - timedelta(days=1)).isoformat()
    html = body(client.post(url, offer_post(tenant_a.organization, **{
        "offer-deliverables-0-due_date": past})))  # fmt: skip
    assert "is in the past" in html
    html = body(client.post(url, offer_post(tenant_a.organization, **{"offer-fee": "-1"})))
    assert "greater than or equal to 0" in html
    with tenant_a.context():
        assert not Offer.objects.exists()


def test_accept_a_counter_and_see_the_diff_and_ledger(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_offer(org, collaboration)
        v2 = services.offer_counter(organization=org, offer=v1, side=Side.CREATOR, terms={
            **_terms(collaboration), "fee": "1800", "note": XSS, "gift_note": XSS})  # fmt: skip
    client = tenant_a.client(Role.MEMBER)
    html = body(client.get(page(tenant_a, collaboration)))
    assert "Counter-offer from Dr Ana Ruiz" in html and "Accept v2" in html
    assert "Changes from v1" in html and "USD 1,800.00" in html
    assert (
        "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    )
    assert "<img src=x" not in html
    response = client.post(page(tenant_a, collaboration, f"offers/{v2.pk}/accept/"))
    assert response.status_code == 302
    html = body(client.get(response["Location"]))
    assert "Agreed terms · offer v2" in html and "accepted" in html
    assert "USD 900.00" in html and "when signature happens" in html  # the ledger
    with tenant_a.context():
        collaboration.refresh_from_db()
        assert collaboration.stage == Stage.AGREED and collaboration.terms_id == v2.pk
    # Accepting again (a double click): no error, nothing new.
    client.post(page(tenant_a, collaboration, f"offers/{v2.pk}/accept/"))
    with tenant_a.context():
        assert PaymentItem.objects.count() == 2


def _terms(collaboration):
    from tests.campaigns.factories import terms

    return terms(collaboration.campaign)


def test_decline_and_withdraw(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_offer(org, collaboration)
    client = tenant_a.client(Role.MEMBER)
    response = client.post(page(tenant_a, collaboration, f"offers/{v1.pk}/decline/"))
    messages = body(client.get(response["Location"]))
    assert "is your own: withdraw it instead" in messages
    client.post(page(tenant_a, collaboration, f"offers/{v1.pk}/withdraw/"))
    with tenant_a.context():
        v1.refresh_from_db()
        assert v1.status == "withdrawn"
        v2 = make_offer(org, collaboration)
        v3 = services.offer_counter(organization=org, offer=v2, side=Side.CREATOR,
                                    terms=_terms(collaboration))  # fmt: skip
    client.post(page(tenant_a, collaboration, f"offers/{v3.pk}/decline/"), {"reason": "Too much"})
    with tenant_a.context():
        v3.refresh_from_db()
        collaboration.refresh_from_db()
        assert v3.status == "declined" and collaboration.stage == Stage.NEGOTIATING


def test_viewers_see_offers_but_cannot_act(tenant_a, collaboration):
    with tenant_a.context():
        offer = make_offer(tenant_a.organization, collaboration)
    viewer = tenant_a.client(Role.VIEWER)
    html = body(viewer.get(page(tenant_a, collaboration)))
    assert "Offer v1 on the table" in html and "Withdraw v1" not in html
    assert "Create portal link" not in html
    assert (
        viewer.post(page(tenant_a, collaboration, f"offers/{offer.pk}/withdraw/")).status_code
        == 403
    )
    assert viewer.post(page(tenant_a, collaboration, "portal-links/")).status_code == 403


def test_portal_link_is_shown_once_and_can_be_revoked(tenant_a, collaboration):
    client = tenant_a.client(Role.MEMBER)
    response = client.post(page(tenant_a, collaboration, "portal-links/"))
    html = body(response)
    assert response["Cache-Control"] == "no-store"
    with tenant_a.context():
        token = PortalToken.objects.get()
    link = html.split('id="new-portal-link">', 1)[1].split("<", 1)[0]
    assert link.startswith("http://testserver/p/") and len(link.rsplit("/", 2)[-2]) >= 43
    assert "it will not be shown again" in html
    assert client.get(link).status_code == 200  # the link opens the portal
    # Drawn again, the page does not have it.
    again = body(client.get(page(tenant_a, collaboration)))
    assert link not in again and "Active" in again and "last opened" in again
    client.post(page(tenant_a, collaboration, f"portal-links/{token.pk}/revoke/"))
    with tenant_a.context():
        token.refresh_from_db()
        assert token.revoked_at is not None and token.revoked_by == tenant_a.member
    assert client.get(link).status_code == 404


def test_another_creators_link_is_not_found_through_this_page(tenant_a, collaboration):
    with tenant_a.context():
        other = make_creator(tenant_a.organization)
        token, _raw = services.portal_token_issue(organization=tenant_a.organization,
                                                  creator=other, issued_by=None)  # fmt: skip
    client = tenant_a.client(Role.MEMBER)
    response = client.post(page(tenant_a, collaboration, f"portal-links/{token.pk}/revoke/"))
    assert response.status_code == 404
    with tenant_a.context():
        token.refresh_from_db()
        assert token.revoked_at is None


def test_other_organizations_offers_are_not_found_through_our_urls(tenant_a, tenant_b,
                                                                  collaboration):  # fmt: skip
    with tenant_b.context():
        b_collaboration = make_collaboration(tenant_b.organization,
                                             make_campaign(tenant_b.organization),
                                             stage=Stage.INVITED)  # fmt: skip
        b_offer = make_offer(tenant_b.organization, b_collaboration)
    with tenant_a.context():
        a_offer = make_offer(tenant_a.organization, collaboration)
        other = make_collaboration(tenant_a.organization, collaboration.campaign,
                                   stage=Stage.INVITED)  # fmt: skip
    client = tenant_a.client(Role.OWNER)
    for action in ("accept", "decline", "withdraw"):
        # B's offer named in A's collaboration URL, and A's offer under another collaboration.
        assert client.post(page(tenant_a, collaboration,
                                f"offers/{b_offer.pk}/{action}/")).status_code == 404  # fmt: skip
        assert client.post(page(tenant_a, other,
                                f"offers/{a_offer.pk}/{action}/")).status_code == 404  # fmt: skip
    with tenant_b.context():
        b_offer.refresh_from_db()
        assert b_offer.status == "open"


def test_payments_page_filters_marks_paid_and_exports_safely(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Glow launch")
        formula = make_creator(org, name='=HYPERLINK("http://evil")')
        collaboration = agreed_collaboration(org, campaign, creator=formula)
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.CONTRACTED, by=None)  # fmt: skip
        due = PaymentItem.objects.get(trigger="on_signature")
        # Make it late: due yesterday.
        PaymentItem.objects.filter(pk=due.pk).update(
            due_date=organization_today(org) - timedelta(days=1))  # fmt: skip
    client = tenant_a.client(Role.MEMBER)
    base = f"/o/{org.slug}/campaigns/{campaign.pk}/"
    overview = body(client.get(base))
    assert "1 payment late." in overview and "1 late" in overview
    html = body(client.get(base + "payments/?status=late"))
    assert "Late" in html and "USD 500.00" in html and "Mark paid" in html
    assert "USD 500.00" not in body(client.get(base + "payments/?status=paid"))
    assert "when publication happens" in body(client.get(base + "payments/?status=pending"))

    response = client.post(base + f"payments/{due.pk}/paid/", {"reference": "", "next": ""})
    assert "Give the payment reference" in body(client.get(response["Location"]))
    response = client.post(base + f"payments/{due.pk}/paid/", {"reference": "=cmd|' /C calc'!A0"})
    assert response.status_code == 302
    assert "1 payment late" not in body(client.get(base))

    export = client.get(base + "payments/export/")
    assert export["Content-Type"].startswith("text/csv")
    assert 'filename="payments-glow-launch.csv"' in export["Content-Disposition"]
    table = list(csv.reader(io.StringIO(export.content.decode())))
    assert table[0][:3] == ["creator", "kind", "trigger"] and len(table) == 3
    paid = next(row for row in table[1:] if row[6] == "paid")
    assert paid[0] == '\'=HYPERLINK("http://evil")' and paid[10] == "'=cmd|' /C calc'!A0"
    late_only = client.get(base + "payments/export/?status=late")
    assert len(list(csv.reader(io.StringIO(late_only.content.decode())))) == 1


def test_payments_of_another_campaign_or_organization_are_not_found(tenant_a, tenant_b):
    with tenant_b.context():
        b_collaboration = agreed_collaboration(tenant_b.organization)
        b_item = PaymentItem.objects.first()
    with tenant_a.context():
        collaboration = agreed_collaboration(tenant_a.organization)
        item = PaymentItem.objects.first()
        other_campaign = make_campaign(tenant_a.organization)
    client = tenant_a.client(Role.OWNER)
    slug = tenant_a.organization.slug
    assert client.post(f"/o/{slug}/campaigns/{collaboration.campaign_id}/payments/"
                       f"{b_item.pk}/paid/", {"reference": "x"}).status_code == 404  # fmt: skip
    assert client.post(f"/o/{slug}/campaigns/{other_campaign.pk}/payments/{item.pk}/paid/",
                       {"reference": "x"}).status_code == 404  # fmt: skip
    assert b_collaboration.pk


def test_an_answer_to_a_replaced_version_is_refused_with_a_message(tenant_a, collaboration):
    org = tenant_a.organization
    with tenant_a.context():
        v1 = make_offer(org, collaboration)
    client = tenant_a.client(Role.MEMBER)
    # The page was drawn with v1 open; the creator countered before the brand sent.
    with tenant_a.context():
        services.offer_counter(organization=org, offer=v1, side=Side.CREATOR,
                               terms=_terms(collaboration))  # fmt: skip
    response = client.post(page(tenant_a, collaboration, "offers/"),
                           offer_post(org, **{"offer-replacing_version": "1"}))  # fmt: skip
    assert response.status_code == 302
    assert "Offer v2 is on the table now" in body(client.get(response["Location"]))
    with tenant_a.context():
        assert Offer.objects.count() == 2
