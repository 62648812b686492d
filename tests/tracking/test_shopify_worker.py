"""A real Celery worker pulls a store and is killed (SIGKILL) while it waits for the third
page: the two committed pages and their high-water mark survive, and a rerun on a new
worker reads on from the mark and records every order exactly once. Committed data, the
real broker, the local Shopify server."""

from __future__ import annotations

import os
import signal

import pytest

from kolhub.celery import app
from tests.kolhub.live_worker import LiveWorker
from tracking.connectors.shopify import updated_since_query
from tracking.connectors.tasks import pull_store_orders_task
from tracking.models import Conversion, StoreConnection

from .shopify_server import FakeShopify, order_node
from .test_shopify_pull import at, connect

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_killed_mid_pull_loses_nothing_and_duplicates_nothing(
    tenant_a, tmp_path, monkeypatch, settings
):
    eager = app.conf.task_always_eager
    workers: list[LiveWorker] = []
    with FakeShopify() as shopify:
        shopify.orders = [order_node(n, updated_at=at(n)) for n in range(8)]
        shopify.hold_page = 3
        # The worker is another process: it reads these from its environment.
        monkeypatch.setenv("SHOPIFY_ADMIN_URL", shopify.base_url)
        monkeypatch.setenv("SHOPIFY_PAGE_SIZE", "3")
        settings.SHOPIFY_ADMIN_URL, settings.SHOPIFY_PAGE_SIZE = shopify.base_url, 3
        connection = connect(tenant_a)
        org_id = tenant_a.organization.pk
        app.conf.task_always_eager = False
        try:
            (tmp_path / "first").mkdir()
            first = LiveWorker(tmp_path / "first")
            workers.append(first)
            first.start()
            pull_store_orders_task.delay(org_id, connection.pk)
            assert shopify.page_reached.wait(timeout=60), "the worker never asked for page 3"
            os.killpg(first.process.pid, signal.SIGKILL)
            first.process.wait(timeout=20)

            with tenant_a.context():
                kept = dict(Conversion.objects.values_list("external_id", "pk"))
                assert StoreConnection.objects.get().orders_high_water == at(5)
            assert len(kept) == 6

            shopify.hold_page = None
            shopify.release.set()
            (tmp_path / "second").mkdir()
            second = LiveWorker(tmp_path / "second")
            workers.append(second)
            second.start()
            result = pull_store_orders_task.apply_async(args=[org_id, connection.pk]).get(
                timeout=60
            )
        finally:
            app.conf.task_always_eager = eager
            for worker in workers:
                worker.stop()

    assert result["status"] == "active" and result["recorded"] == 3
    assert shopify.order_requests()[-1]["query"] == updated_since_query(at(5))
    with tenant_a.context():
        rows = list(Conversion.objects.values_list("external_id", "pk"))
        assert StoreConnection.objects.get().orders_high_water == at(7)
    assert sorted(e for e, _ in rows) == sorted(o["id"] for o in shopify.orders)
    assert len(rows) == 8
    assert all(dict(rows)[external_id] == pk for external_id, pk in kept.items())
