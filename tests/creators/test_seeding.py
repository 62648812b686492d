"""Demo rosters (seed_demo's creators hook) and the bulk loader (manage.py seed_creators).

The loader computes every derived column in Python and writes it with COPY; the test that
runs creators.derived.refresh_derived over its rows and finds nothing to change is what
keeps that second implementation of AGGREGATE_SQL honest."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import TestCase

from creators import scoring, seeding
from creators.derived import refresh_derived
from creators.models import (
    AGE_BUCKETS,
    GENDERS,
    Creator,
    CreatorRole,
    RateCardItem,
    SocialAccount,
    tier_of,
)
from kolhub.models import Membership, Organization, Role
from kolhub.tenancy.context import tenant_context

DERIVED = [
    "followers", "engagement_rate", "credibility", "sponsored_ratio", "platforms", "handles",
    "audience_countries", "audience_ages", "audience_gender", "audience_interests",
    "brands_mentioned", "min_rate", "base_score", "audience_peaks",
]  # fmt: skip
SHARES = ["audience_ages", "audience_gender", "audience_countries", "audience_interests"]


def quiet(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def assert_shares_at_most_100(accounts) -> None:
    for account in accounts:
        for name in SHARES:
            shares = getattr(account, name)
            assert all(0 < v <= 100 for v in shares.values()), (account.handle, name, shares)
            assert round(sum(shares.values()), 1) <= 100, (account.handle, name, shares)
        assert set(account.audience_ages) <= set(AGE_BUCKETS)
        assert set(account.audience_gender) <= set(GENDERS)


class DemoRosterTests(TestCase):
    """kolhub's seed_demo, with the creators hook, run once for the whole class."""

    @classmethod
    def setUpTestData(cls):
        cls.first_run = quiet("seed_demo")
        cls.glow = Organization.objects.get(slug="glow-lab")
        cls.peak = Organization.objects.get(slug="peakform")

    def creators(self, org):
        with tenant_context(org):
            return list(Creator.objects.all())

    def glow_owner(self):
        with tenant_context(self.glow):
            return Membership.objects.get(role=Role.OWNER).user

    def test_seeds_both_brands_and_says_so(self):
        assert "added 500 demo creators to Glow Lab Skincare" in self.first_run
        assert "added 120 demo creators to PeakForm Nutrition" in self.first_run
        assert len(self.creators(self.glow)) == 500
        assert len(self.creators(self.peak)) == 120

    def test_second_run_adds_nothing(self):
        def counts():
            out = []
            for org in (self.glow, self.peak):
                with tenant_context(org):
                    out.append((Creator.objects.count(), SocialAccount.objects.count(),
                                RateCardItem.objects.count()))  # fmt: skip
            return out

        before = counts()
        output = quiet("seed_demo")
        assert counts() == before
        assert "demo creators" not in output

    def test_every_role_in_both_rosters(self):
        for org in (self.glow, self.peak):
            roles = Counter(c.role for c in self.creators(org))
            assert set(roles) == set(CreatorRole.values), (org.slug, roles)
            assert roles["influencer"] > roles["kol"] > 0

    def test_credentialed_kols_some_verified_with_evidence_some_not(self):
        glow_kols = [c for c in self.creators(self.glow) if c.role == "kol"]
        peak_kols = [c for c in self.creators(self.peak) if c.role == "kol"]
        glow_text = " | ".join(c.credentials for c in glow_kols)
        peak_text = " | ".join(c.credentials for c in peak_kols)
        for needle in ("board-certified dermatologist", "FAAD", "cosmetic"):
            assert needle in glow_text, needle
        for needle in ("RD", "PhD, exercise physiology", "physiotherap"):
            assert needle in peak_text, needle
        professions = {c.profession for c in glow_kols + peak_kols}
        assert {"Dermatologist", "Cosmetic chemist", "Esthetician", "Registered dietitian",
                "Sports scientist", "Physiotherapist"} <= professions  # fmt: skip
        assert all(c.credentials for c in glow_kols + peak_kols)
        statuses = Counter(c.credential_status for c in glow_kols + peak_kols)
        assert statuses["verified"] and statuses["unverified"], statuses
        owner = self.glow_owner()
        for creator in glow_kols:
            if creator.credential_status == "verified":
                assert creator.credential_evidence_url.startswith("https://example.org/")
                assert creator.credential_verified_by_id == owner.pk
                assert creator.credential_verified_at is not None

    def test_the_issue_example_devoted_dermatologist_beside_a_million_follower_account(self):
        creators = self.creators(self.glow)
        derm = [
            c for c in creators
            if c.country == "US" and "board-certified dermatologist" in c.credentials
            and c.credential_status == "verified" and 14_000 <= c.followers <= 16_000
            and c.engagement_rate >= 5 and c.audience_countries.get("US", 0) >= 60
            and "skincare" in c.niches
        ]  # fmt: skip
        lifestyle = [
            c for c in creators
            if 950_000 <= c.followers <= 1_100_000 and "lifestyle" in c.niches
        ]  # fmt: skip
        assert derm and lifestyle
        target = scoring.Target(countries=("US",), interests=("skincare",),
                                competitors=("DermaPure",))  # fmt: skip
        assert scoring.scorecard(derm[0], target).fit > scoring.scorecard(lifestyle[0], target).fit

    def test_followers_follow_a_long_tail(self):
        for org in (self.glow, self.peak):
            tiers = Counter(tier_of(c.followers) for c in self.creators(org))
            total = sum(tiers.values())
            assert (tiers["nano"] + tiers["micro"]) / total > 0.7, tiers
            assert tiers["nano"] > tiers["micro"] > tiers["mid"] > tiers["mega"], tiers
        assert tiers["mega"] / total < 0.03

    def test_accounts_platforms_and_shares_are_plausible(self):
        with tenant_context(self.glow):
            accounts = list(SocialAccount.objects.select_related("creator"))
        per_creator = Counter(a.creator_id for a in accounts)
        assert set(per_creator.values()) == {1, 2, 3}
        platforms = Counter(a.platform for a in accounts)
        assert {"instagram", "tiktok", "youtube", "xiaohongshu", "linkedin"} <= set(platforms)
        assert all(a.creator.country == "CN" for a in accounts if a.platform == "xiaohongshu")
        assert all(a.creator.credentials for a in accounts if a.platform == "linkedin")
        assert_shares_at_most_100(accounts)
        credibility = [a.credibility for a in accounts if a.credibility is not None]
        assert min(credibility) >= 55 and max(credibility) <= 98
        # Engagement mostly near the benchmark, with a few implausible outliers.
        ratios = [
            float(a.engagement_rate) / scoring.benchmark(a.platform, tier_of(a.followers))
            for a in accounts if a.engagement_rate is not None
        ]  # fmt: skip
        implausible = [r for r in ratios if r > scoring.IMPLAUSIBLY_HIGH]
        assert 0 < len(implausible) < 0.05 * len(ratios)
        brands = {b for a in accounts for b in a.brands_mentioned}
        assert {"DermaPure", "SkinFirst", "CeraGlow"} <= brands

    def test_rate_cards_in_the_brand_currency(self):
        for org, currency in ((self.glow, "USD"), (self.peak, "GBP")):
            creators = self.creators(org)
            assert {c.rate_currency for c in creators} == {currency}
            with tenant_context(org):
                deliverables = set(RateCardItem.objects.values_list("deliverable", flat=True))
            assert {"post", "video"} <= deliverables
            assert sum(c.min_rate is not None for c in creators) > 0.7 * len(creators)

    def test_realistic_spread_of_countries_and_languages(self):
        countries = Counter(c.country for c in self.creators(self.glow))
        assert {"US", "GB", "FR", "DE", "KR", "JP", "SG", "AU", "BR", "IN", "CN"} <= set(countries)
        assert countries.most_common(1)[0][0] == "US"
        assert Counter(c.country for c in self.creators(self.peak)).most_common(1)[0][0] == "GB"
        assert all(c.languages and c.city for c in self.creators(self.glow))


