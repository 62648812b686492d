"""A real worker refreshes an account: the task is registered, runs in its tenant's
database role, and reaches the (local) YouTube API. Committed data, a real broker."""

from __future__ import annotations

import pytest

from creators.enrichment.tasks import refresh_accounts_task, refresh_stale_accounts_task
from kolhub.celery import app
from tests.creators.test_enrichment import (
    FakeYouTube,
    account_of,
    channel,
    channel_id,
    set_key,
    youtube_creator,
)
from tests.kolhub.test_worker import live_worker  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_refreshes_an_account(live_worker, tenant_a):  # noqa: F811
    registered = app.control.inspect(destination=[live_worker.name], timeout=5).registered() or {}
    names = set(registered.get(live_worker.name, []))
    assert {refresh_accounts_task.name, refresh_stale_accounts_task.name} <= names, names

    with FakeYouTube() as youtube:
        youtube.add(channel(channel_id(1), subscribers=42_000))
        set_key(tenant_a, youtube)
        youtube_creator(tenant_a, {"handle": "viaworker", "external_id": channel_id(1)})
        account = account_of(tenant_a, "viaworker")
        result = refresh_accounts_task.apply_async(
            args=[tenant_a.organization.pk, [account.pk]]
        ).get(timeout=30)

    assert result["refreshed"] == [account.pk]
    assert account_of(tenant_a, "viaworker").followers == 42_000
