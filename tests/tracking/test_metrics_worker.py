"""A real worker pulls a post's figures: the tasks are registered, the beat job queues the
organization's posts after its transaction commits, and the pull runs in the tenant's
database role against the (local) YouTube API. Committed data, a real broker."""

from __future__ import annotations

import pytest

from kolhub.celery import app
from tests.kolhub.test_worker import live_worker, wait_for  # noqa: F401 (a fixture)
from tests.tracking.metrics_world import published_posts, video_id
from tests.tracking.test_metrics_pulls import set_key
from tests.tracking.youtube_videos_server import FakeYouTubeVideos, video
from tracking.metric_tasks import pull_content_metrics_task, pull_due_content_metrics_task
from tracking.models import ContentMetricPull, ContentMetricSnapshot

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_pulls_published_posts(live_worker, tenant_a):  # noqa: F811
    registered = app.control.inspect(destination=[live_worker.name], timeout=5).registered() or {}
    names = set(registered.get(live_worker.name, []))
    assert {pull_content_metrics_task.name, pull_due_content_metrics_task.name} <= names, names

    with FakeYouTubeVideos() as youtube:
        youtube.add(video(video_id(1), views=777_000, likes=7_000, comments=70))
        set_key(tenant_a, youtube)
        with tenant_a.context():
            first, second = published_posts(tenant_a.organization, count=2)
        result = pull_due_content_metrics_task.apply_async().get(timeout=30)
        assert result["queued"] == {str(tenant_a.organization.pk): 2}

        def pulled():
            with tenant_a.context():
                return ContentMetricPull.objects.count() == 2

        wait_for(pulled)
    with tenant_a.context():
        snapshot = ContentMetricSnapshot.objects.get(source="api")
        assert (snapshot.live_post_id, snapshot.views, snapshot.likes) == (first.pk, 777_000, 7_000)
        failed = ContentMetricPull.objects.get(live_post=second)
        assert "Video not found" in failed.error