# --- the bulk loader -----------------------------------------------------------------------


def derived_snapshot(org) -> dict[int, tuple]:
    columns = ", ".join(DERIVED)
    with tenant_context(org), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {columns}, search_vector::text FROM creators_creator ORDER BY id"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_seed_creators_derived_columns_equal_refresh_derived():
    output = quiet("seed_creators", count=300, org="seed-check", chunk_size=128)
    assert "added 300 creators" in output
    org = Organization.objects.get(slug="seed-check")
    fast = derived_snapshot(org)
    assert len(fast) == 300
    with tenant_context(org):
        refresh_derived(organization=org, creator_ids=list(fast))
        # The sample must reach the edges of AGGREGATE_SQL for the comparison to mean much.
        accounts = list(SocialAccount.objects.all())
        creators = list(Creator.objects.all())
    per_creator = Counter(a.creator_id for a in accounts)
    assert {1, 2, 3} <= set(per_creator.values())
    assert any(a.engagement_rate is None for a in accounts)  # blogs and podcasts
    assert any(c.min_rate is None for c in creators)
    assert any(c.brands_mentioned for c in creators) and any(not c.brands_mentioned
                                                            for c in creators)  # fmt: skip
    assert {c.credential_status for c in creators} == {"none", "verified", "unverified",
                                                       "rejected"}  # fmt: skip
    slow = derived_snapshot(org)
    mismatches = [
        (creator_id, column, fast_row[i], slow[creator_id][i])
        for creator_id, fast_row in fast.items()
        for i, column in enumerate([*DERIVED, "search_vector"])
        if fast_row[i] != slow[creator_id][i]
    ]
    assert not mismatches, mismatches[:10]
    assert all(row[-1] for row in fast.values())  # a search vector on every row


