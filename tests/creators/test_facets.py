"""Facet lexemes in the search vector (creators/facets.py, migration 0005): a facet must be a
necessary condition of its filter (results with facets == results without), facet lexemes
never meet a text search word nor change its rank, and every writer of the search vector
(refresh_derived, the bulk loader, the migration's backfill) writes the same lexemes."""

from __future__ import annotations

import importlib
import io
import math
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from creators import facets, filters, selectors, services
from creators.models import AGE_BUCKETS, TIERS, Creator, CreatorRole, Platform
from kolhub.models import Organization
from kolhub.tenancy.context import tenant_context
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("creators.migrations.0005_search_facets")
WORDS = ["", "skincare", "dermatologist", "acne", "nutrition", "fitness", "wellness"]


def facet_lexemes(vector: str) -> set[str]:
    """The facet lexemes of a search vector's text form ('f:c:US' 'name':1A ...)."""
    return {part.strip("'") for part in vector.split(" ") if part.startswith("'f:")}


@pytest.fixture
def roster():
    """Generated creators (the loader's realistic spread) plus hand-made edges: shares and
    engagement exactly on bucket boundaries, no audience at all, long and odd values."""
    call_command("seed_creators", count=400, org="facets", chunk_size=200, stdout=io.StringIO())
    org = Organization.objects.get(slug="facets")
    edges = [
        ({"US": 30, "CA": 30}, {"25-34": 40, "18-24": 20}, {"female": 60, "male": 40}, "3.00"),
        ({"US": 29.9, "GB": 10.1}, {"25-34": 39.99}, {"female": 59.9}, "2.99"),
        ({"US": 100}, {"55+": 100}, {"other": 100}, "10.00"),
        ({"KR": 20.000000000000004, "JP": 19.999999999999996}, {}, {}, "12.5"),
        ({}, {}, {}, None),
    ]
    with tenant_context(org):
        for i, (countries, ages, gender, er) in enumerate(edges):
            make_creator(
                org, name=f"Edge {i}", role="kol", country="US", niches=["it's \\ odd", "acne"],
                languages=["en"], credentials="MD" if i % 2 else "",
                accounts=[{
                    "platform": "instagram", "handle": f"edge{i}", "followers": 10_000 * i,
                    "engagement_rate": er, "audience_countries": countries,
                    "audience_ages": ages, "audience_gender": gender,
                    "audience_interests": {"x" * 250: 5, "o'clock": 10} if i == 1 else {},
                }],
            )  # fmt: skip
    return org


def random_filters(org, rng: random.Random, count: int) -> list[dict]:
    """Filters drawn from the roster's own values, so minimums hit real shares exactly."""
    with tenant_context(org):
        rows = list(Creator.objects.values("audience_countries", "audience_ages",
                                           "audience_gender", "audience_interests",
                                           "engagement_rate", "niches", "languages",
                                           "country"))  # fmt: skip

    def threshold(column: str, keys: list[str]) -> str:
        pick = rng.random()
        if pick < 0.4:  # a real share, or a real sum of shares: the boundary itself
            row = rng.choice(rows)
            return str(min(100, sum(float(row[column].get(k) or 0) for k in keys)))
        if pick < 0.7:
            return str(rng.choice([10, 20, 30, 40, 50, 60, 80]))
        return f"{rng.uniform(0, 100):.2f}"

    out = []
    for _ in range(count):
        row = rng.choice(rows)
        params: dict = {"q": rng.choice(WORDS)}
        if rng.random() < 0.5:
            keys = rng.sample(sorted({k for r in rows for k in r["audience_countries"]}),
                              rng.choice([1, 1, 2, 3]))  # fmt: skip
            params |= {"audience_country": ",".join(keys),
                       "audience_country_min": threshold("audience_countries", keys)}  # fmt: skip
        if rng.random() < 0.3:
            keys = rng.sample(AGE_BUCKETS, rng.choice([1, 2]))
            params |= {"audience_age": keys,
                       "audience_age_min": threshold("audience_ages", keys)}  # fmt: skip
        if rng.random() < 0.3:
            gender = rng.choice(["female", "male", "other"])
            params |= {"audience_gender": gender,
                       "audience_gender_min": threshold("audience_gender", [gender])}  # fmt: skip
        if rng.random() < 0.4:
            er = row["engagement_rate"]
            params["er_min"] = str(er if er is not None and rng.random() < 0.5
                                   else round(rng.uniform(0, 12), 2))  # fmt: skip
        if rng.random() < 0.3:
            params["country"] = row["country"]
        if rng.random() < 0.3:
            params["verified"] = rng.choice(["true", "false"])
        if rng.random() < 0.3:
            params["role"] = rng.sample(CreatorRole.values, rng.choice([1, 2]))
        if rng.random() < 0.3 and row["niches"]:
            params["niche"] = rng.choice(row["niches"])
        if rng.random() < 0.3:
            params["platform"] = rng.sample(Platform.values, rng.choice([1, 2]))
        if rng.random() < 0.2:
            params["tier"] = rng.sample([t[0] for t in TIERS], rng.choice([1, 2]))
        if rng.random() < 0.2 and row["languages"]:
            params["language"] = row["languages"][0]
        if rng.random() < 0.2 and row["audience_interests"]:
            params["interest"] = rng.choice(list(row["audience_interests"]))
        out.append(params)
    return out


