"""Migration 0011's backfills, run on rows written the old way: ledger entries take their
conversion's kind, a code credit takes its collaboration's only platform, live posts get
their followers, and every changed day is marked for the rollup worker, which then
rolls them up as a fresh recomputation would.

The rollups start in their old shape too (computed by the worker from the old rows:
leads counted as orders, code credits on platform "", no followers), so a day the
migration leaves unmarked keeps its old figures and the test sees it."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from tests.campaigns.factories import agreed_collaboration, make_campaign
from tests.creators.factories import make_creator
from tests.tracking.metrics_world import published_posts
from tests.tracking.rollup_world import actual_rollups, expected_rollups
from tracking import services
from tracking.models import (
    AttributionEntry,
    CampaignDailyRollup,
    ContentMetricSnapshot,
    PostFollowers,
    RollupCostWatermark,
    RollupDirtyDay,
    RunningTotal,
)
from tracking.services.conversions import ConversionInput, conversion_record
from tracking.services.rollups import rollup_day, rollups_mark_dirty, rollups_refresh

pytestmark = pytest.mark.django_db
migration = importlib.import_module("tracking.migrations.0011_figures")


def derived(org, campaign) -> tuple[list, list]:
    """The campaign's CampaignDailyRollup and RunningTotal rows, comparable."""
    figures = ("leads", "conversions", "code_conversions", "followers", "rated_engagements",
               "engagements", "revenue", "code_revenue", "cost")  # fmt: skip
    keys = ("day", "platform", "currency", *figures)
    campaign_rows = sorted(CampaignDailyRollup.objects.filter(campaign=campaign).values_list(*keys))
    running = sorted(
        RunningTotal.objects.filter(campaign=campaign).values_list("collaboration_id", *keys)
    )
    return campaign_rows, running


def test_the_backfills_fix_old_rows_and_mark_their_days(tenant_a):
    org = tenant_a.organization
    now = timezone.now()
    with tenant_a.context():
        campaign = make_campaign(org)
        one = agreed_collaboration(org, campaign)  # an Instagram deliverable
        services.promo_code_create(org, collaboration=one, code="ONE10")
        # On two platforms (an Instagram deliverable, a TikTok link): its code credit
        # keeps platform "", so only the lead-day marking marks its lead's day.
        two = agreed_collaboration(org, campaign)
        services.tracking_link_create(organization=org, collaboration=two, platform="tiktok",
                                      destination_url="https://shop.example/p")  # fmt: skip
        services.promo_code_create(org, collaboration=two, code="TWO10")
        for n, (kind, code) in enumerate((("sale", "ONE10"), ("lead", "ONE10"),
                                          ("lead", "TWO10"))):  # fmt: skip
            conversion_record(organization=org, data=ConversionInput(
                source="postback", external_id=f"x-{n}", kind=kind, occurred_at=now,
                currency=campaign.currency, total=Decimal("30"), subtotal=Decimal("30"),
                discount_codes=(code,)))  # fmt: skip
        creator = make_creator(org, accounts=[
            {"platform": "youtube", "handle": "tube", "followers": 1_500}])  # fmt: skip
        (post,) = published_posts(org, campaign, creator=creator, figures={"likes": 30})
        video = post.deliverable.collaboration_id
    rollups_refresh(organization=org)
    with tenant_a.context():
        fresh = actual_rollups(org, campaign)
        fresh_derived = derived(org, campaign)
        assert fresh == expected_rollups(org, campaign)
        # What the rows looked like before 0011 ...
        AttributionEntry.objects.update(platform="", conversion_kind="sale")
        PostFollowers.objects.all().delete()
        # ... and the rollups the worker made of them: every day of theirs recomputed.
        touches = [*AttributionEntry.objects.values_list("collaboration_id", "effective_at"),
                   *ContentMetricSnapshot.objects.values_list("collaboration_id",
                                                              "observed_at")]  # fmt: skip
        rollups_mark_dirty(organization=org, touches=touches)
    rollups_refresh(organization=org)
    with tenant_a.context():
        old = actual_rollups(org, campaign)
        assert not RollupDirtyDay.objects.exists()
        # The old shape: both leads as orders, code credits on "", no followers.
        assert sum(r["conversions"] for r in old.values()) == 3
        assert sum(r["leads"] for r in old.values()) == 0
        assert {k[2] for k in old if k[3] and k[0] != video} == {""}
        assert sum(r["followers"] for r in old.values()) == 0
    with connection.cursor() as cursor:
        for sql in (migration.BACKFILL_KIND, migration.MARK_LEAD_DAYS,
                    migration.BACKFILL_CODE_PLATFORM, migration.BACKFILL_FOLLOWERS,
                    migration.MARK_METRIC_DAYS):  # fmt: skip
            cursor.execute(sql)
    with tenant_a.context():
        entries = AttributionEntry.objects.order_by("id")
        assert [(e.collaboration_id, e.conversion_kind, e.platform) for e in entries] == [
            (one.pk, "sale", "instagram"), (one.pk, "lead", "instagram"),
            (two.pk, "lead", "")]  # fmt: skip
        assert PostFollowers.objects.get().live_post_id == post.pk
        assert PostFollowers.objects.get().followers == 1_500
        snapshot_at = ContentMetricSnapshot.objects.get().observed_at
        assert set(RollupDirtyDay.objects.values_list("collaboration_id", "day")) == {
            (one.pk, rollup_day(org, now)), (two.pk, rollup_day(org, now)),
            (video, rollup_day(org, snapshot_at))}  # fmt: skip
    with tenant_a.context():
        # The rows are minutes old here, years old in production: the worker's scan for
        # recent cost changes would recompute their days whether marked or not.
        RollupCostWatermark.objects.update(through=timezone.now() + datetime.timedelta(days=1))
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert actual_rollups(org, campaign) == fresh == expected_rollups(org, campaign)
        assert derived(org, campaign) == fresh_derived
