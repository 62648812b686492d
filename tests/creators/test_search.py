"""Discovery: every filter, combined; text search on the embedded PostgreSQL (no pg_trgm);
garbage parameters reported per field; tenant scope."""

from __future__ import annotations

import pytest

from creators import scoring, selectors, services
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        people = {
            "derm": make_creator(
                org, name="Dr Ana Ruiz", role="kol", credentials="MD, board-certified dermatologist",
                profession="Dermatologist", niches=["skincare", "acne"], country="US", city="Austin",
                languages=["en", "es"], bio="Evidence-based acne treatment and sunscreen science.",
                accounts=[{"platform": "instagram", "handle": "dr.ana.skin", "followers": 15000,
                           "engagement_rate": "4.8", "audience_countries": {"US": 62},
                           "audience_ages": {"25-34": 40, "35-44": 30},
                           "audience_gender": {"female": 80, "male": 20},
                           "audience_interests": {"skincare": 70}}],
                rates={"post": "900", "reel": "1500"},
            ),
            "chem": make_creator(
                org, name="Kenji Sato", role="kol", credentials="PhD cosmetic chemistry",
                niches=["skincare"], country="JP", languages=["ja"],
                accounts=[{"platform": "youtube", "handle": "kenjichem", "followers": 250000,
                           "engagement_rate": "2.1", "audience_countries": {"JP": 70, "US": 10}}],
                rates={"video": "4000"},
            ),
            "mega": make_creator(
                org, name="Glam Life Daily", role="influencer", niches=["lifestyle"], country="GB",
                accounts=[{"platform": "tiktok", "handle": "glamlife", "followers": 1_200_000,
                           "engagement_rate": "5.5", "audience_countries": {"GB": 40, "US": 25}},
                          {"platform": "instagram", "handle": "glamlife.ig", "followers": 300_000,
                           "engagement_rate": "1.0"}],
            ),
            "dnc": make_creator(
                org, name="Blocked Person", status="do_not_contact", niches=["skincare"],
                accounts=[{"platform": "instagram", "handle": "blocked", "followers": 50000,
                           "engagement_rate": "3.0", "audience_countries": {"US": 90}}],
            ),
        }  # fmt: skip
        services.credential_set_status(
            organization=org, creator=people["derm"], status="verified",
            evidence_url="https://example.org/abd/ana-ruiz", verified_by=tenant_a.owner,
        )  # fmt: skip
    return people


def names(tenant, **params):
    with tenant.context():
        filterset = selectors.creator_search(organization=tenant.organization, params=params)
        assert filterset.form.is_valid(), filterset.form.errors
        return [c.name for c in filterset.qs]


def test_text_search_over_name_handle_bio_credentials_and_niches(tenant_a, roster):
    assert names(tenant_a, q="dermatologist") == ["Dr Ana Ruiz"]
    assert names(tenant_a, q="dermatologists") == ["Dr Ana Ruiz"]  # stemmed
    assert names(tenant_a, q="sunscreen") == ["Dr Ana Ruiz"]  # bio
    assert names(tenant_a, q="kenjichem") == ["Kenji Sato"]  # handle
    assert names(tenant_a, q="cosmetic chemistry") == ["Kenji Sato"]
    assert set(names(tenant_a, q="skincare")) == {"Dr Ana Ruiz", "Kenji Sato"}  # niche, no DNC
    assert names(tenant_a, q='"acne treatment" -chemistry') == ["Dr Ana Ruiz"]  # websearch syntax


def test_structured_filters(tenant_a, roster):
    assert names(tenant_a, role="kol", sort="followers") == ["Kenji Sato", "Dr Ana Ruiz"]
    assert names(tenant_a, platform="youtube") == ["Kenji Sato"]
    assert names(tenant_a, tier="mega") == ["Glam Life Daily"]
    assert names(tenant_a, tier=["micro", "mid"], sort="followers") == ["Kenji Sato", "Dr Ana Ruiz"]
    assert names(tenant_a, followers_min=100000, followers_max=1000000) == ["Kenji Sato"]
    assert names(tenant_a, er_min="4", sort="followers") == ["Glam Life Daily", "Dr Ana Ruiz"]
    assert names(tenant_a, verified="true") == ["Dr Ana Ruiz"]
    assert names(tenant_a, language="ja") == ["Kenji Sato"]
    assert names(tenant_a, country="us") == ["Dr Ana Ruiz"]
    assert names(tenant_a, city="austin") == ["Dr Ana Ruiz"]
    assert names(tenant_a, max_rate="1000") == ["Dr Ana Ruiz"]
    assert names(tenant_a, niche="acne") == ["Dr Ana Ruiz"]


