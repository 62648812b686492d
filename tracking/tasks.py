"""Click flush, run by beat every 15 seconds (kolhub/celery.py) and callable by hand; the
rollup worker, every 20 seconds per organization."""

from __future__ import annotations

from celery import shared_task

from kolhub.celery import TenantBatchTask
from tracking.clicks import flush_clicks


@shared_task
def flush_clicks_task() -> int:
    # A platform job: it writes clicks of every organization, each row carrying its own
    # organization_id checked against its link (tracking.clicks._INSERT).
    return flush_clicks()


@shared_task(base=TenantBatchTask)
def refresh_rollups_task(organization_id: int) -> int:
    from kolhub.models import Organization
    from tracking.services.rollups import rollups_refresh

    # TenantBatchTask: the body commits a batch of days per transaction (rollups_refresh
    # enters tenant_context for each), so a big backlog does not sit in one transaction.
    return rollups_refresh(organization=Organization.objects.get(pk=organization_id))


@shared_task
def refresh_rollups_all_task() -> int:
    """Beat's entry (every 20 s): one task per organization, so one organization's
    backlog does not hold up the others."""
    from kolhub.models import Organization

    ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in ids:
        refresh_rollups_task.delay(organization_id)
    return len(ids)
