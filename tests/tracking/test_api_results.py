"""Results over the API: creator results, overview, ledger entries with evidence,
conversions with their credit, overlaps and leak flags; bad dates are a 400 with the
reason; another organization's objects are 404 (and the sweep covers every route)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.tracking.results_world import credit, order, results_world
from tests.tracking.test_api_links import api, key_client

pytestmark = pytest.mark.django_db


def test_results_endpoints(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        contested = order(org, "#9001", codes=["ALICE10"], country="DE")
        entry = credit(org, contested, world.alice, rule="code", candidates=[
            {"collaboration_id": world.alice.pk, "rule": "code", "at": "t1"},
            {"collaboration_id": world.bob.pk, "rule": "click", "at": "t0"},
        ])  # fmt: skip
        for i in range(5):
            order(org, f"#rush-{i}", codes=["BOB10"],
                  at=timezone.now() - datetime.timedelta(minutes=i))  # fmt: skip
    client = key_client(tenant_a)

    (row,) = client.get(api(tenant_a, f"creators/{world.alice.creator_id}/results/")).json()
    assert row["campaign_name"] == "Glow launch" and row["kpis"]["clicks"] == 120
    assert row["kpis"]["cpa"] == "40.00" and [c["code"] for c in row["codes"]] == ["ALICE10"]
    assert row["commissions"][0]["accrued"] == "50.00"
    bob = client.get(api(tenant_a, f"creators/{world.bob.creator_id}/results/")).json()
    assert bob[0]["kpis"]["cpa"] is None  # no conversions: undefined, not 0

    data = client.get(api(tenant_a, "results/overview/")).json()
    assert [h["display"] for h in data["rows"][0]["headline"]] == [
        "500.00 USD", "5", "100.00 USD", "1.00×"]  # fmt: skip
    assert data["totals"]["USD"]["clicks"] == 150
    bad = client.get(api(tenant_a, "results/overview/"), {"date_to": "31/01/2026"})
    assert bad.status_code == 400 and "date_to" in bad.json()["errors"]

    entries = client.get(api(tenant_a, "ledger-entries/"), {"rule": "code"}).json()["results"]
    assert [e["id"] for e in entries] == [entry.pk]
    assert entries[0]["evidence"]["candidates"][1]["rule"] == "click"
    one = client.get(api(tenant_a, f"ledger-entries/{entry.pk}/")).json()
    assert one["creator_name"] == "Alice Derm"

    attributed = client.get(api(tenant_a, "conversions/"), {"attributed": "true"}).json()
    assert [(c["name"], c["credit_rule"]) for c in attributed["results"]] == [("#9001", "code")]
    detail = client.get(api(tenant_a, f"conversions/{contested.pk}/")).json()
    assert detail["credit_creator_name"] == "Alice Derm"

    (overlap,) = client.get(api(tenant_a, f"campaigns/{world.campaign.pk}/overlaps/")).json()
    assert overlap["winner"]["creator_name"] == "Alice Derm"
    assert [o["creator_name"] for o in overlap["others"]] == ["Bob Coach"]

    (flag,) = client.get(api(tenant_a, f"campaigns/{world.campaign.pk}/leak-flags/")).json()
    assert flag["code"] == "BOB10" and flag["reasons"][0]["kind"] == "burst"


def test_other_orgs_results_not_accessible(tenant_a, tenant_b):
    with tenant_a.context():
        world = results_world(tenant_a.organization)
        sale = order(tenant_a.organization, "#A1")
        entry = credit(tenant_a.organization, sale, world.alice)
    client = key_client(tenant_b)
    for path in (f"creators/{world.alice.creator_id}/results/", f"ledger-entries/{entry.pk}/",
                 f"conversions/{sale.pk}/", f"campaigns/{world.campaign.pk}/overlaps/",
                 f"campaigns/{world.campaign.pk}/leak-flags/"):  # fmt: skip
        assert client.get(api(tenant_b, path)).status_code == 404, path
    assert client.get(api(tenant_b, "conversions/")).json()["results"] == []
    assert client.get(api(tenant_b, "results/overview/")).json()["rows"] == []