def test_audience_filters(tenant_a, roster):
    assert names(tenant_a, audience_country="US", audience_country_min="50") == ["Dr Ana Ruiz"]
    both = names(tenant_a, audience_country="GB,US", audience_country_min="60")
    assert both == ["Glam Life Daily", "Dr Ana Ruiz"] or set(both) == {
        "Glam Life Daily",
        "Dr Ana Ruiz",
    }
    assert names(tenant_a, audience_age=["25-34", "35-44"], audience_age_min="60") == [
        "Dr Ana Ruiz"
    ]
    assert names(tenant_a, audience_gender="female", audience_gender_min="75") == ["Dr Ana Ruiz"]
    assert names(tenant_a, interest="skincare") == ["Dr Ana Ruiz"]


def test_do_not_contact_is_excluded_unless_asked(tenant_a, roster):
    assert "Blocked Person" not in names(tenant_a)
    assert "Blocked Person" in names(tenant_a, include_dnc="true")


def test_list_filters(tenant_a, roster):
    org = tenant_a.organization
    with tenant_a.context():
        shortlist = services.list_create(organization=org, name="Spring", created_by=tenant_a.owner)
        services.list_add_creators(organization=org, creator_list=shortlist,
                                   creator_ids=[roster["derm"].pk], added_by=tenant_a.owner)  # fmt: skip
    assert names(tenant_a, in_list=shortlist.pk) == ["Dr Ana Ruiz"]
    assert "Dr Ana Ruiz" not in names(tenant_a, exclude_list=shortlist.pk)


def test_the_issue_example_filter(tenant_a, roster):
    """Credentialed dermatologists in the US with ≥ 3 % engagement."""
    found = names(tenant_a, q="dermatologist", verified="true", country="US", er_min="3")
    assert found == ["Dr Ana Ruiz"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"followers_min": "lots"}, "followers_min"),
        ({"followers_min": "-5"}, "followers_min"),
        ({"er_min": "250"}, "er_min"),
        ({"audience_country_min": "101"}, "audience_country_min"),
        ({"role": "wizard"}, "role"),
        ({"platform": "myspace"}, "platform"),
        ({"sort": "random"}, "sort"),
        ({"country": "U$A"}, "country"),
        ({"in_list": "abc"}, "in_list"),
        ({"tier": "giga"}, "tier"),
    ],
)
def test_garbage_parameters_are_reported_per_field(tenant_a, params, field):
    with tenant_a.context():
        filterset = selectors.creator_search(organization=tenant_a.organization, params=params)
        assert not filterset.form.is_valid()
        assert field in filterset.form.errors


def test_search_never_sees_another_organization(tenant_a, tenant_b, roster):
    with tenant_b.context():
        make_creator(tenant_b.organization, name="Other Brand Derm", niches=["skincare"],
                     credentials="MD dermatologist")  # fmt: skip
    assert "Other Brand Derm" not in names(tenant_a, q="dermatologist")
    assert names(tenant_b, q="dermatologist") == ["Other Brand Derm"]


def test_search_query_count_does_not_grow_with_results(
    tenant_a, roster, django_assert_max_num_queries
):
    with tenant_a.context():
        filterset = selectors.creator_search(organization=tenant_a.organization,
                                             params={"q": "skincare", "sort": "fit"})  # fmt: skip
        with django_assert_max_num_queries(1):
            list(filterset.qs)


# Targets the shortcut handles differently: one key, several keys, more keys than the peak
# columns cover, two dimensions, a competitor, filters, and no target at all.
PRUNING_TARGETS = [
    {"audience_country": "US"},
    {"audience_country": "US,CA"},
    {"audience_country": "US,CA,GB,DE"},
    {"audience_age": ["25-34"], "audience_gender": "female"},
    {"audience_country": "GB", "interest": "skincare,fitness", "competitor": "Acme"},
    {"audience_country": "US", "audience_country_min": "10", "er_min": "1"},
    {},
]


