"""Click flush, run by beat every 15 seconds (kolhub/celery.py) and callable by hand."""

from __future__ import annotations

from celery import shared_task

from tracking.clicks import flush_clicks


@shared_task
def flush_clicks_task() -> int:
    # A platform job: it writes clicks of every organization, each row carrying its own
    # organization_id checked against its link (tracking.clicks._INSERT).
    return flush_clicks()


# The store connector's tasks live with it; importing them here registers them
# (Celery autodiscovers tracking.tasks).
from tracking.connectors.tasks import (  # noqa: E402
    process_webhook_delivery_task,
    pull_due_stores_task,
    pull_store_orders_task,
    sync_store_discount_task,
)

__all__ = [
    "flush_clicks_task",
    "process_webhook_delivery_task",
    "pull_due_stores_task",
    "pull_store_orders_task",
    "sync_store_discount_task",
]
