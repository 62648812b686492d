"""Celery wrappers for content metrics (registered through tracking.tasks): pull given
posts' figures for one organization (a tenant task), and the beat job that queues every
organization's posts due a pull."""

from __future__ import annotations

import logging

from celery import shared_task

from kolhub.celery import TenantTask
from kolhub.tenancy.context import current_organization, tenant_context

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask)
def pull_content_metrics_task(
    organization_id: int, live_post_ids: list[int], force: bool = False
) -> dict:
    """Idempotent: a rerun within the pull interval sends nothing (unless forced), and an
    observation is stored once. Failures are recorded on the posts, not raised, so there
    is nothing to retry here; beat picks failed posts up on its next round."""
    from tracking.services.metric_pulls import content_metrics_pull

    summary = content_metrics_pull(
        organization=current_organization(), live_post_ids=live_post_ids, force=force
    )
    return summary.as_dict()


@shared_task
def pull_due_content_metrics_task() -> dict:
    """Platform-level, run by beat: for each organization with a key for a platform we
    pull, queue its recent published posts in chunks."""
    from kolhub.models import Organization
    from tracking.selectors.metrics import organization_ids_with_metrics_keys
    from tracking.services.metric_pulls import content_metrics_pull_enqueue

    queued: dict[str, int] = {}
    organizations = Organization.objects.filter(pk__in=organization_ids_with_metrics_keys())
    for organization in organizations.order_by("pk"):
        try:
            with tenant_context(organization):
                queued[str(organization.pk)] = content_metrics_pull_enqueue(
                    organization=organization
                )
        except Exception:
            # One organization's problem must not stop the others' pulls.
            logger.exception("queueing metric pulls failed for organization %s", organization.pk)
    return {"organizations": len(queued), "posts": sum(queued.values()), "queued": queued}
