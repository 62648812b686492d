"""Celery wrappers for the store connector (registered through tracking.tasks): the
beat job that queues due pulls, one connection's pull, a webhook delivery's processing
and a discount code's sync. Thin: ids in, one service call."""

from __future__ import annotations

import logging

from celery import shared_task

from kolhub.celery import TenantBatchTask, TenantTask
from kolhub.tenancy.context import current_organization

logger = logging.getLogger(__name__)


@shared_task(base=TenantBatchTask)
def pull_store_orders_task(organization_id: int, connection_id: int, manual: bool = False) -> dict:
    """Commits page by page (TenantBatchTask): a kill mid-pull keeps the committed pages
    and their high-water mark; a rerun reads on from there. Failures are recorded on the
    connection (with its backoff), not raised, so Celery does not retry on top of it."""
    from kolhub.models import Organization
    from tracking.services.stores import store_pull

    organization = Organization.objects.get(pk=organization_id)
    return store_pull(
        organization=organization, connection_id=connection_id, manual=manual
    ).as_dict()


@shared_task
def pull_due_stores_task() -> dict:
    """Platform-level, run by beat: queue a pull for every connection that is due."""
    from tracking.selectors.stores import store_connections_due

    due = store_connections_due()
    for organization_id, connection_id in due:
        pull_store_orders_task.delay(organization_id, connection_id)
    return {"queued": len(due)}


@shared_task(base=TenantTask)
def process_webhook_delivery_task(organization_id: int, delivery_id: int) -> str:
    from tracking.services.stores import webhook_delivery_process

    delivery = webhook_delivery_process(
        organization=current_organization(), delivery_id=delivery_id
    )
    return delivery.outcome


@shared_task(base=TenantTask)
def sync_store_discount_task(organization_id: int, store_discount_id: int) -> str:
    from tracking.services.stores import store_discount_sync

    discount = store_discount_sync(
        organization=current_organization(), store_discount_id=store_discount_id
    )
    return discount.status