def results(org, params: dict) -> list[int]:
    with tenant_context(org):
        filterset = selectors.creator_search(organization=org, params=params)
        assert filterset.form.is_valid(), filterset.form.errors
        return list(filterset.qs.values_list("id", flat=True))


def mismatches(org, monkeypatch, cases: list[dict]) -> list[tuple]:
    """The cases whose results with facets differ from the results without them."""
    with_facets = [results(org, params) for params in cases]
    with monkeypatch.context() as patched:
        patched.setattr(
            filters,
            "with_facet",
            lambda queryset, exact, tsquery, same=False: queryset.filter(exact),
        )
        without = [results(org, params) for params in cases]
    return [(params, len(a), len(b)) for params, a, b in zip(cases, with_facets, without,
                                                             strict=True) if a != b]  # fmt: skip


def test_facets_never_drop_a_row_the_filters_keep(roster, monkeypatch):
    cases = random_filters(roster, random.Random(7), 250)
    assert not mismatches(roster, monkeypatch, cases)
    # The comparison means something: the facets were used (with a text search only), and
    # rows were found.
    used = {True: 0, False: 0}
    with tenant_context(roster):
        for params in cases:
            sql = str(selectors.creator_search(organization=roster, params=params).qs.query)
            used[bool(params["q"])] += "::tsquery" in sql
    assert used[True] > 0.8 * sum(bool(params["q"]) for params in cases)
    assert used[False] == 0
    assert sum(bool(results(roster, params)) for params in cases[:80]) > 20


@pytest.mark.parametrize("mutation", ["share_step", "engagement_up", "pigeonhole_ignored"])
def test_a_wrong_bucket_rule_is_caught(roster, monkeypatch, mutation):
    """The check above fails if a bucket rule stops being a necessary condition."""
    if mutation == "share_step":  # buckets of 5 where the rows have buckets of 10
        monkeypatch.setitem(facets.SHARE_FACETS, "audience_countries", ("ac", 5))
    elif mutation == "engagement_up":
        monkeypatch.setattr(facets, "engagement_at_least",
                            lambda m: facets.values("er", [str(min(10, math.ceil(m)))]))  # fmt: skip
    else:  # a sum of shares treated as if one key had it all
        real = facets.share_at_least
        monkeypatch.setattr(facets, "share_at_least",
                            lambda column, keys, m: real(column, keys[:1], m))  # fmt: skip
    cases = random_filters(roster, random.Random(7), 250)
    assert mismatches(roster, monkeypatch, cases)


def test_bucket_rules_on_worked_examples():
    assert facets.engagement_at_least(Decimal("3")) == "'f:er:3'"
    assert facets.engagement_at_least(Decimal("2.99")) == "'f:er:2'"
    assert facets.engagement_at_least(Decimal("0.5")) is None
    assert facets.engagement_at_least(Decimal("25")) == "'f:er:10'"
    assert facets.share_at_least("audience_countries", ["US"], 30) == "'f:ac:US:30'"
    assert facets.share_at_least("audience_countries", ["US"], 39.9) == "'f:ac:US:30'"
    assert facets.share_at_least("audience_countries", ["US"], 9) is None
    # US + CA ≥ 60: one of them ≥ 30 (less a hair, for the float sum): the bucket below.
    assert facets.share_at_least("audience_countries", ["US", "CA"], 61) == (
        "'f:ac:CA:30' | 'f:ac:US:30'"
    )
    assert facets.share_at_least("audience_countries", ["US", "CA"], 60) == (
        "'f:ac:CA:20' | 'f:ac:US:20'"
    )
    assert facets.share_at_least("audience_ages", ["25-34"], 35) == "'f:aa:25-34:20'"
    assert facets.values("n", ["it's \\ odd"]) == "'f:n:it''s \\\\ odd'"
    assert facets.values("ai", ["x" * 250]) is None  # no lexeme is stored for it