def _varied_roster(org, rng, n: int = 450) -> None:
    """Creators with spread-out scores and audiences; two in three write about acne."""
    for i in range(n):
        make_creator(
            org, credentials=rng.choice(["", "", "MD"]),
            bio=rng.choice(["Acne scars, explained.", "Acne and sunscreen.", "Marathon training."]),
            accounts=[{"platform": "instagram", "handle": f"p{i}",
                       "followers": rng.choice([3000, 40000, 400000]),
                       "engagement_rate": str(round(rng.uniform(0.2, 9), 2)),
                       "audience_countries": {"US": rng.randint(0, 50),
                                              "CA": rng.randint(0, 20),
                                              "GB": rng.randint(0, 30)},
                       "audience_ages": {"18-24": rng.randint(0, 40),
                                         "25-34": rng.randint(0, 50)},
                       "audience_gender": {"female": rng.randint(20, 90)},
                       "audience_interests": {"skincare": rng.randint(0, 80),
                                              "fitness": rng.randint(0, 20)},
                       "brands_mentioned": rng.choice([[], [], ["Acme"]])}],
        )  # fmt: skip


def test_fit_pruning_returns_exactly_the_unpruned_order(tenant_a):
    """The paginator's shortcut (read only rows whose fit ceiling reaches a floor, found
    through the peak key indexes) must give the same pages as sorting every row."""
    import random

    from creators.pagination import CreatorPaginator

    rng = random.Random(3)
    org = tenant_a.organization
    with tenant_a.context():
        _varied_roster(org, rng)
        for params in PRUNING_TARGETS:
            search = {**params, "sort": "fit"}
            filterset = selectors.creator_search(organization=org, params=search)
            qs = filterset.qs
            everything = [c.pk for c in qs]
            assert len(everything) > 250, ("enough rows for the shortcut to prune", params)
            for number in (1, 2, 5):
                paginator = CreatorPaginator.for_search(filterset, 25)
                page = paginator.page(number)
                expected = everything[(number - 1) * 25 : number * 25]
                assert [c.pk for c in page] == expected, (params, number)


@pytest.mark.parametrize("guesses", [(0.9, 0.6, 0.3, 0.1), (0.02, 0.01), (1.0,)])
def test_fit_pruning_by_bands_stays_exact_however_the_guesses_fall(tenant_a, monkeypatch, guesses):
    """Over one index cut the guesses read disjoint bands of it and merge the best rows
    found (creators.pagination._top_by_bands). Guesses that miss, overshoot or land next
    to the floor must still give the unpruned order, and no band reads the range of
    another (each after the first has an upper end)."""
    import random

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from creators import pagination

    monkeypatch.setattr(pagination, "GUESSES", guesses)
    rng = random.Random(11)
    org = tenant_a.organization
    with tenant_a.context():
        _varied_roster(org, rng)
        for params in PRUNING_TARGETS:
            filterset = selectors.creator_search(organization=org, params={**params, "sort": "fit"})
            if not pagination.single_cut(filterset.fit_target()):
                continue
            everything = [c.pk for c in filterset.qs]
            for number in (1, 2):
                paginator = pagination.CreatorPaginator.for_search(filterset, 25)
                with CaptureQueriesContext(connection) as captured:
                    page = paginator.page(number)
                assert [c.pk for c in page] == everything[(number - 1) * 25 : number * 25]
                walk = scoring.peak_walk(filterset.fit_target())
                column = f'"creators_creator"."{walk[0] if walk else "base_score"}" <'
                bands = [q["sql"] for q in captured if "10.1::float8" in q["sql"]]
                if len(everything) < max(4 * number * 25, 200):
                    continue  # fewer matches than the sample: sorted whole, no bands
                assert bands, params
                assert column not in bands[0]
                assert all(column in sql for sql in bands[1:]), (params, number)


@pytest.mark.parametrize("cap", [1_000, 80])
def test_a_text_search_by_fit_takes_its_floor_from_the_rows_it_counts(tenant_a, monkeypatch, cap):
    """A text search sorted by fit: the capped count reads the fits of the rows it counts,
    and the page starts from them instead of sampling by base_score again. With every
    match counted (cap 1,000) they give the page outright; with the cap hit (80) they give
    the floor, and past the counted rows the usual sample does. Either way the pages and
    the count are those of sorting and counting every match."""
    import random

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from creators import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", cap)
    rng = random.Random(5)
    org = tenant_a.organization
    with tenant_a.context():
        _varied_roster(org, rng)
        for params in PRUNING_TARGETS:
            search = {**params, "q": "acne", "sort": "fit"}
            filterset = selectors.creator_search(organization=org, params=search)
            everything = [c.pk for c in filterset.qs]
            assert len(everything) > 200, params
            for number in (1, 2, 3, 4):
                paginator = pagination.CreatorPaginator.for_search(filterset, 25)
                with CaptureQueriesContext(connection) as captured:
                    page = paginator.page(number)
                expected = everything[(number - 1) * 25 : number * 25]
                assert [c.pk for c in page] == expected, (params, number)
                assert paginator.count == min(len(everything), cap)
                assert paginator.capped is (len(everything) > cap)
                sql = " ".join(q["sql"] for q in captured)
                assert "COUNT(" not in sql.upper()  # the count is the rows it read
                if number * 25 <= cap:  # within the counted rows: no second pass over them
                    assert "ORDER BY" not in sql.split("LIMIT")[0].upper(), (params, number)
                    assert 'ORDER BY "creators_creator"."base_score"' not in sql


