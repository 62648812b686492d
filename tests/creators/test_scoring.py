"""The scorecard math on worked examples (docs/fit-score.md), and the SQL used for sorting
agreeing with it to the last digit."""

from __future__ import annotations

import random

import pytest

from creators import scoring, selectors
from creators.scoring import Target
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db

US_SKIN = Target(countries=("US",), competitors=("DermaPure",))


def derm(org):
    return make_creator(
        org, name="Dr Ana Ruiz", role="kol", profession="Dermatologist",
        credentials="MD, board-certified dermatologist", years_experience=12,
        niches=["skincare", "acne"], country="US",
        accounts=[{"platform": "instagram", "handle": "dr.ana.skin", "followers": 15000,
                   "engagement_rate": "4.8", "credibility": "92", "sponsored_ratio": "20",
                   "audience_countries": {"US": 62, "CA": 8}}],
    )  # fmt: skip


def test_new_credentials_wording_undoes_the_check_until_someone_looks_again(tenant_a):
    from creators import services

    org = tenant_a.organization
    with tenant_a.context():
        creator = services.credential_set_status(
            organization=org, creator=derm(org), status="verified",
            evidence_url="https://example.org/licence/123", verified_by=tenant_a.owner,
        )  # fmt: skip
        same = services.creator_update(organization=org, creator=creator,
                                       data={"credentials": creator.credentials, "city": "Austin"})  # fmt: skip
        assert (
            same.credential_status == "verified" and same.credential_verified_by == tenant_a.owner
        )
        changed = services.creator_update(organization=org, creator=same,
                                          data={"credentials": "MD, plastic surgeon"})  # fmt: skip
        assert changed.credential_status == "unverified"
        assert changed.credential_verified_by is None and changed.credential_verified_at is None
    expertise = {c.key: c for c in scoring.scorecard(changed, US_SKIN).components}["expertise"]
    assert expertise.value < 90  # the verified score is gone with the check


def lifestyle(org):
    return make_creator(
        org, name="Glam Life Daily", role="influencer", niches=["lifestyle", "beauty"],
        accounts=[{"platform": "instagram", "handle": "glamlifedaily", "followers": 1_000_000,
                   "engagement_rate": "0.9", "credibility": "68", "sponsored_ratio": "55",
                   "audience_countries": {"US": 30, "GB": 10}, "brands_mentioned": ["DermaPure"]}],
    )  # fmt: skip


def test_worked_example_credentialed_dermatologist(tenant_a):
    with tenant_a.context():
        creator = derm(tenant_a.organization)
        # Verify the credentials (evidence required).
        from creators import services

        creator = services.credential_set_status(
            organization=tenant_a.organization, creator=creator, status="verified",
            evidence_url="https://example.org/licence/123", verified_by=tenant_a.owner,
        )  # fmt: skip
    card = scoring.scorecard(creator, US_SKIN)
    values = {c.key: (c.value, c.points) for c in card.components}
    assert values == {
        "audience_match": (62.0, 21.7),      # 62 % of the audience in the US
        "expertise": (100.0, 20.0),          # verified 90 + 10 years capped at 10
        "engagement_quality": (100.0, 20.0), # 4.8 % vs 2.4 % micro Instagram = 2×
        "authenticity": (92.0, 13.8),        # 92 % real, 20 % sponsored (≤ 30, no cost)
        "brand_conflicts": (100.0, 10.0),    # never worked for DermaPure
    }  # fmt: skip
    assert card.fit == 85.5
    assert float(creator.base_score) == 53.8  # 20 + 20 + 13.8, stored for sorting


def test_worked_example_mega_lifestyle_account_with_a_competitor(tenant_a):
    with tenant_a.context():
        creator = lifestyle(tenant_a.organization)
    card = scoring.scorecard(creator, US_SKIN)
    values = {c.key: (c.value, c.points) for c in card.components}
    assert values == {
        "audience_match": (30.0, 10.5),
        "expertise": (0.0, 0.0),
        "engagement_quality": (45.0, 9.0),  # 0.9 % vs 1.0 % mega Instagram
        "authenticity": (43.0, 6.45),       # 68 − (55 − 30) sponsored
        "brand_conflicts": (0.0, 0.0),      # sponsored posts for DermaPure
    }  # fmt: skip
    assert card.fit == 26.0  # 25.95 rounds half up
    assert card.flags == ["Worked with competitor DermaPure."]


def test_implausible_engagement_is_flagged_and_not_rewarded():
    class C:
        credentials = profession = ""
        credential_status = "none"
        years_experience = None
        followers = 5000
        platforms = ["tiktok"]
        engagement_rate = 40  # 5× the 8 % nano TikTok benchmark
        credibility = None
        sponsored_ratio = None

    eq, auth = scoring.base_components(C())[1:]
    assert eq.value == 50.0
    assert auth.value == 45.0  # unknown credibility 70, −25 implausible
    assert "implausibly high" in auth.flags[0]


def test_no_target_gives_neutral_audience_match(tenant_a):
    with tenant_a.context():
        creator = derm(tenant_a.organization)
    card = scoring.scorecard(creator, Target())
    assert card.components[0].value == 50.0
    assert "No target audience" in card.components[0].why


def test_dermatologist_outranks_the_million_follower_account_by_fit(tenant_a):
    with tenant_a.context():
        derm(tenant_a.organization)
        lifestyle(tenant_a.organization)
        names = [c.name for c in selectors.creator_search(
            organization=tenant_a.organization,
            params={"q": "skincare OR beauty", "audience_country": "US", "competitor": "DermaPure",
                    "sort": "fit"},
        ).qs]  # fmt: skip
    assert names == ["Dr Ana Ruiz", "Glam Life Daily"]


