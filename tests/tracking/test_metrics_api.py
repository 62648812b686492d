"""Content metrics over the API with an organization key: snapshots (list with filters,
create with the service's checks), a live post's latest figures, refresh and transcript,
keywords CRUD and share of voice; bad input is a 400 naming the field, and another
organization's rows answer 404 (or "Not found." for a referenced id)."""

from __future__ import annotations

import datetime

import pytest

from tests.campaigns.factories import make_campaign
from tests.tracking.metrics_world import published_posts, video_id
from tests.tracking.test_api_links import api, key_client
from tests.tracking.test_metrics_pulls import set_key
from tests.tracking.youtube_videos_server import FakeYouTubeVideos, video
from tracking.models import ContentMetricSnapshot, LivePostTranscript, VoiceKeyword
from tracking.services import metrics as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        (post,) = published_posts(org, campaign, figures={"reach": 800, "comments": 8},
                                  captions=["Zebra #ad"])  # fmt: skip
    return campaign, post


def test_snapshots_are_listed_created_and_filtered(tenant_a, world):
    campaign, post = world
    client = key_client(tenant_a)
    response = client.post(
        api(tenant_a, "metric-snapshots/"),
        {"live_post": post.pk, "source": "screenshot", "observed_at": "2026-02-01T08:00:00Z",
         "reach": 900, "impressions": None, "note": "story insights"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["source"], created["reach"], created["impressions"]) == (
        "screenshot",
        900,
        None,
    )
    assert created["campaign"] == campaign.pk and created["recorded_by"] is None
    assert created["who"] == "the creator" and created["observed_at"] == "2026-02-01T08:00:00Z"

    listing = client.get(api(tenant_a, "metric-snapshots/"), {"live_post": post.pk}).json()
    assert [r["source"] for r in listing["results"]] == ["screenshot", "screenshot"]
    only = client.get(api(tenant_a, "metric-snapshots/"),
                      {"campaign": campaign.pk, "until": "2026-03-01T00:00:00Z"}).json()  # fmt: skip
    assert [r["id"] for r in only["results"]] == [created["id"]]
    detail = client.get(api(tenant_a, f"metric-snapshots/{created['id']}/"))
    assert detail.json()["note"] == "story insights"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"reach": -1}, "reach"),
        ({"reach": 1.5}, "reach"),
        ({"source": "api"}, "source"),
        ({"source": "guess"}, "source"),
        ({"observed_at": "not a time"}, "observed_at"),
        ({"observed_at": "2999-01-01T00:00:00Z"}, "observed_at"),
        ({"reach": None}, "non_field_errors"),
        ({"live_post": 999999}, "live_post"),
    ],
)
def test_bad_snapshots_are_400_with_the_field(tenant_a, world, body, field):
    _campaign, post = world
    data = {"live_post": post.pk, "source": "creator", "observed_at": "2026-02-01T08:00:00Z",
            "reach": 5, **body}  # fmt: skip
    response = key_client(tenant_a).post(api(tenant_a, "metric-snapshots/"), data,
                                         content_type="application/json")  # fmt: skip
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    with tenant_a.context():
        assert ContentMetricSnapshot.objects.count() == 1


