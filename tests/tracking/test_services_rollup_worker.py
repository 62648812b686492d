"""The rollup worker: after random raw events, DailyRollup equals a recomputation from
scratch; a rerun changes nothing; cost changes are found without the campaigns app
calling tracking; a day re-marked while the worker runs is not lost."""

from __future__ import annotations

import random
import threading
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from campaigns.models import CampaignExpense
from kolhub.tenancy.context import tenant_context
from tests.tracking.rollup_world import (
    actual_rollups,
    build_campaign,
    copy_clicks,
    expected_rollups,
    random_events,
)
from tracking.models import DailyRollup, RollupDirtyDay, TrackingLink
from tracking.services.rollups import (
    rollups_mark_dirty,
    rollups_recompute_batch,
    rollups_refresh,
)


@pytest.fixture
def org(tenant_a):
    organization = tenant_a.organization
    # Days are the organization's: a zone far from UTC moves events across midnight.
    organization.timezone = "America/Los_Angeles"
    organization.save()
    return organization


@pytest.mark.django_db
def test_rollups_equal_a_recomputation_from_raw_events(tenant_a, org):
    rng = random.Random(6)
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=3)
        random_events(org, campaign, collabs, rng=rng)
    assert rollups_refresh(organization=org) > 0
    with tenant_a.context():
        expected = expected_rollups(org, campaign)
        assert RollupDirtyDay.objects.count() == 0
        assert actual_rollups(org, campaign) == expected
        # Every kind of figure was exercised, so the equality above means something.
        totals = {
            f: sum(row[f] for row in expected.values()) for f in next(iter(expected.values()))
        }
        assert all(totals[f] for f in ("clicks", "unique_clicks", "leads", "conversions",
                                        "refunds", "code_revenue", "reach", "engagements",
                                        "followers", "rated_engagements", "cost"))  # fmt: skip
        assert {k[3] for k in expected} >= {"", "USD", "EUR"}


@pytest.mark.django_db
def test_a_rerun_changes_nothing(tenant_a, org):
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=2)
        random_events(org, campaign, collabs, rng=random.Random(7), clicks=120)
    rollups_refresh(organization=org)
    with tenant_a.context():
        before = actual_rollups(org, campaign)
        days = list(DailyRollup.objects.values_list("collaboration_id", "day").distinct())
        rollups_mark_dirty(organization=org, touches=[
            (cid, timezone.datetime.combine(d, timezone.datetime.min.time(),
                                             tzinfo=timezone.get_current_timezone()))
            for cid, d in days])  # fmt: skip
    rollups_refresh(organization=org)
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert actual_rollups(org, campaign) == before == expected_rollups(org, campaign)


@pytest.mark.django_db
def test_cost_changes_and_deletions_are_found_by_the_worker(tenant_a, org):
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=1)
    rollups_refresh(organization=org)
    with tenant_a.context():
        fee_only = actual_rollups(org, campaign)
        assert sum(r["cost"] for r in fee_only.values()) == Decimal("1000.00")
        expense = CampaignExpense.objects.create(
            organization=org, campaign=campaign, collaboration=collabs[0],
            category="amplification", description="Boost", amount=Decimal("75.00"),
            incurred_on=timezone.localdate() - timezone.timedelta(days=3),
        )  # fmt: skip
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert actual_rollups(org, campaign) == expected_rollups(org, campaign)
        assert sum(r["cost"] for r in actual_rollups(org, campaign).values()) == Decimal("1075.00")
        # Moved to another day: the old day loses it, the new day gets it.
        expense.incurred_on -= timezone.timedelta(days=2)
        expense.save()
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert actual_rollups(org, campaign) == expected_rollups(org, campaign)
        CampaignExpense.objects.filter(pk=expense.pk).delete()
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert actual_rollups(org, campaign) == fee_only


@pytest.mark.django_db
def test_lead_submit_and_click_flush_mark_their_days(tenant_a, org):
    from tracking import services

    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=1)
        page = services.landing_page_create(org, collaboration=collabs[0], headline="Hi")
        link = TrackingLink.objects.filter(collaboration=collabs[0]).first()
    rollups_refresh(organization=org)
    today = timezone.localtime(timezone.now(), ZoneInfo(org.timezone)).date()
    copy_clicks([{"click_id": uuid.uuid4().hex, "org": org.pk, "link": link.pk,
                "at": timezone.now().isoformat(), "visitor": "v", "ua": "mobile", "ref": "",
                "unique": True}], "mark-test")  # fmt: skip
    with tenant_a.context():
        assert list(RollupDirtyDay.objects.values_list("collaboration_id", "day")) == [
            (collabs[0].pk, today)]  # fmt: skip
        RollupDirtyDay.objects.all().delete()
        services.lead_submit(org, landing_page=page, data=services.LeadInput(
            name="Ann", email="ann@example.com", consent=True))  # fmt: skip
        assert list(RollupDirtyDay.objects.values_list("collaboration_id", "day")) == [
            (collabs[0].pk, today)]  # fmt: skip
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert actual_rollups(org, campaign) == expected_rollups(org, campaign)
        assert sum(r["leads"] for r in actual_rollups(org, campaign).values()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_day_re_marked_while_the_worker_runs_is_not_lost(tenant_a, org):
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=1)
        link = TrackingLink.objects.filter(collaboration=collabs[0]).first()
    # Three days back: not the day the fee is booked on, which the worker's cost scan
    # re-marks itself.
    now = timezone.now() - timezone.timedelta(days=3)
    copy_clicks([{"click_id": uuid.uuid4().hex, "org": org.pk, "link": link.pk,
                "at": now.isoformat(), "visitor": "a", "ua": "mobile", "ref": "",
                "unique": True}], "first")  # fmt: skip

    # A flush in flight: its click and its re-mark of the same day are written but not
    # committed while the worker recomputes that day.
    flushed, release = threading.Event(), threading.Event()

    def flush_in_flight():
        try:
            with transaction.atomic():
                copy_clicks([{"click_id": uuid.uuid4().hex, "org": org.pk, "link": link.pk,
                            "at": now.isoformat(), "visitor": "b", "ua": "mobile", "ref": "",
                            "unique": True}], "second")  # fmt: skip
                flushed.set()
                release.wait(30)
        finally:
            connections.close_all()

    flusher = threading.Thread(target=flush_in_flight)
    flusher.start()
    assert flushed.wait(30)
    worker_done = threading.Event()

    def worker():
        # One batch, as a worker run that started before the flush committed.
        try:
            with tenant_context(org):
                rollups_recompute_batch(organization=org)
        finally:
            worker_done.set()
            connections.close_all()

    runner = threading.Thread(target=worker)
    runner.start()
    # Wait until the worker is blocked on the in-flight flush's lock on the mark.
    with connection.cursor() as cursor:
        for _ in range(3000):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                           " AND query LIKE %s", ["%DELETE FROM tracking_rollupdirtyday%"])  # fmt: skip
            if cursor.fetchone()[0]:
                break
            worker_done.wait(0.01)
        else:
            pytest.fail("the worker never waited for the in-flight mark")
    release.set()
    flusher.join(30)
    runner.join(30)
    with tenant_a.context():
        # The worker saw one click; the second's mark survived it.
        assert DailyRollup.objects.get(clicks__gt=0).clicks == 1
        assert RollupDirtyDay.objects.count() == 1
    rollups_refresh(organization=org)
    with tenant_a.context():
        assert DailyRollup.objects.get(clicks__gt=0).clicks == 2
        assert RollupDirtyDay.objects.count() == 0
        assert actual_rollups(org, campaign) == expected_rollups(org, campaign)
