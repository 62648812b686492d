"""The campaign's daily rollups and the creators' running totals (what the dashboard
reads) stay equal to sums over DailyRollup: after random events, after late events on
older days recomputed in several small batches, for every date range and platform."""

from __future__ import annotations

import dataclasses
import datetime
import random
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.tracking.rollup_world import FIGURES, build_campaign, copy_clicks, random_events
from tracking.models import CampaignDailyRollup, DailyRollup, RunningTotal, TrackingLink
from tracking.selectors.results import collaboration_range_totals, rollup_totals
from tracking.services.rollups import rollups_recompute_batch, rollups_refresh


@pytest.fixture
def org(tenant_a):
    organization = tenant_a.organization
    organization.timezone = "Asia/Kolkata"  # a half-hour offset moves events across days
    organization.save()
    return organization


def _campaign_days_from_daily(campaign) -> dict:
    sums: dict = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for row in DailyRollup.objects.filter(campaign=campaign):
        key = (row.day, row.platform, row.currency)
        for f in FIGURES:
            sums[key][f] += getattr(row, f)
    return {k: v for k, v in sums.items() if any(v.values())}


def _campaign_days(campaign) -> dict:
    return {
        (row.day, row.platform, row.currency): {f: getattr(row, f) for f in FIGURES}
        for row in CampaignDailyRollup.objects.filter(campaign=campaign)
    }


def _meaningful(by_collaboration: dict) -> dict:
    """Totals with something in them, without zero amounts in other currencies: a series
    that nets to zero in a range is left out by the running totals, kept by a sum."""
    out = {}
    for key, totals in by_collaboration.items():
        totals = dataclasses.replace(
            totals, other_revenue={c: a for c, a in totals.other_revenue.items() if a}
        )
        if totals != dataclasses.replace(totals.__class__(), other_revenue={}) or any(
            totals.other_revenue.values()
        ):
            out[key] = totals
    return out


def _check_every_range(org, campaign) -> int:
    days = sorted(set(DailyRollup.objects.filter(campaign=campaign).values_list("day", flat=True)))
    assert len(days) >= 5
    edges = [days[0] - datetime.timedelta(days=1), *days, days[-1] + datetime.timedelta(days=1)]
    checked = 0
    for platform in (None, "instagram", "tiktok"):
        for i, start in enumerate(edges):
            for end in edges[i:]:
                scope = {"date_from": start, "date_to": end, "platform": platform}
                expected = rollup_totals(organization=org, group_by="collaboration",
                                         campaign_ids=[campaign.pk], **scope)  # fmt: skip
                actual = collaboration_range_totals(organization=org, campaign=campaign,
                                                    **scope)  # fmt: skip
                assert _meaningful(actual) == _meaningful(expected), scope
                checked += 1
    # Open-ended ranges too (the API may leave a bound out).
    assert _meaningful(collaboration_range_totals(organization=org, campaign=campaign)) == (
        _meaningful(
            rollup_totals(organization=org, group_by="collaboration", campaign_ids=[campaign.pk])
        )  # fmt: skip
    )
    return checked


@pytest.mark.django_db
def test_campaign_days_and_running_totals_equal_sums_of_daily_rollups(tenant_a, org):
    rng = random.Random(11)
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=3)
        random_events(org, campaign, collabs, rng=rng, days=8, clicks=200)
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert RunningTotal.objects.exists()
        assert _campaign_days(campaign) == _campaign_days_from_daily(campaign)
        assert _check_every_range(org, campaign) > 100
        # The money in another currency went through (other_revenue), so it was compared.
        assert DailyRollup.objects.filter(currency="EUR").exists()


@pytest.mark.django_db
def test_late_events_in_small_batches_rewrite_running_totals_from_their_day(tenant_a, org):
    rng = random.Random(12)
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=2)
        random_events(org, campaign, collabs, rng=rng, days=8, clicks=150)
    rollups_refresh(organization=org)
    with tenant_a.context():
        last_before = RunningTotal.objects.order_by("-day").first()
        # Late data: more events across the same days (older ones included), recomputed
        # a few marks per batch, so each batch starts its running totals elsewhere.
        links = list(TrackingLink.objects.filter(collaboration__in=collabs))
        now = timezone.now()
        copy_clicks([
            {"click_id": uuid.uuid4().hex, "org": org.pk, "link": rng.choice(links).pk,
             "at": (now - datetime.timedelta(minutes=rng.randrange(8 * 24 * 60))).isoformat(),
             "visitor": uuid.uuid4().hex, "ua": "mobile", "ref": "", "unique": True}
            for _ in range(150)
        ], "late-clicks")  # fmt: skip
    with tenant_a.context():
        while rollups_recompute_batch(organization=org, limit=3):
            pass
    with tenant_a.context():
        assert _campaign_days(campaign) == _campaign_days_from_daily(campaign)
        _check_every_range(org, campaign)
        # The last running total of a series is its whole history: it moved with the data.
        latest = RunningTotal.objects.filter(
            collaboration=last_before.collaboration, platform=last_before.platform,
            currency=last_before.currency,
        ).order_by("-day").first()  # fmt: skip
        whole = DailyRollup.objects.filter(
            collaboration=last_before.collaboration, platform=last_before.platform,
            currency=last_before.currency,
        )  # fmt: skip
        assert latest.clicks == sum(r.clicks for r in whole)
        assert latest.revenue == sum((r.revenue for r in whole), Decimal("0"))


@pytest.mark.django_db
def test_the_leaderboard_reads_running_totals_in_one_query(
    tenant_a, org, django_assert_num_queries
):
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=3)
        random_events(org, campaign, collabs, rng=random.Random(13), days=4, clicks=60)
    rollups_refresh(organization=org)
    with tenant_a.context(), django_assert_num_queries(1):
        totals = collaboration_range_totals(organization=org, campaign=campaign)
    assert set(totals) <= {c.pk for c in collabs} and totals


@pytest.mark.django_db
def test_a_deleted_collaborations_campaign_days_are_summed_again_without_it(tenant_a):
    from tests.tracking.results_world import results_world

    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        before = CampaignDailyRollup.objects.get(campaign=world.campaign, day=world.day,
                                                 currency="USD")  # fmt: skip
        assert (before.clicks, before.cost) == (130, Decimal("300") + Decimal("200"))
        bob = world.bob
        bob.delete()  # the admin's delete; the app cancels instead once a pitch went out
        after = {(r.day, r.currency): r for r in
                 CampaignDailyRollup.objects.filter(campaign=world.campaign)}  # fmt: skip
        assert after[(world.day, "USD")].clicks == 100
        assert after[(world.day, "USD")].cost == Decimal("200")
        assert not RunningTotal.objects.filter(collaboration_id=bob.pk).exists()
        assert _campaign_days(world.campaign) == _campaign_days_from_daily(world.campaign)
