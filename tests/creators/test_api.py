"""The creators API: search with the discovery filters, 400 on garbage, writes through
services, scorecard, lists; API keys scoped to their organization."""

from __future__ import annotations

import pytest
from django.test import Client

from creators.models import Creator
from kolhub import services as platform_services
from kolhub.models import Role
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def api(tenant, path):
    return f"/api/v1/o/{tenant.organization.slug}/{path}"


@pytest.fixture
def key_client(tenant_a):
    with tenant_a.context():
        _, raw = platform_services.api_key_create(
            organization=tenant_a.organization, actor=tenant_a.memberships[Role.OWNER],
            name="crm", role="member",
        )  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")


def test_search_with_filters_and_fit(tenant_a, key_client):
    with tenant_a.context():
        make_creator(tenant_a.organization, name="Dr Ana", credentials="MD dermatologist",
                     accounts=[{"platform": "instagram", "handle": "ana", "followers": 15000,
                                "engagement_rate": "4.8", "audience_countries": {"US": 60}}])  # fmt: skip
        make_creator(tenant_a.organization, name="Other", niches=["food"])
    response = key_client.get(api(tenant_a, "creators/"),
                              {"q": "dermatologist", "audience_country": "US", "sort": "fit"})  # fmt: skip
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["name"] == "Dr Ana" and row["fit"] > 50 and row["tier"] == "micro"


@pytest.mark.parametrize("sort", ["followers", "relevance", "fit"])
def test_a_count_that_stopped_at_the_cap_says_so(tenant_a, key_client, monkeypatch, sort):
    from creators import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    with tenant_a.context():
        for n in range(5):
            make_creator(tenant_a.organization, name=f"Derm {n}", credentials="dermatologist")
    search = {"q": "dermatologist", "sort": sort}
    body = key_client.get(api(tenant_a, "creators/"), {**search, "page_size": 2}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert list(body)[:2] == ["count", "count_capped"]
    monkeypatch.setattr(pagination, "COUNT_CAP", 1000)
    body = key_client.get(api(tenant_a, "creators/"), search).json()
    assert (body["count"], body["count_capped"]) == (5, False)


def test_garbage_search_is_400_naming_the_field(tenant_a, key_client):
    response = key_client.get(api(tenant_a, "creators/"), {"er_min": "lots", "platform": "myspace"})
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"er_min", "platform"}
    assert "er_min" in body["detail"]