def test_sql_fit_equals_the_python_scorecard(tenant_a):
    rng = random.Random(7)
    org = tenant_a.organization
    targets = [
        Target(),
        Target(countries=("US", "CA")),
        Target(countries=("GB",), ages=("25-34", "35-44"), gender="female"),
        Target(interests=("skincare",), competitors=("Acme",)),
    ]
    with tenant_a.context():
        for n in range(25):
            make_creator(
                org, credentials=rng.choice(["", "RD", "MD"]), profession=rng.choice(["", "Nurse"]),
                years_experience=rng.choice([None, 3, 15]),
                accounts=[{
                    "platform": rng.choice(["instagram", "tiktok", "youtube", "blog"]),
                    "handle": f"rnd{n}", "followers": rng.choice([900, 25_000, 700_000, 3_000_000]),
                    "engagement_rate": str(round(rng.uniform(0.1, 30), 2)),
                    "credibility": str(round(rng.uniform(40, 99), 1)),
                    "sponsored_ratio": str(round(rng.uniform(0, 80), 1)),
                    "audience_countries": {"US": rng.randint(0, 50), "GB": rng.randint(0, 30),
                                           "CA": rng.randint(0, 15)},
                    "audience_ages": {"25-34": rng.randint(0, 50), "35-44": rng.randint(0, 40)},
                    "audience_gender": {"female": rng.randint(0, 60), "male": rng.randint(0, 40)},
                    "audience_interests": {"skincare": rng.randint(0, 90)},
                    "brands_mentioned": rng.choice([[], ["Acme"], ["Other"]]),
                }],
            )  # fmt: skip
        for target in targets:
            params = {
                "audience_country": ",".join(target.countries), "audience_age": list(target.ages),
                "audience_gender": target.gender, "interest": ",".join(target.interests),
                "competitor": ",".join(target.competitors), "sort": "fit",
            }  # fmt: skip
            results = list(selectors.creator_search(organization=org, params=params).qs)
            assert len(results) == 25
            for creator in results:
                full = selectors.creator_get(organization=org, creator_id=creator.pk)
                assert creator.fit == scoring.scorecard(full, target).fit, (target, creator.name)
            fits = [c.fit for c in results]
            assert fits == sorted(fits, reverse=True)


def test_fit_ceiling_is_never_below_the_fit(tenant_a):
    """creators.scoring.fit_bound_sql and the peak key columns bound the fit from above
    for every row and target: the fit sort's pruning is exact only if they do."""
    from django.db.models import FloatField
    from django.db.models.expressions import RawSQL

    from creators.models import Creator

    rng = random.Random(11)
    org = tenant_a.organization
    targets = [
        Target(), Target(countries=("US",)), Target(countries=("US", "CA")),
        Target(countries=("US", "CA", "GB", "DE")), Target(ages=("25-34",), gender="female"),
        Target(ages=("18-24", "25-34", "35-44"), interests=("skincare",), competitors=("Acme",)),
    ]  # fmt: skip
    with tenant_a.context():
        for n in range(40):
            make_creator(org, credentials=rng.choice(["", "MD"]), accounts=[{
                "platform": "instagram", "handle": f"b{n}", "followers": rng.choice([900, 50_000]),
                "engagement_rate": str(round(rng.uniform(0.1, 12), 2)),
                "audience_countries": {"US": rng.randint(0, 90), "CA": rng.randint(0, 10)},
                "audience_ages": {"18-24": rng.randint(0, 60), "25-34": rng.randint(0, 40)},
                "audience_gender": {"female": rng.randint(0, 100)},
                "audience_interests": {"skincare": rng.randint(0, 100)},
            }])  # fmt: skip
        make_creator(org, name="No accounts at all")
        for target in targets:
            fit, params = scoring.fit_sql(target)
            rows = Creator.objects.for_org(org).annotate(
                fit=RawSQL(fit, params, output_field=FloatField()),
                ceiling=RawSQL(scoring.fit_bound_sql(target), [], output_field=FloatField()),
            )
            walk = scoring.peak_walk(target)
            for creator in rows:
                assert float(creator.fit) <= creator.ceiling, (target, creator.name)
                if walk:
                    keys = [getattr(creator, column) for column in walk]
                    mean = sum(keys) / len(keys)
                    assert creator.ceiling <= mean + scoring.MOST_CONFLICT_POINTS + 1e-9


def test_audience_peaks_backfill_matches_python(tenant_a):
    """Migration 0004 fills audience_peaks in SQL; refresh_derived writes them with
    scoring.audience_peaks. Both must give the same numbers."""
    import importlib

    from django.db import connection

    from creators.models import Creator

    backfill = importlib.import_module("creators.migrations.0004_audience_peaks").BACKFILL
    org = tenant_a.organization
    with tenant_a.context():
        make_creator(org, accounts=[{
            "platform": "instagram", "handle": "peaks", "followers": 1000,
            "audience_countries": {"US": 41.5, "CA": 30, "GB": 20, "DE": 9},
            "audience_ages": {"25-34": 70}, "audience_gender": {"female": 55.5, "male": 44.5},
            "audience_interests": {},
        }])  # fmt: skip
        make_creator(org, name="Nobody follows")
        expected = {c.pk: c.audience_peaks for c in Creator.objects.for_org(org)}
        assert expected and all(len(p) == 12 for p in expected.values())
    with connection.cursor() as cursor:  # as the owner, like the migration
        # The test's inserts left deferred foreign-key checks, which block ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("UPDATE creators_creator SET audience_peaks = '{}'")
        cursor.execute(backfill)
    with tenant_a.context():
        again = {c.pk: c.audience_peaks for c in Creator.objects.for_org(org)}
    assert again.keys() == expected.keys()
    for pk, peaks in expected.items():
        assert again[pk] == pytest.approx(peaks)
