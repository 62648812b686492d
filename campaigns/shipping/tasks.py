"""Celery wrappers for shipping: the beat job that sends due seeding nudges for every
organization, and the email of one nudge (a tenant task)."""

from __future__ import annotations

import logging

from celery import shared_task

from kolhub.celery import TenantTask
from kolhub.tenancy.context import current_organization, tenant_context

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)  # fmt: skip
def send_seeding_nudge_task(self, organization_id: int, nudge_id: int, raw_token: str) -> None:
    from campaigns.services.shipping import seeding_nudge_email_send

    seeding_nudge_email_send(
        organization=current_organization(), nudge_id=nudge_id, raw_token=raw_token
    )


@shared_task
def send_seeding_nudges_task() -> dict:
    """Platform-level, run by beat: each organization's due nudges, in its own tenant
    context (one organization's failure does not stop the others). Idempotent: a nudge
    is sent at most once per shipment, so an overlapping or repeated run sends nothing
    new."""
    from campaigns.services.shipping import seeding_nudges_send
    from kolhub.models import Organization

    sent: dict[str, int] = {}
    for organization in Organization.objects.order_by("pk"):
        try:
            with tenant_context(organization):
                count = seeding_nudges_send(organization=organization)
        except Exception:
            logger.exception("seeding nudges failed for organization %s", organization.pk)
            continue
        if count:
            sent[str(organization.pk)] = count
    return {"organizations": len(sent), "nudges": sum(sent.values()), "sent": sent}