def test_relevance_pages_are_counted_by_their_own_query(
    tenant_a, roster, django_assert_max_num_queries
):
    """A relevance sort reads every match anyway, so the page query also counts them
    (one query, not two); the count agrees with counting separately."""
    from creators.pagination import CreatorPaginator

    org = tenant_a.organization
    with tenant_a.context():
        filterset = selectors.creator_search(organization=org, params={"q": "skincare"})
        assert filterset.ranks_by_relevance()
        matches = filterset.qs.count()
        assert matches == 2
        paginator = CreatorPaginator.for_search(filterset, 1)
        with django_assert_max_num_queries(1):
            page = paginator.page(2)
        assert paginator.count == matches
        assert len(page) == 1
        last = CreatorPaginator.for_search(filterset, 1).get_page(99)  # past the end
        assert last.number == paginator.num_pages == 2
        assert CreatorPaginator.for_search(filterset, 1).get_page("x").number == 1


def test_relevance_pages_counted_in_the_page_keep_the_plain_order(tenant_a):
    """The relevance page's window count sorts by the page's own order: the pages and the
    count are those of the plain queryset (ties in rank and fit broken by id)."""
    import random

    from creators.pagination import CreatorPaginator

    rng = random.Random(7)
    org = tenant_a.organization
    with tenant_a.context():
        _varied_roster(org, rng, n=120)
        filterset = selectors.creator_search(organization=org, params={"q": "acne"})
        assert filterset.ranks_by_relevance()
        everything = [c.pk for c in filterset.qs]
        assert len(everything) > 50
        for number in (1, 2, 3):
            paginator = CreatorPaginator.for_search(filterset, 25)
            page = paginator.page(number)
            assert [c.pk for c in page] == everything[(number - 1) * 25 : number * 25]
            assert paginator.count == len(everything)


def _count_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]


def test_a_dense_count_walks_an_index_and_counts_the_same(tenant_a, roster, monkeypatch):
    """Where PostgreSQL expects many matches, the capped count is planned without bitmap
    scans (it stops at the cap); the number is the same as the usual count's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from creators import pagination

    org = tenant_a.organization
    with tenant_a.context():
        for params in ({"niche": "skincare"}, {"country": "US", "sort": "followers"}, {}):
            filterset = selectors.creator_search(organization=org, params=params)
            usual = pagination.CreatorPaginator(filterset.qs, 1, fit_target=None).count
            monkeypatch.setattr(pagination, "COUNT_WALK_ESTIMATE", 0)
            with CaptureQueriesContext(connection) as captured:
                walked = pagination.CreatorPaginator(filterset.qs, 1, fit_target=None,
                                                     count_walks=True).count  # fmt: skip
            monkeypatch.setattr(pagination, "COUNT_WALK_ESTIMATE", 20 * pagination.COUNT_CAP)
            assert walked == usual > 0, params
            sql = " ".join(q["sql"] for q in captured)
            assert "set_config('enable_bitmapscan', 'off', true)" in sql
            assert "set_config('statement_timeout'" in sql
            assert len(_count_queries(captured)) == 1  # the walk finished: no second count
        with connection.cursor() as cursor:  # the walk's settings did not outlive it
            cursor.execute("SHOW enable_bitmapscan")
            assert cursor.fetchone()[0] == "on"


def test_a_walk_that_runs_out_of_time_falls_back_to_the_usual_count(tenant_a, roster, monkeypatch):
    from django.db import connection
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL
    from django.test.utils import CaptureQueriesContext

    from creators import pagination

    org = tenant_a.organization
    with tenant_a.context():
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            timeout_before = cursor.fetchone()[0]
        filterset = selectors.creator_search(organization=org, params={})
        expected = filterset.qs.count()
        # Each row takes 5 ms to test: the 1 ms walk is cancelled, the usual count is not.
        slow = filterset.qs.filter(RawSQL("pg_sleep(0.005) IS NOT NULL", [],
                                          output_field=BooleanField()))  # fmt: skip
        monkeypatch.setattr(pagination, "COUNT_WALK_ESTIMATE", 0)
        monkeypatch.setattr(pagination, "COUNT_WALK_MS", 1)
        with CaptureQueriesContext(connection) as captured:
            count = pagination.CreatorPaginator(slow, 1, fit_target=None, count_walks=True).count
        assert count == expected
        assert len(_count_queries(captured)) == 2  # the cancelled walk, then the usual count
        with connection.cursor() as cursor:  # the transaction goes on, settings as they were
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == timeout_before
            cursor.execute("SHOW enable_bitmapscan")
            assert cursor.fetchone()[0] == "on"


def test_a_text_search_is_never_counted_by_walking(tenant_a, roster, monkeypatch):
    """Words are found through the GIN index only, which a walk cannot use: a text search
    is counted the usual way however many matches are expected."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from creators import pagination

    monkeypatch.setattr(pagination, "COUNT_WALK_ESTIMATE", 0)
    with tenant_a.context():
        text = selectors.creator_search(organization=tenant_a.organization,
                                        params={"q": "skincare", "sort": "followers"})  # fmt: skip
        plain = selectors.creator_search(organization=tenant_a.organization,
                                         params={"sort": "followers"})  # fmt: skip
        for filterset, walks in ((text, False), (plain, True)):
            with CaptureQueriesContext(connection) as captured:
                pagination.CreatorPaginator.for_search(filterset, 1).count  # noqa: B018
            sql = " ".join(q["sql"] for q in captured)
            assert ("set_config('enable_bitmapscan', 'off', true)" in sql) is walks


