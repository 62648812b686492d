"""The campaign's Content metrics page through the browser's HTTP: latest figures with
their provenance, snapshot history, entering a snapshot (in the organization's timezone),
transcripts, refreshing from YouTube, share-of-voice keywords; viewers read only, other
organizations get 404, and the page's queries do not grow with its posts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kolhub.models import Role
from tests.campaigns.factories import make_campaign
from tests.tracking.metrics_world import published_posts, video_id
from tests.tracking.test_metrics_pulls import set_key
from tests.tracking.youtube_videos_server import FakeYouTubeVideos, video
from tracking.models import ContentMetricSnapshot, LivePostTranscript, VoiceKeyword
from tracking.services import metrics as services

pytestmark = pytest.mark.django_db


def page(tenant, campaign, suffix=""):
    return f"/o/{tenant.organization.slug}/tracking/campaigns/{campaign.pk}/metrics/{suffix}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def world(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Zebracorn metrics campaign")
        (post,) = published_posts(org, campaign, figures={"reach": 4200, "likes": 40},
                                  captions=["Zebra glow #ad"])  # fmt: skip
        services.metric_snapshot_record(
            organization=org, live_post=post, source="api",
            observed_at=post.reported_at + datetime.timedelta(hours=1),
            figures={"views": 98765, "likes": 41},
        )  # fmt: skip
    return campaign, post


def test_the_page_shows_each_figure_with_its_provenance(tenant_a, world):
    campaign, post = world
    response = tenant_a.client(Role.VIEWER).get(page(tenant_a, campaign))
    assert response.status_code == 200
    body = text_of(response)
    assert 'aria-current="page">Content metrics</a>' in body
    assert re.search(r'data-figure="reach">.*?4,200.*?data-source="screenshot"', body)
    assert re.search(r'data-figure="views">.*?98,765.*?data-source="api">Platform API', body)
    assert re.search(r'data-figure="likes">.*?41.*?Platform API', body)
    assert re.search(r'data-figure="impressions">.*?—.*?not reported', body)
    assert re.search(r'data-figure="engagement_rate">.*?1.0%', body)  # 41 / 4200
    assert body.count("data-snapshot=") == 2  # the history
    # A viewer reads; the forms are for members.
    assert "data-snapshot-form" not in body and "data-keyword-form" not in body
    assert 'data-share-of-voice><strong class="kpi-value">—</strong>' in body


def test_a_member_enters_a_snapshot_in_the_organizations_timezone(tenant_a, world):
    campaign, post = world
    org = tenant_a.organization
    org.timezone = "Europe/Paris"  # UTC+1 in January
    org.save(update_fields=["timezone"])
    client = tenant_a.client(Role.MEMBER)
    response = client.post(
        page(tenant_a, campaign, f"posts/{post.pk}/snapshots/"),
        {"source": "creator", "observed_at": "2026-01-15T10:30", "reach": "5,000",
         "shares": "0", "note": "From the creator's email"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")
    with tenant_a.context():
        snapshot = ContentMetricSnapshot.objects.get(source="creator")
    assert snapshot.observed_at == datetime.datetime(2026, 1, 15, 9, 30, tzinfo=datetime.UTC)
    assert (snapshot.reach, snapshot.shares, snapshot.likes) == (5000, 0, None)
    assert snapshot.recorded_by == tenant_a.member
    body = text_of(client.get(page(tenant_a, campaign)))
    assert "Snapshot added." in body and "Jan 15, 2026 10:30" in body


@pytest.mark.parametrize(
    "data, message",
    [
        ({"reach": "-3"}, "not a whole number"),
        ({"reach": ""}, "Enter at least one figure"),
        ({"observed_at": "yesterday"}, "Observed at: Enter a valid date/time"),
        ({"source": "api"}, "Select a valid choice"),
    ],
)
def test_a_bad_snapshot_is_refused_with_the_reason(tenant_a, world, data, message):
    campaign, post = world
    client = tenant_a.client(Role.MEMBER)
    form = {"source": "creator", "observed_at": "2026-01-15T10:30", "reach": "10", **data}
    client.post(page(tenant_a, campaign, f"posts/{post.pk}/snapshots/"), form)
    assert message in text_of(client.get(page(tenant_a, campaign)))
    with tenant_a.context():
        assert ContentMetricSnapshot.objects.count() == 2


def test_a_transcript_is_saved_and_counted_for_share_of_voice(tenant_a, world):
    campaign, post = world
    client = tenant_a.client(Role.MEMBER)
    client.post(page(tenant_a, campaign, "keywords/"), {"keyword": "Zebra", "is_brand": "1"})
    client.post(page(tenant_a, campaign, "keywords/"),
                {"keyword": "Nivea", "is_brand": "0", "label": "Beiersdorf"})  # fmt: skip
    client.post(page(tenant_a, campaign, f"posts/{post.pk}/transcript/"),
                {"text": "Zebra beats NIVEA. Nivea!"})  # fmt: skip
    with tenant_a.context():
        assert LivePostTranscript.objects.get().updated_by == tenant_a.member
    body = text_of(client.get(page(tenant_a, campaign)))
    # Caption "Zebra glow" + transcript: 2 brand, 2 competitor mentions.
    assert 'data-share-of-voice><strong class="kpi-value">50.0%</strong>' in body
    assert re.search(r'data-label="Beiersdorf">.*?Competitor</td><td class="num">2</td>', body)
    assert re.search(r'data-keyword="Zebra">.*?<td class="num">1</td><td class="num">1</td>',
                     body)  # fmt: skip

    client.post(page(tenant_a, campaign, f"posts/{post.pk}/transcript/"), {"text": ""})
    with tenant_a.context():
        assert not LivePostTranscript.objects.exists()


def test_keywords_are_added_refused_when_duplicate_and_removed(tenant_a, world):
    campaign, _post = world
    client = tenant_a.client(Role.MEMBER)
    client.post(page(tenant_a, campaign, "keywords/"), {"keyword": "Dove", "is_brand": "0"})
    client.post(page(tenant_a, campaign, "keywords/"), {"keyword": "DOVE", "is_brand": "1"})
    assert "already a keyword of this campaign" in text_of(client.get(page(tenant_a, campaign)))
    with tenant_a.context():
        keyword = VoiceKeyword.objects.get()
    response = client.post(page(tenant_a, campaign, f"keywords/{keyword.pk}/delete/"))
    assert response.status_code == 302
    with tenant_a.context():
        assert not VoiceKeyword.objects.exists()


def test_the_share_of_voice_period_is_validated(tenant_a, world):
    campaign, _post = world
    response = tenant_a.client().get(page(tenant_a, campaign), {"since": "2026-02-10",
                                                                "until": "2026-02-01"})  # fmt: skip
    assert "The period ends before it starts." in text_of(response)


def test_refresh_pulls_the_video_from_youtube(tenant_a, django_capture_on_commit_callbacks):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        (post,) = published_posts(org, campaign)
    client = tenant_a.client(Role.MEMBER)
    url = page(tenant_a, campaign, f"posts/{post.pk}/refresh/")
    client.post(url)
    assert "No YouTube API key is set up" in text_of(client.get(page(tenant_a, campaign)))

    with FakeYouTubeVideos() as youtube:
        youtube.add(video(video_id(1), views=123456))
        set_key(tenant_a, youtube)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url)
    body = text_of(client.get(page(tenant_a, campaign)))
    assert "YouTube figures requested" in body
    assert re.search(r'data-figure="views">.*?123,456.*?Platform API', body)
    assert "Pulled from the YouTube API" in body


def test_a_post_of_another_campaign_or_organization_is_a_404(tenant_a, tenant_b, world):
    campaign, post = world
    with tenant_a.context():
        other = make_campaign(tenant_a.organization)
    client = tenant_a.client(Role.MEMBER)
    url = page(tenant_a, other, f"posts/{post.pk}/snapshots/")
    assert client.post(url, {"source": "creator", "observed_at": "2026-01-15T10:30",
                             "reach": "1"}).status_code == 404  # fmt: skip
    outsider = tenant_b.client(Role.OWNER)
    assert outsider.get(page(tenant_a, campaign)).status_code == 404
    assert outsider.post(page(tenant_a, campaign, f"posts/{post.pk}/transcript/"),
                         {"text": "x"}).status_code == 404  # fmt: skip
    with tenant_a.context():
        assert ContentMetricSnapshot.objects.count() == 2
        assert not LivePostTranscript.objects.exists()


def test_a_viewer_cannot_write(tenant_a, world):
    campaign, post = world
    response = tenant_a.client(Role.VIEWER).post(page(tenant_a, campaign, "keywords/"),
                                                 {"keyword": "Dove", "is_brand": "0"})  # fmt: skip
    assert response.status_code == 403
    with tenant_a.context():
        assert not VoiceKeyword.objects.exists()


def test_the_pages_queries_do_not_grow_with_posts(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        small, large = make_campaign(org), make_campaign(org)
        published_posts(org, small, count=1)
        for _ in range(2):
            published_posts(org, large, count=3)
    client = tenant_a.client()
    counts = []
    for campaign in (small, large):
        client.get(page(tenant_a, campaign))  # warm caches (sessions, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(tenant_a, campaign)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