def test_a_post_of_another_organization_is_not_found(tenant_a, tenant_b, world):
    _campaign, post = world
    client = key_client(tenant_b)
    response = client.post(api(tenant_b, "metric-snapshots/"),
                           {"live_post": post.pk, "source": "creator",
                            "observed_at": "2026-02-01T08:00:00Z", "reach": 5},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and response.json()["errors"]["live_post"] == ["Not found."]
    assert client.get(api(tenant_b, f"live-posts/{post.pk}/metrics/")).status_code == 404
    assert client.put(api(tenant_b, f"live-posts/{post.pk}/transcript/"), {"text": "x"},
                      content_type="application/json").status_code == 404  # fmt: skip
    assert client.get(api(tenant_b, "metric-snapshots/")).json()["results"] == []
    with tenant_a.context():
        assert (
            ContentMetricSnapshot.objects.count() == 1 and not LivePostTranscript.objects.exists()
        )


def test_latest_figures_carry_their_provenance(tenant_a, world):
    _campaign, post = world
    with tenant_a.context():
        services.metric_snapshot_record(
            organization=tenant_a.organization, live_post=post, source="api",
            observed_at=post.reported_at + datetime.timedelta(minutes=5), figures={"views": 50},
        )  # fmt: skip
    data = key_client(tenant_a).get(api(tenant_a, f"live-posts/{post.pk}/metrics/")).json()
    assert data["reach"]["value"] == 800 and data["reach"]["source"] == "screenshot"
    assert data["views"]["value"] == 50 and data["views"]["who"] == "platform API"
    assert data["likes"] is None and data["pull"] is None
    assert data["engagements"] == 8 and data["engagement_rate"] == "0.010000"


def test_refresh_queues_a_pull_or_says_why_not(tenant_a, world, django_capture_on_commit_callbacks):
    _campaign, post = world
    client = key_client(tenant_a)
    url = api(tenant_a, f"live-posts/{post.pk}/metrics/refresh/")
    refused = client.post(url)
    assert refused.status_code == 400 and "No YouTube API key" in refused.json()["detail"]
    with FakeYouTubeVideos() as youtube:
        youtube.add(video(video_id(1), views=4242))
        set_key(tenant_a, youtube)
        with django_capture_on_commit_callbacks(execute=True):
            accepted = client.post(url)
    assert accepted.status_code == 202 and accepted.json()["queued"] is True
    latest = client.get(api(tenant_a, f"live-posts/{post.pk}/metrics/")).json()
    assert latest["views"]["value"] == 4242 and latest["pull"]["error"] == ""


def test_a_transcript_is_put_read_and_deleted(tenant_a, world):
    _campaign, post = world
    client = key_client(tenant_a)
    url = api(tenant_a, f"live-posts/{post.pk}/transcript/")
    assert client.get(url).json()["text"] == ""
    saved = client.put(url, {"text": "Zebra all the way"}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["text"] == "Zebra all the way"
    too_long = client.put(url, {"text": "x" * 200_001}, content_type="application/json")
    assert too_long.status_code == 400 and "text" in too_long.json()["errors"]
    assert client.delete(url).status_code == 204
    with tenant_a.context():
        assert not LivePostTranscript.objects.exists()


def test_keywords_crud_and_share_of_voice(tenant_a, world):
    campaign, post = world
    client = key_client(tenant_a)
    keywords = api(tenant_a, "voice-keywords/")
    brand = client.post(keywords, {"campaign": campaign.pk, "keyword": "Zebra", "is_brand": True},
                        content_type="application/json")  # fmt: skip
    assert brand.status_code == 201 and brand.json()["label"] == "Zebra"
    rival = client.post(keywords, {"campaign": campaign.pk, "keyword": "Dove", "is_brand": False,
                                   "label": "Unilever"}, content_type="application/json")  # fmt: skip
    duplicate = client.post(keywords, {"campaign": campaign.pk, "keyword": "ZEBRA",
                                       "is_brand": False}, content_type="application/json")  # fmt: skip
    assert duplicate.status_code == 400 and "keyword" in duplicate.json()["errors"]
    changed = client.patch(api(tenant_a, f"voice-keywords/{rival.json()['id']}/"),
                           {"keyword": "Dove Men"}, content_type="application/json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["keyword"] == "Dove Men"
    listed = client.get(keywords, {"campaign": campaign.pk}).json()["results"]
    assert [k["keyword"] for k in listed] == ["Zebra", "Dove Men"]

    client.put(api(tenant_a, f"live-posts/{post.pk}/transcript/"),
               {"text": "dove men? No: zebra."}, content_type="application/json")  # fmt: skip
    sov = client.get(api(tenant_a, f"campaigns/{campaign.pk}/share-of-voice/")).json()
    assert (sov["brand_mentions"], sov["competitor_mentions"], sov["share"]) == (2, 1, "0.666667")
    assert sov["labels"][1] == {"label": "Unilever", "is_brand": False, "mentions": 1,
                                "share": "0.333333"}  # fmt: skip
    assert {k["keyword"]: (k["in_captions"], k["in_transcripts"]) for k in sov["keywords"]} == {
        "Zebra": (1, 1), "Dove Men": (0, 1),
    }  # fmt: skip
    future = client.get(api(tenant_a, f"campaigns/{campaign.pk}/share-of-voice/"),
                        {"since": "2999-01-01"}).json()  # fmt: skip
    assert (future["posts"], future["share"]) == (0, None)

    assert client.delete(api(tenant_a, f"voice-keywords/{brand.json()['id']}/")).status_code == 204
    with tenant_a.context():
        assert list(VoiceKeyword.objects.values_list("keyword", flat=True)) == ["Dove Men"]


@pytest.mark.parametrize(
    "params, field",
    [({"since": "01/02/2026"}, "since"), ({"since": "2026-02-10", "until": "2026-02-01"}, "until")],
)
def test_a_bad_share_of_voice_period_is_400(tenant_a, world, params, field):
    campaign, _post = world
    response = key_client(tenant_a).get(
        api(tenant_a, f"campaigns/{campaign.pk}/share-of-voice/"), params
    )
    assert response.status_code == 400 and field in response.json()["errors"]


def test_keywords_of_another_organization_are_out_of_reach(tenant_a, tenant_b, world):
    campaign, _post = world
    with tenant_a.context():
        keyword = services.voice_keyword_create(organization=tenant_a.organization,
                                                campaign=campaign, keyword="Zebra",
                                                is_brand=True)  # fmt: skip
    client = key_client(tenant_b)
    created = client.post(api(tenant_b, "voice-keywords/"),
                          {"campaign": campaign.pk, "keyword": "Hack", "is_brand": True},
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 400 and created.json()["errors"]["campaign"] == ["Not found."]
    assert client.patch(api(tenant_b, f"voice-keywords/{keyword.pk}/"), {"keyword": "x"},
                        content_type="application/json").status_code == 404  # fmt: skip
    assert client.delete(api(tenant_b, f"voice-keywords/{keyword.pk}/")).status_code == 404
    assert client.get(api(tenant_b, f"campaigns/{campaign.pk}/share-of-voice/")).status_code == 404
    with tenant_a.context():
        assert list(VoiceKeyword.objects.values_list("keyword", flat=True)) == ["Zebra"]


def test_a_viewer_key_reads_but_cannot_write(tenant_a, world):
    campaign, _post = world
    client = key_client(tenant_a, role="viewer")
    assert client.get(api(tenant_a, f"campaigns/{campaign.pk}/share-of-voice/")).status_code == 200
    response = client.post(api(tenant_a, "voice-keywords/"),
                           {"campaign": campaign.pk, "keyword": "Zebra", "is_brand": True},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 403