def test_search_vector_facets_follow_the_new_values(tenant_a):
    """refresh_derived computes the facets from the values its own UPDATE writes."""
    org = tenant_a.organization
    with tenant_a.context():
        creator = make_creator(org, country="US", role="kol", niches=["acne"], accounts=[{
            "platform": "instagram", "handle": "moving", "followers": 5_000,
            "engagement_rate": "3.5", "audience_countries": {"US": 55},
            "audience_gender": {"female": 70}, "audience_interests": {"skincare": 40},
        }])  # fmt: skip
        assert {"f:c:US", "f:r:kol", "f:n:acne", "f:p:instagram", "f:t:nano", "f:er:3",
                "f:ac:US:50", "f:ag:female:60", "f:ai:skincare",
                "f:cred:none"} <= lexemes_of(creator)  # fmt: skip
        services.account_upsert(organization=org, creator=creator, data={
            "platform": "instagram", "handle": "moving", "followers": 150_000,
            "engagement_rate": "6.2", "audience_countries": {"GB": 61},
            "audience_gender": {"male": 45}, "audience_interests": {"fitness": 20},
        })  # fmt: skip
        services.creator_update(organization=org, creator=creator,
                                data={"country": "GB", "niches": ["fitness"]})  # fmt: skip
        found = lexemes_of(creator)
    assert {"f:c:GB", "f:p:instagram", "f:t:mid", "f:er:6", "f:ac:GB:60", "f:ag:male:40",
            "f:ai:fitness", "f:n:fitness"} <= found  # fmt: skip
    assert not {f for f in found if f.startswith(("f:ac:US", "f:ag:female", "f:ai:skin"))}
    assert not {"f:c:US", "f:t:nano", "f:er:7", "f:n:acne"} & found


def lexemes_of(creator) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM creators_creator WHERE id = %s",
                       [creator.pk])  # fmt: skip
        return facet_lexemes(cursor.fetchone()[0])


ADVERSARIAL = [
    "f:c:US", "F:C:US", "f:cred:verified", "'f:c:US'", "f\\:c:US", "http://f:c:us",
    "x.com/f:c:us", "f:c:us/x", "<f:c:us>", "a@f:c:us", "f: c: us", '"f:er:3"',
    "f:ac:US:30", "f:n:it's odd", "mailto:f:c:us", "f:c:us.com", "/f:c:us",
]  # fmt: skip


def test_no_text_ever_becomes_a_facet_lexeme(roster):
    """The English parser splits at ':', so neither the text of a creator nor a search
    (websearch syntax) yields an 'f:…' lexeme."""
    with tenant_context(roster), connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT lexeme FROM creators_creator, unnest(search_vector) "
                       "WHERE lexeme LIKE 'f:%%'")  # fmt: skip
        stored = [row[0] for row in cursor.fetchall()]
        assert len(stored) > 100
        for text in [*ADVERSARIAL, *stored, " ".join(stored)]:
            cursor.execute("SELECT to_tsvector('english', %s)::text, "
                           "websearch_to_tsquery('english', %s)::text, "
                           "plainto_tsquery('english', %s)::text", [text] * 3)  # fmt: skip
            for form in cursor.fetchone():
                assert "'f:" not in form, (text, form)


def test_facets_leave_text_ranks_unchanged(roster):
    stripped = ("ts_delete(search_vector, ARRAY(SELECT lexeme FROM unnest(search_vector) "
                "WHERE lexeme LIKE 'f:%%'))")  # fmt: skip
    with tenant_context(roster), connection.cursor() as cursor:
        for word in [
            "skincare",
            "acne",
            "dermatologist or nutrition",
            "wellness -acne",
            "health or fitness",
        ]:
            cursor.execute(
                f"SELECT ts_rank(search_vector, q), ts_rank({stripped}, q), "
                f"ts_rank_cd(search_vector, q), ts_rank_cd({stripped}, q) "
                "FROM creators_creator, websearch_to_tsquery('english', %s) q "
                "WHERE search_vector @@ q", [word],
            )  # fmt: skip
            rows = cursor.fetchall()
            assert rows, word
            assert all(r[0] == r[1] and r[2] == r[3] for r in rows), word


def test_migration_backfill_equals_refresh_derived(roster):
    """Migration 0005 adds the facets in SQL to vectors without them (its reverse takes
    them out); the result is what refresh_derived and the loader write."""
    with connection.cursor() as cursor:  # as the owner, like the migration
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's deferred FK checks
        cursor.execute("SELECT id, search_vector::text FROM creators_creator ORDER BY id")
        expected = cursor.fetchall()
        cursor.execute(MIGRATION.STRIP)
        cursor.execute("SELECT count(*) FROM creators_creator, unnest(search_vector) "
                       "WHERE lexeme LIKE 'f:%%'")  # fmt: skip
        assert cursor.fetchone()[0] == 0
        cursor.execute(MIGRATION.BACKFILL)
        cursor.execute("SELECT id, search_vector::text FROM creators_creator ORDER BY id")
        again = cursor.fetchall()
    assert len(expected) == 405
    assert again == expected
