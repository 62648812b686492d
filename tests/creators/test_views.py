"""Creator pages over HTTP: discovery (full page and htmx partial), invalid filters,
bulk add to a list, saved searches, the creator page and its actions, CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from creators import services
from creators.models import CreatorList, SavedSearch
from kolhub.models import Role
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def url(tenant, path=""):
    return f"/o/{tenant.organization.slug}/creators/{path}"


@pytest.fixture
def two(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        derm = make_creator(org, name="Dr Ana Ruiz", role="kol", credentials="MD dermatologist",
                            niches=["skincare"], country="US")  # fmt: skip
        evil = make_creator(org, name="=HYPERLINK(\"http://x\")", niches=["skincare"],
                            bio="@SUM(1+1)")  # fmt: skip
    return derm, evil


def test_discovery_page_and_htmx_partial(tenant_a, two):
    client = tenant_a.client(Role.VIEWER)
    page = client.get(url(tenant_a), {"q": "dermatologist"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dr Ana Ruiz" in html and 'id="filters"' in html
    partial = client.get(url(tenant_a), {"q": "dermatologist"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "Dr Ana Ruiz" in body and 'id="filters"' not in body and "<html" not in body
    assert "HX-Request" in partial["Vary"]
    # The Back button after an htmx search asks for the whole page again.
    restore = client.get(
        url(tenant_a), {"q": "dermatologist"}, HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )  # fmt: skip
    assert 'id="filters"' in restore.content.decode()


def test_the_sort_shown_is_the_sort_in_effect(tenant_a, two):
    client = tenant_a.client()
    page = client.get(url(tenant_a))  # no words: by fit, and the form says so
    assert page.context["sort"] == "fit"
    assert '<option value="fit" selected>' in page.content.decode()
    # "Relevance" with no words to rank by (what the form sent before) is the fit sort,
    # pruned like it, not every match's fit computed and sorted.
    relevance = client.get(url(tenant_a), {"sort": "relevance"}, HTTP_HX_REQUEST="true")
    assert relevance.context["sort"] == "fit"
    assert relevance.context["filterset"].fit_target() is not None
    worded = client.get(url(tenant_a), {"q": "dermatologist"})
    assert worded.context["sort"] == "relevance"
    assert '<option value="relevance" selected>' in worded.content.decode()


def test_invalid_filter_is_shown_as_invalid(tenant_a, two):
    response = tenant_a.client().get(url(tenant_a), {"er_min": "abc", "followers_min": "-3"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters are not valid" in html
    assert "Engagement ≥ %" in html and "Enter a number." in html


def test_bulk_add_to_new_list_then_existing(tenant_a, two):
    derm, evil = two
    client = tenant_a.client(Role.MEMBER)
    response = client.post(url(tenant_a, "lists/add/"),
                           {"creator_ids": [derm.pk, evil.pk], "new_list_name": "Spring derms"})  # fmt: skip
    assert response.status_code == 302
    with tenant_a.context():
        shortlist = CreatorList.objects.get(name="Spring derms")
        assert shortlist.entries.count() == 2
    # Adding again is harmless; the list page shows them.
    client.post(url(tenant_a, "lists/add/"), {"creator_ids": [derm.pk], "list_id": shortlist.pk})
    page = client.get(url(tenant_a, f"lists/{shortlist.pk}/")).content.decode()
    assert "Dr Ana Ruiz" in page


def test_bulk_add_ignores_another_organizations_creators(tenant_a, tenant_b, two):
    with tenant_b.context():
        foreign = make_creator(tenant_b.organization, name="Foreign")
    client = tenant_a.client(Role.MEMBER)
    client.post(url(tenant_a, "lists/add/"), {"creator_ids": [foreign.pk], "new_list_name": "X"})
    with tenant_a.context():
        assert CreatorList.objects.get(name="X").entries.count() == 0


def test_viewer_cannot_bulk_add(tenant_a, two):
    derm, _ = two
    response = tenant_a.client(Role.VIEWER).post(
        url(tenant_a, "lists/add/"), {"creator_ids": [derm.pk], "new_list_name": "nope"}
    )
    assert response.status_code == 403


def test_save_and_reopen_a_search(tenant_a, two):
    client = tenant_a.client(Role.MEMBER)
    client.post(url(tenant_a, "searches/save/"),
                {"name": "US derms", "query": "q=dermatologist&country=US"})  # fmt: skip
    with tenant_a.context():
        saved = SavedSearch.objects.get(name="US derms")
    assert saved.query == {"q": ["dermatologist"], "country": ["US"]}
    page = client.get(url(tenant_a)).content.decode()
    assert "US derms" in page and "q=dermatologist" in page


def test_creator_page_shows_scorecard_against_search_target(tenant_a, two):
    derm, _ = two
    page = (
        tenant_a.client(Role.VIEWER)
        .get(url(tenant_a, f"{derm.pk}/"), {"audience_country": "US"})
        .content.decode()
    )
    assert "Vetting scorecard" in page and "Audience match" in page and "% in US" in page
    assert "manual" in page  # provenance of the figures


def test_creator_page_actions(tenant_a, two):
    derm, _ = two
    client = tenant_a.client(Role.MEMBER)
    client.post(url(tenant_a, f"{derm.pk}/notes/"), {"text": "Met at AAD 2026"})
    client.post(url(tenant_a, f"{derm.pk}/accounts/"),
                {"platform": "youtube", "handle": "@AnaDerm", "followers": "5000",
                 "audience_countries": "US:50, CA:10"})  # fmt: skip
    response = client.post(url(tenant_a, f"{derm.pk}/credentials/"),
                           {"credential_status": "verified", "evidence_url": ""}, follow=True)  # fmt: skip
    assert "evidence" in response.content.decode().lower()  # refused without evidence
    client.post(url(tenant_a, f"{derm.pk}/credentials/"),
                {"credential_status": "verified", "evidence_url": "https://example.org/x"})  # fmt: skip
    page = client.get(url(tenant_a, f"{derm.pk}/")).content.decode()
    assert "Met at AAD 2026" in page and "@anaderm" in page and "Verified" in page


def test_updating_one_figure_keeps_the_others_and_their_provenance(tenant_a, two):
    derm, _ = two
    org = tenant_a.organization
    with tenant_a.context():
        account = services.account_upsert(
            organization=org, creator=derm, source="api",
            data={"platform": "youtube", "handle": "anaderm", "followers": 15000,
                  "audience_countries": {"US": 55}, "brands_mentioned": ["DermaPure"]},
        )  # fmt: skip
    client = tenant_a.client(Role.MEMBER)
    # The add form with the same platform and handle: only the filled field changes.
    client.post(url(tenant_a, f"{derm.pk}/accounts/"),
                {"platform": "youtube", "handle": "AnaDerm", "engagement_rate": "4.5"})  # fmt: skip
    with tenant_a.context():
        account.refresh_from_db()
        assert account.followers == 15000 and account.audience_countries == {"US": 55}
        assert account.brands_mentioned == ["DermaPure"]
        assert account.provenance["followers"]["source"] == "api"
        assert account.provenance["engagement_rate"]["source"] == "manual"
    # The account's own edit form shows every figure; saving it as shown changes nothing,
    # and a field emptied there is cleared.
    page = client.get(url(tenant_a, f"{derm.pk}/"))
    (edit,) = [f for a, f in page.context["account_edit_forms"] if a.pk == account.pk]
    posted = {k: v for k, v in ((n, edit[n].value()) for n in edit.fields) if v is not None}
    posted = {k: edit.fields[k].prepare_value(v) for k, v in posted.items()}
    client.post(url(tenant_a, f"{derm.pk}/accounts/"), {**posted, "brands_mentioned": ""})
    with tenant_a.context():
        account.refresh_from_db()
        assert account.followers == 15000 and account.audience_countries == {"US": 55}
        assert account.brands_mentioned == []
        assert account.provenance["followers"]["source"] == "api"
        assert account.provenance["brands_mentioned"]["source"] == "manual"


def test_account_with_bad_shares_is_refused_with_reason(tenant_a, two):
    derm, _ = two
    response = tenant_a.client(Role.MEMBER).post(
        url(tenant_a, f"{derm.pk}/accounts/"),
        {"platform": "tiktok", "handle": "x", "audience_countries": "US:80, GB:40"}, follow=True,
    )  # fmt: skip
    assert "over 100%" in response.content.decode()


def test_create_and_edit_creator(tenant_a):
    client = tenant_a.client(Role.MEMBER)
    response = client.post(url(tenant_a, "new/"), {
        "name": "Coach Lee", "role": "kol", "status": "prospect", "rate_currency": "USD",
        "niches": "running, strength", "languages": "en", "country": "us",
        "account-platform": "instagram", "account-handle": "@CoachLee", "account-followers": "12000",
    })  # fmt: skip
    assert response.status_code == 302
    detail = response["Location"]
    creator_id = int(detail.rstrip("/").split("/")[-1])
    response = client.post(url(tenant_a, f"{creator_id}/edit/"), {
        "name": "Coach Lee", "role": "kol", "status": "active", "rate_currency": "USD",
        "niches": "running", "country": "US", "post": "750", "reel": "",
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Active" in page and "750.00" in page


def test_missing_name_shows_what_to_fix(tenant_a):
    response = tenant_a.client(Role.MEMBER).post(url(tenant_a, "new/"), {"name": ""})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_export_is_the_current_search_and_defuses_formulas(tenant_a, two):
    response = tenant_a.client(Role.VIEWER).get(url(tenant_a, "export.csv"), {"q": "skincare"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Name"
    exported = {r[0] for r in rows[1:]}
    assert "Dr Ana Ruiz" in exported
    assert '\'=HYPERLINK("http://x")' in exported  # a formula comes back as text
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_other_organizations_creator_is_404(tenant_a, tenant_b, two):
    derm, _ = two
    client = tenant_b.client(Role.OWNER)
    slug = tenant_b.organization.slug
    assert client.get(f"/o/{slug}/creators/{derm.pk}/").status_code == 404
    assert client.post(f"/o/{slug}/creators/{derm.pk}/notes/", {"text": "x"}).status_code == 404


def test_budget_currency_next_to_the_budget_and_in_a_saved_search(tenant_a, two):
    with tenant_a.context():
        make_creator(tenant_a.organization, name="Cheap Yen", rate_currency="JPY",
                     rates={"post": "500"})  # fmt: skip
    client = tenant_a.client(Role.MEMBER)
    page = client.get(url(tenant_a)).content.decode()
    # The organization's currency is preselected, right after the budget field.
    assert page.index('name="max_rate"') < page.index('name="rate_currency"')
    assert '<option value="USD" selected>' in page
    found = client.get(url(tenant_a), {"max_rate": "1000", "rate_currency": "JPY"})
    assert [c.name for c in found.context["page"].object_list] == ["Cheap Yen"]
    assert '<option value="JPY" selected>' in found.content.decode()
    assert "rate_currency=JPY" in found.context["query_string"]
    client.post(url(tenant_a, "searches/save/"),
                {"name": "Yen budget", "query": found.context["query_string"]})  # fmt: skip
    with tenant_a.context():
        saved = SavedSearch.objects.get(name="Yen budget")
    assert saved.query["rate_currency"] == ["JPY"]
    [(_search, link)] = client.get(url(tenant_a)).context["saved_searches"]
    reopened = client.get(link)
    assert [c.name for c in reopened.context["page"].object_list] == ["Cheap Yen"]


@pytest.mark.parametrize("sort", ["followers", "relevance", "fit"])
def test_pages_past_a_capped_count_on_the_page(tenant_a, monkeypatch, sort):
    from creators import pagination, views

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "PER_PAGE", 2)
    with tenant_a.context():
        for n in range(5):
            make_creator(tenant_a.organization, name=f"Derm {n}", credentials="dermatologist")
    client = tenant_a.client()
    seen = []
    for number, more in ((1, True), (2, True), (3, False)):
        response = client.get(url(tenant_a), {"q": "dermatologist", "sort": sort,
                                              "page": number}, HTTP_HX_REQUEST="true")  # fmt: skip
        page = response.context["page"]
        assert page.number == number
        seen += [c.name for c in page.object_list]
        assert ("Next →" in response.content.decode()) is more
    assert sorted(seen) == [f"Derm {n}" for n in range(5)]


def test_creator_page_warns_when_the_target_is_not_valid(tenant_a, two):
    derm, _ = two
    response = tenant_a.client(Role.VIEWER).get(
        url(tenant_a, f"{derm.pk}/"), {"audience_country": "U$A", "audience_age": "99-120"}
    )
    assert response.status_code == 200
    assert set(response.context["target_errors"]) == {"audience_country", "audience_age"}
    html = response.content.decode()
    assert "The target audience is not valid" in html
    warning = html.split("data-target-invalid", 1)[1].split("</ul>", 1)[0]
    assert "audience_country" in warning and "U$A" in warning and "audience_age" in warning
    assert "Against the target audience from your search" not in html


def test_htmx_results_refresh_the_filter_errors_out_of_band(tenant_a, two):
    import re

    client = tenant_a.client()
    slots = re.findall(r'id="(filter-errors-[a-z_]+)"', client.get(url(tenant_a)).content.decode())
    bad = client.get(url(tenant_a), {"er_min": "abc"}, HTTP_HX_REQUEST="true").content.decode()
    # Every error slot of the filters comes along, swapped out of band.
    assert re.findall(r'id="(filter-errors-[a-z_]+)" hx-swap-oob="true"', bad) == slots
    er_slot = bad.split('id="filter-errors-er_min"', 1)[1].split("</div>", 1)[0]
    assert "Enter a number." in er_slot
    fixed = client.get(url(tenant_a), {"er_min": "3"}, HTTP_HX_REQUEST="true").content.decode()
    er_slot = fixed.split('id="filter-errors-er_min"', 1)[1].split("</div>", 1)[0]
    assert er_slot == ' hx-swap-oob="true">'  # the stale error is cleared
    assert "hx-swap-oob" not in client.get(url(tenant_a), {"er_min": "abc"}).content.decode()


# Committed transactions, as in production: the rows are read after the request's own
# tenant transaction has ended.
@pytest.mark.django_db(transaction=True)
def test_export_streams_every_row_from_a_cursor_while_it_is_sent(tenant_a, two, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from creators import exports

    monkeypatch.setattr(exports, "CHUNK_SIZE", 2, raising=False)  # several fetches
    with tenant_a.context():
        for n in range(5):
            make_creator(tenant_a.organization, name=f"Skin {n}", niches=["skincare"])
    response = tenant_a.client(Role.VIEWER).get(url(tenant_a, "export.csv"), {"niche": "skincare"})
    assert response.streaming
    # The rows are read as the response is sent (inside a tenant context of its own), not
    # all in the view before it.
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(response.streaming_content).decode()
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("creators_creator" in q for q in sql)
    assert any("set_config('role'" in q for q in sql)  # as the app role, under RLS
    rows = list(csv.reader(io.StringIO(body)))
    names = sorted(r[0] for r in rows[1:])
    assert names == sorted(
        ["Dr Ana Ruiz", '\'=HYPERLINK("http://x")', *(f"Skin {n}" for n in range(5))]
    )


def test_creator_page_shows_where_the_audience_came_from_and_when_refreshed(tenant_a):
    from datetime import UTC, datetime

    from creators.models import SocialAccount

    with tenant_a.context():
        ana = make_creator(tenant_a.organization, name="Dr Ana", accounts=[
            {"platform": "instagram", "handle": "ana.big", "followers": 90000,
             "audience_ages": {"25-34": 50}, "audience_countries": {"US": 60}},
            {"platform": "tiktok", "handle": "ana.small", "followers": 1000},
        ])  # fmt: skip
        SocialAccount.objects.filter(handle="ana.big").update(
            last_refreshed_at=datetime(2026, 3, 4, 5, 6, tzinfo=UTC),
            provenance={"audience_ages": {"source": "api", "at": "2026-03-04T05:06:00+00:00"},
                        "audience_countries": {"source": "import", "at": "2026-02-01T00:00:00+00:00"}},
        )  # fmt: skip
    html = tenant_a.client().get(url(tenant_a, f"{ana.pk}/")).content.decode()
    audience = html.split('id="audience-title"', 1)[1].split("</section>", 1)[0]
    assert "Instagram @ana.big" in audience
    assert "API · 2026-03-04" in audience and "import · 2026-02-01" in audience
    assert "Refreshed from the platform Mar 4, 2026" in html
    assert "Never refreshed from the platform" in html  # the TikTok account


def test_saved_search_has_a_delete_button(tenant_a, two):
    with tenant_a.context():
        search = services.saved_search_save(organization=tenant_a.organization, name="Old one",
                                            query={"q": ["x"]}, created_by=tenant_a.owner)  # fmt: skip
    delete = url(tenant_a, f"searches/{search.pk}/delete/")
    assert delete in tenant_a.client(Role.MEMBER).get(url(tenant_a)).content.decode()
    assert delete not in tenant_a.client(Role.VIEWER).get(url(tenant_a)).content.decode()
    assert tenant_a.client(Role.MEMBER).post(delete).status_code == 302
    with tenant_a.context():
        assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_a_list_page_past_its_limit_says_so(tenant_a, monkeypatch):
    from creators import views

    monkeypatch.setattr(views, "LIST_PAGE_LIMIT", 2)
    org = tenant_a.organization
    with tenant_a.context():
        people = [make_creator(org, name=f"P{n}") for n in range(3)]
        shortlist = services.list_create(organization=org, name="Big", created_by=tenant_a.owner)
        services.list_add_creators(organization=org, creator_list=shortlist,
                                   creator_ids=[p.pk for p in people], added_by=tenant_a.owner)  # fmt: skip
    page = tenant_a.client().get(url(tenant_a, f"lists/{shortlist.pk}/"))
    assert len(page.context["creators"]) == 2
    html = page.content.decode()
    assert "data-list-cut" in html and "Only the first 2" in html
    assert f"in_list={shortlist.pk}" in html.split("data-list-cut", 1)[1]
