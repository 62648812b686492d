"""Migration 0011's backfills, run on rows written the old way: ledger entries take their
conversion's kind, a code credit takes its collaboration's only platform, live posts get
their followers, and every changed day is marked for the rollup worker, which then
rolls them up as a fresh recomputation would."""

from __future__ import annotations

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
from tracking.models import AttributionEntry, PostFollowers, RollupDirtyDay
from tracking.services.conversions import ConversionInput, conversion_record
from tracking.services.rollups import rollups_refresh

pytestmark = pytest.mark.django_db
migration = importlib.import_module("tracking.migrations.0011_figures")


def test_the_backfills_fix_old_rows_and_mark_their_days(tenant_a):
    org = tenant_a.organization
    now = timezone.now()
    with tenant_a.context():
        campaign = make_campaign(org)
        one = agreed_collaboration(org, campaign)  # an Instagram deliverable
        services.promo_code_create(org, collaboration=one, code="ONE10")
        for n, kind in enumerate(("sale", "lead")):
            conversion_record(organization=org, data=ConversionInput(
                source="postback", external_id=f"x-{n}", kind=kind, occurred_at=now,
                currency=campaign.currency, total=Decimal("30"), subtotal=Decimal("30"),
                discount_codes=("ONE10",)))  # fmt: skip
        creator = make_creator(org, accounts=[
            {"platform": "youtube", "handle": "tube", "followers": 1_500}])  # fmt: skip
        (post,) = published_posts(org, campaign, creator=creator, figures={"likes": 30})
    rollups_refresh(organization=org)
    with tenant_a.context():
        fresh = actual_rollups(org, campaign)
        # What the rows looked like before 0011.
        AttributionEntry.objects.update(platform="", conversion_kind="sale")
        PostFollowers.objects.all().delete()
        assert not RollupDirtyDay.objects.exists()
    with connection.cursor() as cursor:
        for sql in (migration.BACKFILL_KIND, migration.MARK_LEAD_DAYS,
                    migration.BACKFILL_CODE_PLATFORM, migration.BACKFILL_FOLLOWERS,
                    migration.MARK_METRIC_DAYS):  # fmt: skip
            cursor.execute(sql)
    with tenant_a.context():
        entries = AttributionEntry.objects.order_by("id")
        assert [(e.conversion_kind, e.platform) for e in entries] == [
            ("sale", "instagram"), ("lead", "instagram")]  # fmt: skip
        assert PostFollowers.objects.get().live_post_id == post.pk
        assert PostFollowers.objects.get().followers == 1_500
        assert {d.collaboration_id for d in RollupDirtyDay.objects.all()} == {
            one.pk, post.deliverable.collaboration_id}  # fmt: skip
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert actual_rollups(org, campaign) == fresh == expected_rollups(org, campaign)