def test_a_page_with_its_match_count_keeps_the_order_and_counts_every_match(tenant_a, roster):
    """page_with_match_count orders by the queryset's own order (names of columns or
    annotations) and counts every match; an order it cannot name is refused."""
    from django.db.models import F

    from creators.models import Creator
    from creators.pagination import page_with_match_count

    org = tenant_a.organization
    with tenant_a.context():
        ordered = Creator.objects.for_org(org).order_by("-followers", "id")
        rows = list(page_with_match_count(ordered, 1, 2))
        assert [c.pk for c in rows] == [c.pk for c in ordered[1:3]]
        assert {c.match_count for c in rows} == {ordered.count()}
        with pytest.raises(ValueError):
            page_with_match_count(ordered.order_by(F("followers").desc()), 0, 2)


def test_searches_share_one_form_class_but_not_their_forms(tenant_a):
    """The filter form's class is built once (CreatorFilterSet.get_form_class); each
    search still validates its own data."""
    org = tenant_a.organization
    with tenant_a.context():
        bad = selectors.creator_search(organization=org, params={"followers_min": "lots"})
        good = selectors.creator_search(organization=org, params={"followers_min": "5"})
        assert type(bad.form) is type(good.form)
        assert not bad.form.is_valid() and good.form.is_valid()
        assert "followers_min" in bad.form.errors and not good.form.errors


def test_a_budget_holds_in_one_currency(tenant_a):
    """max_rate compares rates in the budget's currency only: the organization's unless
    rate_currency says otherwise."""
    org = tenant_a.organization
    with tenant_a.context():
        make_creator(org, name="Dollar Doc", rate_currency="USD", rates={"post": "800"})
        make_creator(org, name="Yen Doc", rate_currency="JPY", rates={"post": "90000"})
        make_creator(org, name="Cheap Yen", rate_currency="JPY", rates={"post": "500"})
    assert org.default_currency == "USD"
    # 500 yen is not ≤ a 1,000-dollar budget's kind of number: it is in another currency.
    assert names(tenant_a, max_rate="1000") == ["Dollar Doc"]
    assert names(tenant_a, max_rate="1000", rate_currency="JPY") == ["Cheap Yen"]
    assert set(names(tenant_a, max_rate="100000", rate_currency="JPY")) == {"Cheap Yen", "Yen Doc"}
    org.default_currency = "JPY"
    org.save(update_fields=["default_currency"])
    assert names(tenant_a, max_rate="1000") == ["Cheap Yen"]
    # Without a budget the currency narrows nothing.
    assert len(names(tenant_a, rate_currency="EUR")) == 3
    with tenant_a.context():
        filterset = selectors.creator_search(organization=org, params={"rate_currency": "XYZ"})
        assert "rate_currency" in filterset.form.errors