@pytest.mark.django_db
def test_seed_creators_twice_keeps_handles_unique_per_platform():
    quiet("seed_creators", count=150, org="seed-twice")
    quiet("seed_creators", count=150, org="seed-twice", accounts_per_creator=2.5)
    org = Organization.objects.get(slug="seed-twice")
    with tenant_context(org):
        assert Creator.objects.count() == 300
        pairs = list(SocialAccount.objects.values_list("platform", "handle"))
    assert len(pairs) == len(set(pairs))
    assert all(h == h.lower() and not h.startswith("@") for _, h in pairs)


@pytest.mark.django_db
def test_seed_creators_writes_only_its_organization(tenant_a):
    quiet("seed_creators", count=50, org="seed-own")
    org = Organization.objects.get(slug="seed-own")
    assert org.name == "Seed Own"
    with tenant_context(org):
        assert set(Creator.objects.values_list("organization_id", flat=True)) == {org.pk}
        assert set(SocialAccount.objects.values_list("organization_id", flat=True)) == {org.pk}
        assert_shares_at_most_100(SocialAccount.objects.all())
    with tenant_a.context():
        assert not Creator.objects.exists()
        assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_rows_stamped_with_another_organization_are_refused_by_row_level_security(tenant_a):
    """The loader moves staged rows with INSERT … SELECT as the app role: RLS checks each
    one, so rows carrying another organization's id cannot get in."""
    org = seeding.bench_organization_get_or_create(slug="seed-intruder")
    spec = seeding.CreatorGenerator(seed=2).creator()
    with tenant_context(org), connection.cursor() as cursor:
        ids = seeding._reserve_ids(cursor, "creators_creator", 1)
    rows = seeding._chunk_rows(tenant_a.organization.pk, ids, [spec], "{}")
    with pytest.raises(DatabaseError, match="row-level security"):
        seeding._chunk_write(org, rows)
    with tenant_a.context():
        assert not Creator.objects.exists()


