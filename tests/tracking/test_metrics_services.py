"""Content-metric writes on a real database: the live-post receiver (provenance,
idempotence, one transaction with the report), snapshots entered by hand (bad input
refused with the figure named), the rollup dirty marks, transcripts and share-of-voice
keywords."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import LivePost
from kolhub.models import Organization
from tests.campaigns.content_factories import png
from tests.campaigns.factories import make_campaign
from tests.kolhub.factories import UserFactory
from tests.tracking.metrics_world import published_posts
from tracking.models import (
    ContentMetricSnapshot,
    LivePostTranscript,
    MetricSource,
    RollupDirtyDay,
    VoiceKeyword,
)
from tracking.services import metrics as services
from tracking.services.rollups import rollup_day

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def dirty(tenant) -> set[tuple[int, datetime.date]]:
    return set(RollupDirtyDay.objects.values_list("collaboration_id", "day"))


# --- the live post receiver ------------------------------------------------------------------


def test_a_reported_live_post_becomes_a_screenshot_snapshot(tenant_a):
    with tenant_a.context():
        RollupDirtyDay.objects.all().delete()
        (post,) = published_posts(tenant_a.organization, figures={"reach": "1200", "likes": 33,
                                                                  "views": ""})  # fmt: skip
        (snapshot,) = ContentMetricSnapshot.objects.all()
        assert snapshot.live_post == post
        assert snapshot.collaboration_id == post.deliverable.collaboration_id
        assert snapshot.source == MetricSource.SCREENSHOT  # the report carried a screenshot
        assert snapshot.observed_at == post.reported_at.replace(microsecond=0)
        assert (snapshot.reach, snapshot.likes) == (1200, 33)
        # campaigns stores a blank figure as 0: here it is "not reported".
        assert snapshot.views is None and snapshot.comments is None
        assert "creator via portal" in snapshot.note
        assert snapshot.who == "the creator"
        day = rollup_day(tenant_a.organization, snapshot.observed_at)
        assert (snapshot.collaboration_id, day) in dirty(tenant_a)


def test_deleting_a_live_post_marks_the_days_its_figures_counted_on(tenant_a):
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization, figures={"reach": "900"})
        (snapshot,) = ContentMetricSnapshot.objects.all()
        RollupDirtyDay.objects.all().delete()
        post.delete()
        assert not ContentMetricSnapshot.objects.exists()
        day = rollup_day(tenant_a.organization, snapshot.observed_at)
        assert dirty(tenant_a) == {(snapshot.collaboration_id, day)}


def test_saving_the_same_report_again_or_verifying_it_adds_nothing(tenant_a):
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization)
        post.save()
        campaign_services.live_post_verify(organization=tenant_a.organization, live_post=post,
                                           by=tenant_a.owner)  # fmt: skip
        assert ContentMetricSnapshot.objects.count() == 1


def test_a_new_report_adds_a_snapshot_and_keeps_the_old_one(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org, at=at(1), figures={"reach": 100})
        with time_machine.travel(at(2), tick=False):
            campaign_services.live_post_submit(
                organization=org, deliverable=post.deliverable, url=post.url,
                figures={"reach": 250, "saves": 4}, screenshot=png(),
            )  # fmt: skip
        rows = list(ContentMetricSnapshot.objects.order_by("observed_at"))
        assert [(r.observed_at, r.reach, r.saves) for r in rows] == [
            (at(1), 100, None), (at(2), 250, 4),
        ]  # fmt: skip


def test_a_report_without_a_screenshot_is_a_creator_snapshot(tenant_a):
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization, at=at(1))
        # Only possible outside the portal (the admin): the figures are the creator's word.
        post.screenshot, post.reported_at, post.reach = "", at(3), 4000
        post.save()
        latest = ContentMetricSnapshot.objects.order_by("-observed_at").first()
        assert (latest.source, latest.reach, latest.observed_at) == ("creator", 4000, at(3))


def test_a_correction_of_the_same_report_replaces_its_snapshot(tenant_a):
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization, at=at(1), figures={"reach": 100})
        post.reach = 120  # same reported_at: the same observation, corrected
        post.save()
        (snapshot,) = ContentMetricSnapshot.objects.all()
        assert snapshot.reach == 120


def test_a_rolled_back_report_leaves_no_snapshot_and_no_dirty_day(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org, at=at(1))
        before_rows, before_dirty = ContentMetricSnapshot.objects.count(), dirty(tenant_a)
        with pytest.raises(RuntimeError), transaction.atomic():
            campaign_services.live_post_submit(
                organization=org, deliverable=post.deliverable, url=post.url,
                figures={"reach": 999}, screenshot=png(),
            )  # fmt: skip
            raise RuntimeError("the request failed after the report")
        assert ContentMetricSnapshot.objects.count() == before_rows
        assert dirty(tenant_a) == before_dirty


# --- snapshots entered by hand ---------------------------------------------------------------


def test_the_brand_enters_a_snapshot_with_its_provenance(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org, at=at(1))
        RollupDirtyDay.objects.all().delete()
        snapshot = services.metric_snapshot_enter(
            organization=org, live_post=post, source="creator", observed_at=at(4, 9),
            figures={"reach": "2,500", "impressions": "", "shares": "0"}, by=tenant_a.member,
            note="Sent by email",
        )  # fmt: skip
        assert (snapshot.reach, snapshot.impressions, snapshot.shares) == (2500, None, 0)
        assert snapshot.recorded_by == tenant_a.member
        assert snapshot.who == tenant_a.member.display_name
        assert dirty(tenant_a) == {(post.deliverable.collaboration_id, datetime.date(2026, 3, 4))}
        # The same entry again (a resubmitted form) is the same snapshot.
        again = services.metric_snapshot_enter(
            organization=org, live_post=post, source="creator", observed_at=at(4, 9),
            figures={"reach": "2500", "shares": "0"}, by=tenant_a.member,
        )  # fmt: skip
        assert again.pk == snapshot.pk
        with pytest.raises(ValidationError, match="has other figures"):
            services.metric_snapshot_enter(
                organization=org, live_post=post, source="creator", observed_at=at(4, 9),
                figures={"reach": "2600"}, by=tenant_a.member,
            )  # fmt: skip
        assert ContentMetricSnapshot.objects.filter(source="creator").count() == 1


def test_an_earlier_snapshot_also_marks_the_next_snapshots_day(tenant_a):
    """The next snapshot's daily delta is measured from this one, so its day moves too."""
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org, at=at(10), figures={"reach": 900})
        RollupDirtyDay.objects.all().delete()
        services.metric_snapshot_enter(organization=org, live_post=post, source="screenshot",
                                       observed_at=at(6), figures={"reach": 500}, by=None)  # fmt: skip
        collaboration_id = post.deliverable.collaboration_id
        assert dirty(tenant_a) == {
            (collaboration_id, datetime.date(2026, 3, 6)),
            (collaboration_id, datetime.date(2026, 3, 10)),
        }


