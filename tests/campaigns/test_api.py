"""The campaigns API: CRUD with nested products / KPI targets / budget lines, the
collaboration list and filters, adding creators, transitions as an action (400 naming the
field on an illegal jump), stage history, and isolation from other organizations."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns.models import Campaign, CampaignProduct, Collaboration, StageChange
from campaigns.pipeline import Stage
from kolhub import services as platform_services
from kolhub.models import Role
from tests.campaigns.factories import full_campaign, make_campaign, make_collaboration
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def api(tenant, path):
    return f"/api/v1/o/{tenant.organization.slug}/{path}"


def key_client(tenant, role="member") -> Client:
    with tenant.context():
        _, raw = platform_services.api_key_create(
            organization=tenant.organization, actor=tenant.memberships[Role.OWNER],
            name="crm sync", role=role,
        )  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


CREATE = {
    "name": "Serum launch", "objective": "sales", "start_date": "2026-03-01",
    "end_date": "2026-04-30", "target_countries": ["us"], "target_ages": ["25-34"],
    "target_gender": "female", "competitors": ["DermaPure"],
    "products": [{"name": "Serum", "sku": "SER-1", "unit_cost": "5.00", "price": "30.00"}],
    "kpi_targets": [{"metric": "revenue", "target_value": "25000"},
                    {"metric": "cpa", "target_value": "20"}],
    "budget_lines": [{"category": "kol_fees", "planned_amount": "8000"}],
}  # fmt: skip


def test_campaign_crud_with_nested_rows(tenant_a):
    client = key_client(tenant_a)
    response = post(client, api(tenant_a, "campaigns/"), {**CREATE, "owner": tenant_a.member.pk})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["slug"] == "serum-launch" and created["target_countries"] == ["US"]
    assert created["owner"] == tenant_a.member.pk and created["currency"] == "USD"
    assert created["products"][0]["sku"] == "SER-1"
    assert {k["metric"]: k["unit"] for k in created["kpi_targets"]} == {
        "revenue": "money",
        "cpa": "money",
    }
    budget = {row["category"]: row for row in created["budget"]}
    assert budget["kol_fees"]["planned"] == "8000.00" and budget["kol_fees"]["committed"] == "0.00"
    assert budget["shipping"]["planned"] is None
    checklist = {step["key"]: step["done"] for step in created["checklist"]}
    assert len(checklist) == 12 and checklist["goals"] and checklist["budget"]
    assert not checklist["identify"]

    detail = api(tenant_a, f"campaigns/{created['id']}/")
    response = client.patch(detail, {"status": "active"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert len(response.json()["products"]) == 1  # not given: kept
    response = client.put(detail, {"name": "Serum launch", "products": []},
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["products"] == []

    listed = client.get(api(tenant_a, "campaigns/"), {"status": "active"}).json()
    assert [c["name"] for c in listed["results"]] == ["Serum launch"]
    assert listed["results"][0]["stage_counts"]["shortlisted"] == 0
    assert client.delete(detail).status_code == 204
    with tenant_a.context():
        assert not Campaign.objects.exists() and not CampaignProduct.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2026-01-01"}, "end_date"),
        ({"kpi_targets": [{"metric": "revenue", "target_value": "0"}]}, "kpi_targets"),
        ({"kpi_targets": [{"metric": "vibes", "target_value": "3"}]}, "kpi_targets"),
        ({"budget_lines": [{"category": "kol_fees", "planned_amount": "-1"}]}, "budget_lines"),
        ({"target_ages": ["12-15"]}, "target_ages"),
        ({"currency": "XXX"}, "currency"),
        ({"owner": 999_999_999}, "owner"),
    ],
)
def test_bad_campaign_input_is_400_naming_the_field(tenant_a, change, field):
    response = post(key_client(tenant_a), api(tenant_a, "campaigns/"), {**CREATE, **change})
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    with tenant_a.context():
        assert not Campaign.objects.exists()


def test_owner_of_another_organization_is_refused(tenant_a, tenant_b):
    response = post(key_client(tenant_a), api(tenant_a, "campaigns/"),
                    {**CREATE, "owner": tenant_b.owner.pk})  # fmt: skip
    assert response.status_code == 400 and "owner" in response.json()["errors"]


def test_delete_after_pitches_is_400(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
        make_collaboration(tenant_a.organization, campaign, stage=Stage.INVITED)
    response = key_client(tenant_a).delete(api(tenant_a, f"campaigns/{campaign.pk}/"))
    assert response.status_code == 400 and "archive" in response.json()["detail"]


def test_collaborations_add_list_filter_transition_and_history(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = full_campaign(org)
        kol = make_creator(org, name="Dr Kim", role="kol")
        ugc = make_creator(org, name="Uma", role="ugc")
    client = key_client(tenant_a)
    response = post(client, api(tenant_a, f"campaigns/{campaign.pk}/creators/"),
                    {"creator_ids": [kol.pk, ugc.pk, 999_999_999]})  # fmt: skip
    assert response.json() == {
        "added": 2,
        "skipped": 0,
        "do_not_contact": 0,
        "not_found": 1,
        "warnings": [],
    }
    rows = client.get(api(tenant_a, "collaborations/"), {"campaign": campaign.pk}).json()
    assert {r["creator"]["name"] for r in rows["results"]} == {"Dr Kim", "Uma"}
    kim = next(r for r in rows["results"] if r["creator"]["name"] == "Dr Kim")
    assert kim["stage"] == "shortlisted"
    assert kim["next_stages"] == ["invited", "declined", "cancelled"]
    only_ugc = client.get(api(tenant_a, "collaborations/"), {"role": "ugc"}).json()["results"]
    assert [r["creator"]["name"] for r in only_ugc] == ["Uma"]

    transition = api(tenant_a, f"collaborations/{kim['id']}/transition/")
    response = post(client, transition, {"to_stage": "invited", "reason": "Pitched by CRM"})
    assert response.status_code == 200 and response.json()["stage"] == "invited"
    response = post(client, transition, {"to_stage": "contracted"})
    assert response.status_code == 400
    errors = response.json()["errors"]["to_stage"][0]
    assert "Cannot move from Invited to Contracted" in errors and "Negotiating" in errors
    assert "to_stage" in response.json()["detail"]
    response = post(client, transition, {"to_stage": "teleported"})
    assert response.status_code == 400 and "to_stage" in response.json()["errors"]

    history = client.get(api(tenant_a, f"collaborations/{kim['id']}/history/")).json()
    assert [(h["from_stage"], h["to_stage"]) for h in history] == [
        ("", "shortlisted"),
        ("shortlisted", "invited"),
    ]
    assert history[1]["actor"] == "API key crm sync" and history[1]["by"] is None
    assert history[1]["who"] == "API key crm sync" and history[1]["reason"] == "Pitched by CRM"
    filtered = client.get(api(tenant_a, "collaborations/"), {"stage": "invited"}).json()
    assert [r["id"] for r in filtered["results"]] == [kim["id"]]
    bad = client.get(api(tenant_a, "collaborations/"), {"stage": "nope"})
    assert bad.status_code == 400 and "stage" in bad.json()["errors"]


def test_session_user_is_recorded_as_the_actor(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        collaboration = make_collaboration(org, make_campaign(org))
    client = tenant_a.client(Role.MEMBER)
    response = post(client, api(tenant_a, f"collaborations/{collaboration.pk}/transition/"),
                    {"to_stage": "declined"})  # fmt: skip
    assert response.status_code == 200
    with tenant_a.context():
        assert StageChange.objects.filter(collaboration=collaboration).last().by == tenant_a.member


def test_create_one_collaboration_and_delete_it(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        creator = make_creator(org)
    client = key_client(tenant_a)
    body = {"campaign": campaign.pk, "creator": creator.pk, "owner": tenant_a.admin.pk}
    response = post(client, api(tenant_a, "collaborations/"), body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["stage"] == "shortlisted" and created["owner"] == tenant_a.admin.pk
    again = post(client, api(tenant_a, "collaborations/"), body)
    assert (
        again.status_code == 400
        and "already in the campaign" in again.json()["errors"]["creator"][0]
    )
    assert client.delete(api(tenant_a, f"collaborations/{created['id']}/")).status_code == 204
    with tenant_a.context():
        assert not Collaboration.objects.exists()


def test_read_only_key_cannot_move_or_create(tenant_a):
    with tenant_a.context():
        collaboration = make_collaboration(
            tenant_a.organization, make_campaign(tenant_a.organization)
        )
    client = key_client(tenant_a, role="viewer")
    assert client.get(api(tenant_a, "campaigns/")).status_code == 200
    response = post(client, api(tenant_a, f"collaborations/{collaboration.pk}/transition/"),
                    {"to_stage": "invited"})  # fmt: skip
    assert response.status_code == 403
    assert post(client, api(tenant_a, "campaigns/"), CREATE).status_code == 403


def test_other_orgs_campaigns_and_collaborations_not_accessible(tenant_a, tenant_b):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization, name="Secret A campaign")
        collaboration = make_collaboration(tenant_a.organization, campaign)
    with tenant_b.context():
        make_campaign(tenant_b.organization, name="B's own")
        b_creator = make_creator(tenant_b.organization)
    client = key_client(tenant_b)
    assert client.get(api(tenant_b, f"campaigns/{campaign.pk}/")).status_code == 404
    assert client.get(api(tenant_b, f"collaborations/{collaboration.pk}/")).status_code == 404
    assert (
        client.get(api(tenant_b, f"collaborations/{collaboration.pk}/history/")).status_code == 404
    )
    response = post(client, api(tenant_b, f"collaborations/{collaboration.pk}/transition/"),
                    {"to_stage": "invited"})  # fmt: skip
    assert response.status_code == 404
    response = post(client, api(tenant_b, "collaborations/"),
                    {"campaign": campaign.pk, "creator": b_creator.pk})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"] == {"campaign": ["No such campaign."]}
    listed = client.get(api(tenant_b, "campaigns/")).json()["results"]
    assert [c["name"] for c in listed] == ["B's own"]
    assert client.get(api(tenant_b, "collaborations/")).json()["results"] == []
    with tenant_a.context():
        assert Collaboration.objects.get(pk=collaboration.pk).stage == Stage.SHORTLISTED
