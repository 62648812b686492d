"""Pulling post figures from YouTube: the adapter speaks videos.list's wire format to a
local HTTP server (batches of 50 ids, missing videos, quota and key errors, non-JSON,
an unreachable server), and the pull service records API snapshots and per-post
failures without stopping the batch; the tasks and beat entry queue it."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import ValidationError

from creators import services as creator_services
from creators.models import Platform
from kolhub.celery import app
from tests.tracking.metrics_world import published_posts, video_id, video_url
from tests.tracking.youtube_videos_server import (
    API_KEY,
    QUOTA_EXCEEDED,
    FakeYouTubeVideos,
    google_error,
    video,
)
from tracking import metric_tasks
from tracking.metrics_adapters import (
    AdapterCredential,
    PostFigures,
    PostRef,
    PullFailure,
    YouTubeVideosAdapter,
    match_url,
    youtube_video_id,
)
from tracking.models import ContentMetricPull, ContentMetricSnapshot
from tracking.selectors import metrics as selectors
from tracking.services import metric_pulls

ADAPTER = YouTubeVideosAdapter()


@pytest.fixture
def youtube():
    with FakeYouTubeVideos() as server:
        yield server


def refs(n: int, start: int = 1) -> list[PostRef]:
    return [PostRef(live_post_id=i, external_id=video_id(i)) for i in range(start, start + n)]


def credential(server, key: str = API_KEY) -> AdapterCredential:
    return AdapterCredential(api_key=key, base_url=server.base_url)


# --- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42s", "dQw4w9WgXcQ"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/a_b-C1d2E3f", "a_b-C1d2E3f"),
        ("https://youtube.com/shorts/a_b-C1d2E3f?feature=share", "a_b-C1d2E3f"),
        ("https://www.youtube.com/live/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/watch?v=tooShort", None),
        ("https://www.youtube.com/@somechannel", None),
        ("https://www.youtube.com/playlist?list=PL123", None),
        ("https://notyoutube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://www.instagram.com/p/dQw4w9WgXcQ/", None),
        ("javascript:alert(1)//youtu.be/dQw4w9WgXcQ", None),
        ("", None),
    ],
)
def test_youtube_video_urls_are_recognised(url, expected):
    assert youtube_video_id(url) == expected
    matched = match_url(url)
    assert (matched[1] if matched else None) == expected


# --- the adapter against the local server -----------------------------------------------------


def test_figures_come_in_batches_of_fifty_ids(youtube):
    youtube.add(
        *[video(video_id(i), views=i * 100, likes=i, comments=i % 3) for i in range(1, 121)]
    )
    outcomes = ADAPTER.fetch(refs(120), credential(youtube))

    assert [len(ids) for ids in youtube.asked_ids()] == [50, 50, 20]
    assert sorted(i for ids in youtube.asked_ids() for i in ids) == sorted(
        video_id(i) for i in range(1, 121)
    )
    assert all(r["part"] == ["statistics"] and r["key"] == [API_KEY] for r in youtube.requests)
    assert outcomes[7] == PostFigures(external_id=video_id(7),
                                      values={"views": 700, "likes": 7, "comments": 1})  # fmt: skip
    assert len(outcomes) == 120


def test_two_posts_of_one_video_cost_one_id(youtube):
    youtube.add(video(video_id(1)))
    outcomes = ADAPTER.fetch(
        [PostRef(1, video_id(1)), PostRef(2, video_id(1))], credential(youtube)
    )
    assert youtube.asked_ids() == [[video_id(1)]]
    assert outcomes[1] == outcomes[2]


def test_a_missing_video_fails_alone_and_a_hidden_like_count_stays_unknown(youtube):
    youtube.add(video(video_id(1), likes=None), video(video_id(3)))
    outcomes = ADAPTER.fetch(refs(3), credential(youtube))
    assert outcomes[1].values == {"views": 1000, "comments": 4}
    assert isinstance(outcomes[2], PullFailure) and not outcomes[2].halts_run
    assert f"Video not found: YouTube has no public video {video_id(2)}" in outcomes[2].reason
    assert isinstance(outcomes[3], PostFigures)


def test_an_exhausted_quota_halts_the_run_without_more_requests(youtube):
    youtube.add(*[video(video_id(i)) for i in range(1, 121)])
    youtube.errors[video_id(60)] = QUOTA_EXCEEDED  # in the second batch
    outcomes = ADAPTER.fetch(refs(120), credential(youtube))

    assert len(youtube.requests) == 2  # the third batch was never sent
    assert isinstance(outcomes[1], PostFigures)
    for post_id in (51, 100, 120):
        failure = outcomes[post_id]
        assert isinstance(failure, PullFailure) and failure.halts_run
        assert "quotaExceeded, HTTP 403" in failure.reason
        assert "exceeded your quota" in failure.reason and "<a" not in failure.reason


def test_a_refused_key_is_reported_without_the_key(youtube):
    youtube.add(video(video_id(1)))
    outcomes = ADAPTER.fetch(refs(1), credential(youtube, key="AIzaWrongKey000000000000000"))
    assert "HTTP 400" in outcomes[1].reason and "API key not valid" in outcomes[1].reason
    assert outcomes[1].halts_run
    assert "AIzaWrongKey" not in outcomes[1].reason


def test_a_bad_request_for_one_batch_does_not_halt_the_next(youtube):
    youtube.add(*[video(video_id(i)) for i in range(1, 61)])
    youtube.errors[video_id(2)] = google_error(400, "videoChartNotFound", "Bad filter.")
    outcomes = ADAPTER.fetch(refs(60), credential(youtube))
    assert "videoChartNotFound" in outcomes[1].reason and not outcomes[1].halts_run
    assert isinstance(outcomes[55], PostFigures)


def test_a_body_that_is_not_json_is_a_failure(youtube):
    youtube.raw[video_id(1)] = b"<html>gateway</html>"
    outcomes = ADAPTER.fetch(refs(1), credential(youtube))
    assert "not JSON" in outcomes[1].reason


def test_an_unreachable_server_is_a_failure_that_halts():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcomes = ADAPTER.fetch(refs(60), AdapterCredential(API_KEY, f"http://127.0.0.1:{port}/v3"))
    assert "Could not reach the YouTube API at 127.0.0.1" in outcomes[1].reason
    assert outcomes[1].halts_run and outcomes[60] == outcomes[1]


def test_a_non_http_base_url_is_refused():
    outcomes = ADAPTER.fetch(refs(1), AdapterCredential(API_KEY, "file:///etc"))
    assert "not an http(s) URL" in outcomes[1].reason


# --- the pull service ------------------------------------------------------------------------


def set_key(tenant, server=None, *, base_url: str | None = None):
    with tenant.context():
        return creator_services.platform_credential_set(
            organization=tenant.organization, platform=Platform.YOUTUBE, api_key=API_KEY,
            base_url=server.base_url if base_url is None else base_url, stale_after_days=7,
        )  # fmt: skip


@pytest.mark.django_db
def test_a_pull_records_api_snapshots_and_failures_per_post(tenant_a, youtube):
    org = tenant_a.organization
    set_key(tenant_a, youtube)
    with tenant_a.context():
        posts = published_posts(org, count=3, urls=[video_url(1), video_url(2),
                                                    "https://www.instagram.com/p/xyz/"])  # fmt: skip
        youtube.add(video(video_id(1), views=4321, likes=99, comments=5))

        summary = metric_pulls.content_metrics_pull(organization=org)

        assert summary.pulled == [posts[0].pk]
        assert "Video not found" in summary.failed[posts[1].pk]
        assert posts[2].pk not in summary.failed  # Instagram: no adapter, nothing asked
        (snapshot,) = ContentMetricSnapshot.objects.filter(source="api")
        assert snapshot.live_post == posts[0]
        assert (snapshot.views, snapshot.likes, snapshot.comments, snapshot.reach) == (
            4321, 99, 5, None,
        )  # fmt: skip
        assert snapshot.who == "platform API" and video_id(1) in snapshot.note
        ok, failed = (ContentMetricPull.objects.get(live_post=p) for p in posts[:2])
        assert (ok.error, ok.failures, ok.external_id) == ("", 0, video_id(1))
        assert ok.last_success_at is not None
        assert "Video not found" in failed.error and failed.failures == 1
        assert selectors.pull_failure_list(organization=org) == [failed]
        latest = selectors.latest_metrics(org, live_posts=[posts[0]])[posts[0].pk]
        assert (latest.figures["views"].source, latest.value("reach")) == ("api", 1000)


@pytest.mark.django_db
def test_a_rerun_within_the_interval_sends_nothing_unless_forced(tenant_a, youtube):
    org = tenant_a.organization
    set_key(tenant_a, youtube)
    with tenant_a.context():
        (post,) = published_posts(org)
        youtube.add(video(video_id(1)))
        metric_pulls.content_metrics_pull(organization=org)
        again = metric_pulls.content_metrics_pull(organization=org)
        assert again.fresh == [post.pk] and len(youtube.requests) == 1
        assert ContentMetricSnapshot.objects.filter(source="api").count() == 1
        forced = metric_pulls.content_metrics_pull(organization=org, live_post_ids=[post.pk],
                                                   force=True)  # fmt: skip
        assert forced.pulled == [post.pk] and len(youtube.requests) == 2


@pytest.mark.django_db
def test_a_failure_then_a_success_clears_the_error(tenant_a, youtube):
    org = tenant_a.organization
    set_key(tenant_a, youtube)
    with tenant_a.context():
        (post,) = published_posts(org)
        youtube.errors[video_id(1)] = QUOTA_EXCEEDED
        metric_pulls.content_metrics_pull(organization=org)
        metric_pulls.content_metrics_pull(organization=org, force=True)
        state = ContentMetricPull.objects.get(live_post=post)
        assert state.failures == 2 and "quotaExceeded" in state.error
        del youtube.errors[video_id(1)]
        youtube.add(video(video_id(1)))
        metric_pulls.content_metrics_pull(organization=org, force=True)
        state.refresh_from_db()
        assert (state.error, state.failures, state.failed_at) == ("", 0, None)


@pytest.mark.django_db
def test_without_a_key_each_post_says_what_to_do(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org)
        summary = metric_pulls.content_metrics_pull(organization=org)
        assert "No YouTube API key is set up" in summary.failed[post.pk]
        assert "Creators → Integrations" in ContentMetricPull.objects.get().error
        with pytest.raises(ValidationError, match="No YouTube API key"):
            metric_pulls.content_metrics_pull_request(organization=org, live_post=post)


@pytest.mark.django_db
def test_the_base_url_setting_is_used_when_the_key_has_none(tenant_a, youtube, settings):
    settings.TRACKING_YOUTUBE_API_BASE_URL = youtube.base_url
    set_key(tenant_a, base_url="")
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization)
        youtube.add(video(video_id(1), views=77))
        summary = metric_pulls.content_metrics_pull(organization=tenant_a.organization)
        assert summary.pulled == [post.pk]
        assert ContentMetricSnapshot.objects.get(source="api").views == 77


@pytest.mark.django_db
def test_a_post_that_is_not_a_video_cannot_be_refreshed(tenant_a, youtube):
    set_key(tenant_a, youtube)
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization, urls=["https://www.tiktok.com/@a/video/1"])
        with pytest.raises(ValidationError, match="YouTube videos so far"):
            metric_pulls.content_metrics_pull_request(organization=tenant_a.organization,
                                                      live_post=post)  # fmt: skip


# --- tasks and beat --------------------------------------------------------------------------


def test_beat_pulls_metrics_every_six_hours():
    entry = app.conf.beat_schedule["pull-content-metrics-6-hourly"]
    assert entry["task"] == metric_tasks.pull_due_content_metrics_task.name
    assert entry["schedule"] == 6 * 60 * 60
    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_beat_queues_each_organizations_posts_and_the_task_pulls_them(
    tenant_a, tenant_b, youtube, django_capture_on_commit_callbacks
):  # fmt: skip
    set_key(tenant_a, youtube)
    with tenant_a.context():
        (post_a,) = published_posts(tenant_a.organization)
    with tenant_b.context():
        published_posts(tenant_b.organization)  # B has no key: not queued
    youtube.add(video(video_id(1), views=31337))

    with django_capture_on_commit_callbacks(execute=True):
        result = metric_tasks.pull_due_content_metrics_task.apply().get()

    assert result["queued"] == {str(tenant_a.organization.pk): 1}
    with tenant_a.context():
        assert ContentMetricSnapshot.objects.get(source="api").views == 31337
        assert ContentMetricPull.objects.get().live_post_id == post_a.pk
    with tenant_b.context():
        assert not ContentMetricSnapshot.objects.filter(source="api").exists()


@pytest.mark.django_db
def test_refresh_now_queues_a_forced_pull(tenant_a, youtube, django_capture_on_commit_callbacks):
    set_key(tenant_a, youtube)
    with tenant_a.context():
        (post,) = published_posts(tenant_a.organization)
        youtube.add(video(video_id(1), views=5))
        metric_pulls.content_metrics_pull(organization=tenant_a.organization)
        youtube.add(video(video_id(1), views=6))
        with django_capture_on_commit_callbacks(execute=True):
            label = metric_pulls.content_metrics_pull_request(
                organization=tenant_a.organization, live_post=post
            )
        assert label == "YouTube"
        assert len(youtube.requests) == 2  # forced: the first pull was moments ago
        latest = selectors.latest_metrics(tenant_a.organization, live_posts=[post])[post.pk]
        assert latest.value("views") == 6