@pytest.mark.parametrize(
    "figures, field, message",
    [
        ({"reach": "-5"}, "reach", "not a whole number"),
        ({"likes": "1.5"}, "likes", "not a whole number"),
        ({"views": "lots"}, "views", "not a whole number"),
        ({"saves": 2.0}, "saves", "not a whole number"),
        ({"comments": True}, "comments", "not a whole number"),
        ({"impressions": "1" + "0" * 16}, "impressions", "not a believable figure"),
    ],
)
def test_bad_figures_are_refused_naming_the_figure(tenant_a, figures, field, message):
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization)
        with pytest.raises(ValidationError) as error:
            services.metric_snapshot_enter(
                organization=tenant_a.organization, live_post=post, source="creator",
                observed_at=at(2), figures=figures, by=None,
            )  # fmt: skip
        assert message in " ".join(error.value.message_dict[field])
        assert ContentMetricSnapshot.objects.count() == 1  # only the report's own


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"figures": {"reach": ""}}, "at least one figure"),
        ({"source": "api"}, "arrive through the pull"),
        ({"source": "guess"}, "arrive through the pull"),
        ({"observed_at": timezone.now() + datetime.timedelta(days=2)}, "in the future"),
        ({"observed_at": datetime.datetime(2026, 3, 1, 12)}, "with its timezone"),
        ({"note": "x" * 301}, "under 300 characters"),
    ],
)
def test_bad_snapshots_are_refused_with_a_reason(tenant_a, kwargs, message):
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization)
        data = {"source": "creator", "observed_at": at(2), "figures": {"reach": "5"},
                "by": None, **kwargs}  # fmt: skip
        with pytest.raises(ValidationError, match=message):
            services.metric_snapshot_enter(organization=tenant_a.organization, live_post=post,
                                           **data)  # fmt: skip
        assert ContentMetricSnapshot.objects.count() == 1


