"""Celery wrappers for enrichment: refresh given accounts of one organization (a tenant
task), and the beat job that queues every organization's stale accounts."""

from __future__ import annotations

import logging

from celery import shared_task

from kolhub.celery import TenantTask
from kolhub.tenancy.context import current_organization, tenant_context

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask)
def refresh_accounts_task(
    organization_id: int, account_ids: list[int], only_stale: bool = False
) -> dict:
    """Idempotent: it rewrites the same figures on a rerun, and with `only_stale` a rerun
    sends no request at all. Failures are recorded on the accounts, not raised, so there is
    nothing to retry here; beat picks failed accounts up again later."""
    from creators.enrichment.services import refresh_accounts

    summary = refresh_accounts(
        organization=current_organization(), account_ids=account_ids, only_stale=only_stale
    )
    return summary.as_dict()


@shared_task
def refresh_stale_accounts_task() -> dict:
    """Platform-level, run by beat: for each organization with a platform key, queue its
    stale accounts in chunks (creators.enrichment.services.stale_refresh_enqueue)."""
    from creators.enrichment.selectors import organization_ids_with_credentials
    from creators.enrichment.services import stale_refresh_enqueue
    from kolhub.models import Organization

    queued: dict[str, int] = {}
    organizations = Organization.objects.filter(pk__in=organization_ids_with_credentials())
    for organization in organizations.order_by("pk"):
        try:
            with tenant_context(organization):
                queued[str(organization.pk)] = stale_refresh_enqueue(organization=organization)
        except Exception:
            # One organization's problem must not stop the others' refreshes.
            logger.exception("queueing stale accounts failed for organization %s", organization.pk)
    return {"organizations": len(queued), "accounts": sum(queued.values()), "queued": queued}
