"""The exclusivity conflict warning that contracts registers into campaigns.warnings:
shown on the brand's offer form (and its htmx refresh), after sending an offer, when a
creator is added to a campaign, and in the offer and add-creators API answers; none
when the categories differ or the exclusive window has ended; never a block."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns import warnings
from campaigns.models import Collaboration, Offer
from campaigns.pipeline import Stage
from kolhub import services as kolhub_services
from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.contracts.factories import completed_contract
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def api(tenant, path: str) -> str:
    return f"/api/v1/o/{tenant.organization.slug}/{path}"


def keyed(tenant) -> Client:
    with tenant.context():
        _, raw = kolhub_services.api_key_create(
            organization=tenant.organization,
            actor=tenant.memberships[Role.OWNER],
            name="crm",
            role="member",
        )
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


@pytest.fixture
def exclusive(tenant_a):
    """Dr Ana Ruiz, exclusive for skincare for 60 days from today under a signed
    contract (campaign "Serum launch")."""
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        contract = completed_contract(
            tenant_a, creator=creator, render=False, exclusive=["Skincare"], exclusive_days=60
        )
    return creator, contract


def second_campaign(tenant, creator, *, interests=(), stage=Stage.INVITED) -> Collaboration:
    with tenant.context():
        campaign = make_campaign(
            tenant.organization, name="Night cream", target_interests=list(interests)
        )
        return make_collaboration(tenant.organization, campaign, creator=creator, stage=stage)


def page_url(tenant, collaboration, suffix: str = "") -> str:
    return (
        f"/o/{tenant.organization.slug}/campaigns/{collaboration.campaign_id}/collaborations/"
        f"{collaboration.pk}/{suffix}"
    )


def test_the_provider_is_registered_by_contracts():
    assert "contracts.exclusivity" in warnings.providers()


def test_conflict_on_the_offer_form(tenant_a, exclusive):
    creator, contract = exclusive
    collaboration = second_campaign(tenant_a, creator, interests=["skincare"])
    page = tenant_a.client(Role.MEMBER).get(page_url(tenant_a, collaboration)).content.decode()
    assert "data-creator-warnings" in page and "Exclusivity conflict" in page
    end = contract.exclusivity_end
    assert "skincare" in page and f"{end:%B} {end.day}, {end.year}" in page
    assert f"/o/{tenant_a.organization.slug}/contracts/{contract.pk}/" in page
    assert "Serum launch" in page  # the conflicting contract's campaign
    # The form refreshes the warning as it changes.
    assert f'hx-get="{page_url(tenant_a, collaboration, "offer-warnings/")}"' in page


def test_the_fragment_follows_the_typed_categories(tenant_a, exclusive):
    creator, contract = exclusive
    collaboration = second_campaign(tenant_a, creator)  # no audience interests
    client = tenant_a.client(Role.MEMBER)
    url = page_url(tenant_a, collaboration, "offer-warnings/")
    assert "data-creator-warnings" not in client.get(url).content.decode()
    hit = client.get(url, {"offer-exclusivity_categories": "Haircare, skin care,SKINCARE"})
    assert f'data-record="{contract.pk}"' in hit.content.decode()
    miss = client.get(url, {"offer-exclusivity_categories": "haircare"})
    assert miss.status_code == 200 and "data-creator-warnings" not in miss.content.decode()
    # Typed junk is not an error: no warning, no 500.
    junk = client.get(
        url, {"offer-exclusivity_days": "9" * 40, "offer-deliverables-0-due_date": "2031-13-45"}
    )
    assert junk.status_code == 200


def test_no_warning_when_categories_differ_or_the_window_ended(tenant_a):
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        completed_contract(
            tenant_a,
            creator=creator,
            render=False,
            exclusive=["skincare"],
            exclusive_days=30,
            start=timezone.localdate() - timedelta(days=45),
        )
        other = make_creator(tenant_a.organization, name="Dr Ben Ode")
        completed_contract(
            tenant_a,
            creator=other,
            render=False,
            exclusive=["fitness"],
            exclusive_days=60,
            campaign_name="Protein bar",
        )
    ended = second_campaign(tenant_a, creator, interests=["skincare"])
    differ = second_campaign(tenant_a, other, interests=["skincare"])
    client = tenant_a.client(Role.MEMBER)
    for collaboration in (ended, differ):
        page = client.get(page_url(tenant_a, collaboration)).content.decode()
        assert "data-creator-warnings" not in page


def test_sending_the_offer_warns_but_does_not_block(tenant_a, exclusive):
    from tests.portal.test_pages import counter_post

    creator, contract = exclusive
    collaboration = second_campaign(tenant_a, creator)
    data = counter_post(tenant_a.organization)
    data.update({"offer-exclusivity_categories": "skincare", "offer-exclusivity_days": "30",
                 "offer-replacing_version": "0"})  # fmt: skip
    client = tenant_a.client(Role.MEMBER)
    response = client.post(page_url(tenant_a, collaboration, "offers/"), data, follow=True)
    assert response.status_code == 200
    with tenant_a.context():
        assert Offer.objects.filter(collaboration=collaboration).count() == 1
    page = response.content.decode()
    assert "Offer v1 sent" in page and "Exclusivity conflict" in page


def test_the_offer_api_answers_with_the_warning(tenant_a, exclusive):
    from tests.campaigns.test_api_offers import body_terms

    creator, contract = exclusive
    collaboration = second_campaign(tenant_a, creator)
    client = keyed(tenant_a)
    body = {**body_terms(tenant_a.organization), "collaboration": collaboration.pk,
            "exclusivity_categories": ["Skincare"], "exclusivity_days": 30}  # fmt: skip
    response = client.post(api(tenant_a, "offers/"), body, content_type="application/json")
    assert response.status_code == 201, response.json()
    (warning,) = response.json()["warnings"]
    assert warning["kind"] == "exclusivity" and warning["record_id"] == contract.pk
    assert warning["categories"] == ["skincare"] and warning["creator_id"] == creator.pk
    assert warning["ends_on"] == contract.exclusivity_end.isoformat()
    assert warning["url"].endswith(f"/contracts/{contract.pk}/")
    detail = client.get(api(tenant_a, f"offers/{response.json()['id']}/")).json()
    assert detail["warnings"] == response.json()["warnings"]

    other = second_campaign(tenant_a, make_creator_in(tenant_a, "Dr Cy Nobody"))
    body = {**body_terms(tenant_a.organization), "collaboration": other.pk,
            "exclusivity_categories": ["skincare"], "exclusivity_days": 30}  # fmt: skip
    clean = client.post(api(tenant_a, "offers/"), body, content_type="application/json")
    assert clean.status_code == 201 and clean.json()["warnings"] == []


def make_creator_in(tenant, name: str):
    with tenant.context():
        return make_creator(tenant.organization, name=name)


def test_adding_the_creator_to_a_campaign_in_the_category_warns(tenant_a, exclusive):
    creator, contract = exclusive
    with tenant_a.context():
        campaign = make_campaign(
            tenant_a.organization, name="Night cream", target_interests=["skincare"]
        )
        plain = make_campaign(tenant_a.organization, name="Gym socks")
    client = tenant_a.client(Role.MEMBER)
    response = client.post(
        f"/o/{tenant_a.organization.slug}/campaigns/add-creators/",
        {"campaign_id": campaign.pk, "creator_ids": [creator.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Added 1 creator" in page and "Exclusivity conflict" in page and "skincare" in page
    # Over the API too; and a campaign outside the category says nothing.
    keyed_client = keyed(tenant_a)
    answer = keyed_client.post(
        api(tenant_a, f"campaigns/{plain.pk}/creators/"),
        {"creator_ids": [creator.pk]},
        content_type="application/json",
    ).json()
    assert answer["added"] == 1 and answer["warnings"] == []
    with tenant_a.context():
        third = make_campaign(
            tenant_a.organization, name="Eye serum", target_interests=["Skincare"]
        )
    answer = keyed_client.post(
        api(tenant_a, f"campaigns/{third.pk}/creators/"),
        {"creator_ids": [creator.pk]},
        content_type="application/json",
    ).json()
    assert answer["added"] == 1 and answer["warnings"][0]["record_id"] == contract.pk


def test_another_organizations_contract_never_warns(tenant_a, tenant_b, exclusive):
    """B's creators are B's: A's exclusivity says nothing about them, and B's pages say
    nothing about A's contracts."""
    with tenant_b.context():
        b_creator = make_creator(tenant_b.organization, name="Dr Ana Ruiz")
    collaboration = second_campaign(tenant_b, b_creator, interests=["skincare"])
    page = tenant_b.client(Role.MEMBER).get(page_url(tenant_b, collaboration)).content.decode()
    assert "data-creator-warnings" not in page