def test_a_snapshot_needs_a_member_and_a_post_of_the_organization(tenant_a, tenant_b):
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization)
        with pytest.raises(ValidationError, match="not a member"):
            services.metric_snapshot_enter(
                organization=tenant_a.organization, live_post=post, source="creator",
                observed_at=at(2), figures={"reach": 1}, by=UserFactory(),
            )  # fmt: skip
    with tenant_b.context(), pytest.raises(ValidationError, match="another organization"):
        services.metric_snapshot_enter(
            organization=tenant_b.organization, live_post=post, source="creator",
            observed_at=at(2), figures={"reach": 1}, by=None,
        )  # fmt: skip
    with tenant_a.context():
        assert ContentMetricSnapshot.objects.count() == 1


# --- transcripts -----------------------------------------------------------------------------


def test_a_transcript_is_pasted_replaced_and_cleared(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org)
        first = services.live_post_transcript_set(organization=org, live_post=post,
                                                  text="  Hello Nivea\r\nfans ", by=tenant_a.member)  # fmt: skip
        assert first.text == "Hello Nivea\nfans"
        second = services.live_post_transcript_set(organization=org, live_post=post,
                                                   text="Now with Dove", by=tenant_a.owner)  # fmt: skip
        assert second.pk == first.pk and LivePostTranscript.objects.get().text == "Now with Dove"
        assert (
            services.live_post_transcript_set(organization=org, live_post=post, text="  ") is None
        )
        assert not LivePostTranscript.objects.exists()
        with pytest.raises(ValidationError, match="at most 200,000 characters"):
            services.live_post_transcript_set(organization=org, live_post=post,
                                              text="x" * 200_001)  # fmt: skip


# --- keywords --------------------------------------------------------------------------------


def test_keywords_are_created_updated_and_deleted(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        brand = services.voice_keyword_create(organization=org, campaign=campaign,
                                              keyword="  Zebra   Serum ", is_brand=True)  # fmt: skip
        assert (brand.keyword, brand.label) == ("Zebra Serum", "Zebra Serum")
        rival = services.voice_keyword_create(organization=org, campaign=campaign,
                                              keyword="Nivea", is_brand=False, label="Beiersdorf")  # fmt: skip
        services.voice_keyword_update(organization=org, voice_keyword=rival, keyword="NIVEA Men",
                                      label="Nivea")  # fmt: skip
        rival.refresh_from_db()
        assert (rival.keyword, rival.label, rival.is_brand) == ("NIVEA Men", "Nivea", False)
        services.voice_keyword_delete(organization=org, voice_keyword=brand)
        assert list(VoiceKeyword.objects.values_list("keyword", flat=True)) == ["NIVEA Men"]


@pytest.mark.parametrize(
    "existing, keyword, message",
    [
        ("Nivea", "nIVEA", "already a keyword"),
        ("Straße", "STRASSE", "already a keyword"),  # the same word in another Unicode form
        ("Café", "Cafe\u0301", "already a keyword"),  # composed vs combining accent
        ("", "   ", "Enter a keyword"),
        ("", "#!?", "at least one letter or digit"),
        ("", "x" * 81, "at most 80 characters"),
    ],
)
def test_bad_or_duplicate_keywords_are_refused(tenant_a, existing, keyword, message):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        if existing:
            services.voice_keyword_create(organization=org, campaign=campaign, keyword=existing,
                                          is_brand=True)  # fmt: skip
        with pytest.raises(ValidationError, match=message):
            services.voice_keyword_create(organization=org, campaign=campaign, keyword=keyword,
                                          is_brand=False, label="Rival")  # fmt: skip
        assert VoiceKeyword.objects.count() == (1 if existing else 0)


def test_the_same_keyword_is_fine_on_another_campaign(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        for campaign in (make_campaign(org), make_campaign(org)):
            services.voice_keyword_create(organization=org, campaign=campaign, keyword="Nivea",
                                          is_brand=False)  # fmt: skip
        assert VoiceKeyword.objects.count() == 2


def test_keywords_on_another_organizations_campaign_are_refused(tenant_a, tenant_b):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    with tenant_b.context(), pytest.raises(ValidationError, match="another organization"):
        services.voice_keyword_create(organization=tenant_b.organization, campaign=campaign,
                                      keyword="Nivea", is_brand=False)  # fmt: skip
    with tenant_a.context():
        assert not VoiceKeyword.objects.exists()


def test_live_posts_without_figures_make_no_snapshot(tenant_a):
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization, figures={})
        assert LivePost.objects.filter(pk=post.pk).exists()
        assert not ContentMetricSnapshot.objects.exists()
        assert Organization.objects.filter(pk=tenant_a.organization.pk).exists()