def test_create_update_and_scorecard(tenant_a, key_client):
    response = key_client.post(api(tenant_a, "creators/"), {
        "name": "Coach Lee", "role": "kol", "credentials": "PhD exercise physiology",
        "niches": ["Running"], "accounts": [{"platform": "youtube", "handle": "@CoachLee",
                                             "followers": 80000, "engagement_rate": "3.1"}],
        "rates": {"video": "2500"},
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["niches"] == ["running"] and created["accounts"][0]["handle"] == "coachlee"
    assert created["accounts"][0]["provenance"]["followers"]["source"] == "manual"
    assert created["rates"] == {"video": "2500.00"}
    detail = api(tenant_a, f"creators/{created['id']}/")
    response = key_client.patch(detail, {"status": "active"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    card = key_client.get(detail + "scorecard/", {"audience_country": "US"}).json()
    assert [c["key"] for c in card["components"]][0] == "audience_match"
    assert 0 <= card["fit"] <= 100


def test_bad_account_figures_are_400_with_the_reason(tenant_a, key_client):
    response = key_client.post(api(tenant_a, "creators/"), {
        "name": "Bad", "accounts": [{"platform": "tiktok", "handle": "bad", "followers": -1}],
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    response = key_client.post(api(tenant_a, "creators/"), {
        "name": "Bad", "accounts": [{"platform": "tiktok", "handle": "bad",
                                     "audience_countries": {"US": 70, "GB": 50}}],
    }, content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert "over 100%" in str(response.json())


def test_lists_over_the_api(tenant_a, tenant_b, key_client):
    with tenant_a.context():
        mine = make_creator(tenant_a.organization, name="Mine")
    with tenant_b.context():
        theirs = make_creator(tenant_b.organization, name="Theirs")
    created = key_client.post(api(tenant_a, "lists/"), {"name": "Q3"},
                              content_type="application/json").json()  # fmt: skip
    response = key_client.post(api(tenant_a, f"lists/{created['id']}/creators/"),
                               {"creator_ids": [mine.pk, theirs.pk]},
                               content_type="application/json")  # fmt: skip
    assert response.json() == {"added": 1}
    listed = key_client.get(api(tenant_a, "lists/")).json()["results"]
    assert listed[0]["size"] == 1


def test_viewer_key_cannot_create(tenant_a):
    with tenant_a.context():
        _, raw = platform_services.api_key_create(
            organization=tenant_a.organization, actor=tenant_a.memberships[Role.OWNER],
            name="ro", role="viewer",
        )  # fmt: skip
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    response = client.post(
        api(tenant_a, "creators/"), {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_accounts_endpoint_filters_by_creator(tenant_a, key_client):
    with tenant_a.context():
        one = make_creator(tenant_a.organization, name="One")
        make_creator(tenant_a.organization, name="Two")
    rows = key_client.get(api(tenant_a, "accounts/"), {"creator": one.pk}).json()["results"]
    assert [r["handle"] for r in rows] == [one.handles[0]]


def test_a_bad_account_leaves_the_creator_as_it_was(tenant_a, key_client):
    """One request, one transaction: the profile change is not kept when an account in
    the same PATCH is refused."""
    with tenant_a.context():
        creator = make_creator(tenant_a.organization, name="Before")
    response = key_client.patch(
        api(tenant_a, f"creators/{creator.pk}/"),
        {"name": "After", "accounts": [{"platform": "tiktok", "handle": "x", "followers": -3}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    with tenant_a.context():
        creator.refresh_from_db()
    assert creator.name == "Before"


def test_budget_currency_over_the_api_and_in_the_schema(tenant_a, key_client):
    with tenant_a.context():
        make_creator(tenant_a.organization, name="Dollar Doc", rate_currency="USD",
                     rates={"post": "800"})  # fmt: skip
        make_creator(tenant_a.organization, name="Cheap Yen", rate_currency="JPY",
                     rates={"post": "500"})  # fmt: skip
    found = key_client.get(api(tenant_a, "creators/"), {"max_rate": "1000"}).json()
    assert [r["name"] for r in found["results"]] == ["Dollar Doc"]
    found = key_client.get(api(tenant_a, "creators/"),
                           {"max_rate": "1000", "rate_currency": "JPY"}).json()  # fmt: skip
    assert [r["name"] for r in found["results"]] == ["Cheap Yen"]
    bad = key_client.get(api(tenant_a, "creators/"), {"max_rate": "1", "rate_currency": "XYZ"})
    assert bad.status_code == 400 and "rate_currency" in bad.json()["errors"]
    schema = tenant_a.client().get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    [listing] = [op["get"] for path, op in schema.json()["paths"].items()
                 if path.endswith("/o/{org_slug}/creators/") and "get" in op]  # fmt: skip
    [param] = [p for p in listing["parameters"] if p["name"] == "rate_currency"]
    assert "JPY" in param["schema"]["enum"]


@pytest.mark.parametrize("sort", ["followers", "relevance", "fit"])
def test_pages_past_a_capped_count(tenant_a, key_client, monkeypatch, sort):
    from creators import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    monkeypatch.setattr(pagination.CreatorApiPagination, "page_size", 2)
    with tenant_a.context():
        for n in range(5):
            make_creator(tenant_a.organization, name=f"Derm {n}", credentials="dermatologist")
    search = {"q": "dermatologist", "sort": sort}
    seen = []
    for number, more in ((1, True), (2, True), (3, False)):
        response = key_client.get(api(tenant_a, "creators/"), {**search, "page": number})
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["name"] for row in body["results"]]
        assert bool(body["next"]) is more
        if more:
            assert f"page={number + 1}" in body["next"]
    assert sorted(seen) == [f"Derm {n}" for n in range(5)]
    past = key_client.get(api(tenant_a, "creators/"), {**search, "page": 4})
    assert past.status_code == 200 and past.json()["results"] == []
    assert past.json()["next"] is None
    # Not without end: a page deeper than PAGED_ROWS is refused, whatever its number.
    monkeypatch.setattr(pagination, "PAGED_ROWS", 4)
    assert key_client.get(api(tenant_a, "creators/"), {**search, "page": 2}).status_code == 200
    for deep in (3, 10**18):
        response = key_client.get(api(tenant_a, "creators/"), {**search, "page": deep})
        assert response.status_code == 404, (deep, response.content)


def test_a_bad_scorecard_target_is_400_naming_the_field(tenant_a, key_client):
    with tenant_a.context():
        ana = make_creator(tenant_a.organization, name="Dr Ana")
    scorecard = api(tenant_a, f"creators/{ana.pk}/scorecard/")
    response = key_client.get(scorecard, {"audience_country": "U$A", "audience_gender": "x"})
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"audience_country", "audience_gender"}
    assert "U$A" in body["errors"]["audience_country"][0]
    assert "audience_country" in body["detail"]


def test_list_members_remove_one_and_delete_the_list(tenant_a, tenant_b, key_client):
    org = tenant_a.organization
    with tenant_a.context():
        ana, ben = make_creator(org, name="Ana"), make_creator(org, name="Ben")
    with tenant_b.context():
        theirs = make_creator(tenant_b.organization, name="Theirs")
    created = key_client.post(api(tenant_a, "lists/"), {"name": "Q4"},
                              content_type="application/json").json()  # fmt: skip
    members = api(tenant_a, f"lists/{created['id']}/creators/")
    key_client.post(members, {"creator_ids": [ana.pk, ben.pk]}, content_type="application/json")
    body = key_client.get(members).json()
    assert [c["name"] for c in body["results"]] == ["Ana", "Ben"] and body["count"] == 2
    assert key_client.delete(f"{members}{ana.pk}/").status_code == 204
    assert [c["name"] for c in key_client.get(members).json()["results"]] == ["Ben"]
    assert key_client.delete(f"{members}{theirs.pk}/").status_code == 404
    detail = api(tenant_a, f"lists/{created['id']}/")
    refused = key_client.delete(detail)  # a member, as on the page, cannot delete a list
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    # API keys read or read-and-write (member); an admin deletes with a session.
    assert tenant_a.client(Role.ADMIN).delete(detail).status_code == 204
    assert key_client.get(detail).status_code == 404
    with tenant_a.context():
        assert {c.name for c in Creator.objects.all()} == {"Ana", "Ben"}  # roster untouched
