"""Campaign expenses over the API, as the brand with an API key: list filtered by
campaign, record, read, correct (PUT / PATCH), delete, mark paid (idempotent), errors
naming the field, nothing changed once paid, and other organizations' rows answering 404."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns import services
from campaigns.models import CampaignExpense, ExpenseStatus
from kolhub import services as platform_services
from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration

pytestmark = pytest.mark.django_db


def api(tenant, path):
    return f"/api/v1/o/{tenant.organization.slug}/{path}"


def key_client(tenant, role="member") -> Client:
    with tenant.context():
        _, raw = platform_services.api_key_create(
            organization=tenant.organization, actor=tenant.memberships[Role.OWNER],
            name="finance", role=role,
        )  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_record_list_read_correct_pay_and_delete(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign, other = make_campaign(org, currency="GBP"), make_campaign(org)
        collaboration = make_collaboration(org, campaign)
    client = key_client(tenant_a)
    created = post(client, api(tenant_a, "expenses/"), {
        "campaign": campaign.pk, "collaboration": collaboration.pk, "category": "amplification",
        "description": "Spark Ads on the reel", "amount": "180.00", "incurred_on": "2026-03-01",
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    row = created.json()
    assert row["status"] == "committed" and row["currency"] == "GBP"
    assert row["creator_name"] == collaboration.creator.name and row["created_by"] is None
    wide = post(client, api(tenant_a, "expenses/"), {
        "campaign": campaign.pk, "category": "other", "description": "Venue",
        "amount": "90", "incurred_on": "2026-03-02",
    }).json()  # fmt: skip
    assert wide["collaboration"] is None and wide["creator_name"] is None
    post(client, api(tenant_a, "expenses/"), {"campaign": other.pk, "category": "other",
         "description": "Elsewhere", "amount": "1", "incurred_on": "2026-03-02"})  # fmt: skip
    listed = client.get(api(tenant_a, f"expenses/?campaign={campaign.pk}")).json()
    assert {r["id"] for r in listed["results"]} == {row["id"], wide["id"]}
    listed = client.get(api(tenant_a, f"expenses/?campaign={campaign.pk}&category=other")).json()
    assert [r["id"] for r in listed["results"]] == [wide["id"]]
    detail = api(tenant_a, f"expenses/{row['id']}/")
    patched = client.patch(detail, {"amount": "200.50"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["amount"] == "200.50"
    assert patched.json()["description"] == "Spark Ads on the reel"
    put = client.put(detail, {"category": "amplification", "description": "Spark Ads, 7 days",
                              "amount": "210", "incurred_on": "2026-03-01",
                              "collaboration": None}, content_type="application/json")  # fmt: skip
    assert put.status_code == 200 and put.json()["collaboration"] is None
    paid = post(client, api(tenant_a, f"expenses/{row['id']}/mark-paid/"),
                {"reference": "ADS-9", "paid_on": "2026-03-04"})  # fmt: skip
    assert paid.status_code == 200
    assert (paid.json()["status"], paid.json()["paid_on"], paid.json()["paid_reference"]) == (
        "paid",
        "2026-03-04",
        "ADS-9",
    )
    again = post(client, api(tenant_a, f"expenses/{row['id']}/mark-paid/"), {"reference": "ADS-9"})
    assert again.status_code == 200 and again.json()["paid_on"] == "2026-03-04"
    other_ref = post(client, api(tenant_a, f"expenses/{row['id']}/mark-paid/"),
                     {"reference": "ADS-10"})  # fmt: skip
    assert other_ref.status_code == 400 and "reference" in other_ref.json()["errors"]
    refused = client.patch(detail, {"amount": "1"}, content_type="application/json")
    assert refused.status_code == 400 and "cannot be changed" in str(refused.json())
    assert client.delete(detail).status_code == 400
    assert client.delete(api(tenant_a, f"expenses/{wide['id']}/")).status_code == 204
    with tenant_a.context():
        kept = CampaignExpense.objects.get(pk=row["id"])
        assert kept.amount == 210 and kept.status == ExpenseStatus.PAID
        assert not CampaignExpense.objects.filter(pk=wide["id"]).exists()


def test_bad_input_names_the_field_and_writes_nothing(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        elsewhere = make_collaboration(org, make_campaign(org))
    client = key_client(tenant_a)
    base = {"campaign": campaign.pk, "category": "other", "description": "Venue",
            "amount": "10", "incurred_on": "2026-03-02"}  # fmt: skip
    for change, field in (
        ({"amount": "0"}, "amount"), ({"amount": "-3.50"}, "amount"),
        ({"category": "kol_fees"}, "category"), ({"category": "shipping"}, "category"),
        ({"description": "   "}, "description"), ({"collaboration": elsewhere.pk}, "collaboration"),
        ({"collaboration": 987654}, "collaboration"), ({"incurred_on": "soon"}, "incurred_on"),
    ):  # fmt: skip
        response = post(client, api(tenant_a, "expenses/"), {**base, **change})
        assert response.status_code == 400, (change, response.json())
        assert field in response.json()["errors"], (change, response.json())
    missing = post(client, api(tenant_a, "expenses/1/mark-paid/"), {"reference": ""})
    assert missing.status_code == 404
    with tenant_a.context():
        row = services.expense_create(organization=org, campaign=campaign, category="other",
                                      description="x", amount="5", incurred_on=campaign.created_at.date())  # fmt: skip
    no_ref = post(client, api(tenant_a, f"expenses/{row.pk}/mark-paid/"), {"reference": ""})
    assert no_ref.status_code == 400 and "reference" in no_ref.json()["errors"]
    with tenant_a.context():
        assert list(CampaignExpense.objects.values_list("pk", flat=True)) == [row.pk]


def test_read_only_keys_cannot_write(tenant_a):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    client = key_client(tenant_a, role="viewer")
    assert client.get(api(tenant_a, "expenses/")).status_code == 200
    response = post(client, api(tenant_a, "expenses/"), {
        "campaign": campaign.pk, "category": "other", "description": "x", "amount": "1",
        "incurred_on": "2026-03-02"})  # fmt: skip
    assert response.status_code == 403


def test_other_orgs_campaigns_and_expenses_are_not_accessible(tenant_a, tenant_b):
    with tenant_b.context():
        foreign_campaign = make_campaign(tenant_b.organization)
        foreign = services.expense_create(
            organization=tenant_b.organization, campaign=foreign_campaign, category="other",
            description="Foreign secret venue", amount="5", incurred_on=foreign_campaign.created_at.date(),
        )  # fmt: skip
    client = key_client(tenant_a)
    created = post(client, api(tenant_a, "expenses/"), {
        "campaign": foreign_campaign.pk, "category": "other", "description": "x",
        "amount": "1", "incurred_on": "2026-03-02"})  # fmt: skip
    assert created.status_code == 404
    listed = client.get(api(tenant_a, f"expenses/?campaign={foreign_campaign.pk}"))
    assert listed.status_code == 200 and listed.json()["results"] == []
    detail = api(tenant_a, f"expenses/{foreign.pk}/")
    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"amount": "9"}, content_type="application/json").status_code == 404
    assert client.delete(detail).status_code == 404
    assert post(client, detail + "mark-paid/", {"reference": "R"}).status_code == 404
    with tenant_b.context():
        foreign.refresh_from_db()
    assert (foreign.status, str(foreign.amount)) == ("committed", "5.00")
    with tenant_a.context():
        assert not CampaignExpense.objects.exists()