@pytest.mark.django_db
def test_seed_creators_rejects_bad_arguments():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between 1 and 3"):
        quiet("seed_creators", count=10, org="seed-bad", accounts_per_creator=4)
    with pytest.raises(CommandError, match="at least 1"):
        quiet("seed_creators", count=0, org="seed-bad")
    with pytest.raises(CommandError, match="Cannot create organization"):
        quiet("seed_creators", count=10, org="not a slug!")


def test_copy_columns_cover_every_model_column():
    """A field added to a model must be added to the loader, or this fails (not COPY)."""
    for model, columns, skipped in (
        (Creator, seeding.CREATOR_COLUMNS, {"search_vector"}),
        (SocialAccount, seeding.ACCOUNT_COLUMNS, {"id"}),
        (RateCardItem, seeding.RATE_COLUMNS, {"id"}),
    ):
        # Generated columns (the peak keys) are PostgreSQL's to fill.
        model_columns = {f.column for f in model._meta.concrete_fields if not f.generated}
        assert set(columns) == model_columns - skipped, model.__name__


def test_brand_names_sort_alike_under_any_collation():
    """brands_mentioned is array_agg(DISTINCT b ORDER BY b): the loader's sorted() agrees with
    any collation only if byte order and case-insensitive order agree."""
    names = [b for pool in seeding.BRANDS.values() for b in pool]
    assert len(names) == len(set(names))
    assert all(name.isalpha() for name in names)
    assert sorted(names) == sorted(names, key=str.casefold)


def test_generator_is_deterministic_and_honours_accounts_per_creator():
    def sample(seed, per_creator=1.5, n=2000):
        generator = seeding.CreatorGenerator(seed=seed, accounts_per_creator=per_creator)
        return list(generator.creators(n))

    first, again = sample(7, n=50), sample(7, n=50)
    assert [(s.data, [a.figures() for a in s.accounts], s.rates) for s in first] == [
        (s.data, [a.figures() for a in s.accounts], s.rates) for s in again
    ]
    for seed, per_creator in enumerate((1.0, 1.5, 2.5, 3.0)):
        specs = sample(seed, per_creator)
        mean = sum(len(s.accounts) for s in specs) / len(specs)
        assert abs(mean - per_creator) < 0.06, (per_creator, mean)


@pytest.mark.django_db
def test_copy_text_round_trips_awkward_strings():
    """The loader formats COPY text itself: tabs, newlines, backslashes, quotes and commas
    must come back as they went in, in plain, array and JSON columns."""
    org = seeding.bench_organization_get_or_create(slug="seed-escapes")
    awkward = 'Tab\there, "quoted", back\\slash\nnew line'
    spec = seeding.CreatorGenerator(seed=1).creator()
    spec.data.update(name=awkward, bio=awkward, niches=["a,b", 'say "hi"', "back\\slash", "{x}"])
    spec.accounts[0].audience_interests = {awkward: 12.5}
    spec.accounts[0].brands_mentioned = [awkward]
    with tenant_context(org), connection.cursor() as cursor:
        ids = seeding._reserve_ids(cursor, "creators_creator", 1)
    seeding._chunk_write(org, seeding._chunk_rows(org.pk, ids, [spec], "{}"))
    with tenant_context(org):
        creator = Creator.objects.get()
        account = creator.accounts.order_by("-followers").first()
    assert creator.name == awkward and creator.bio == awkward
    assert creator.niches == ["a,b", 'say "hi"', "back\\slash", "{x}"]
    assert creator.audience_interests == {awkward: 12.5}
    brands = {b for a in spec.accounts for b in a.brands_mentioned}
    assert creator.brands_mentioned == sorted(brands)
    assert account.audience_interests == {awkward: 12.5}
