"""Tracking's background jobs (beat schedule in kolhub/celery.py): the click flush every
15 seconds, the rollup worker every 20 seconds and the late-click re-attribution every
minute, each fanned out per organization where it touches tenant data."""

from __future__ import annotations

from celery import shared_task

from kolhub.celery import TenantBatchTask, TenantTask
from kolhub.models import Organization
from kolhub.tenancy.context import current_organization
from tracking.clicks import flush_clicks

# The store connector's tasks live with it; importing them here registers them (Celery
# autodiscovers tracking.tasks).
from tracking.connectors.tasks import (  # noqa: F401
    process_webhook_delivery_task,
    pull_due_stores_task,
    pull_store_orders_task,
    sync_store_discount_task,
)

# Registered with the worker through this module (autodiscovery reads tracking.tasks).
from tracking.imports.tasks import import_orders_task  # noqa: F401
from tracking.services.attribution import conversions_reattribute_late
from tracking.services.rollups import rollups_refresh


@shared_task
def flush_clicks_task() -> int:
    # A platform job: it writes clicks of every organization, each row carrying its own
    # organization_id, checked against its link once per batch (tracking.clicks).
    return flush_clicks()


def _fan_out(task) -> int:
    """One task per organization, so one organization's failure (or its size) does not
    hold up the others."""
    ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in ids:
        task.delay(organization_id)
    return len(ids)


@shared_task(base=TenantBatchTask)
def refresh_rollups_task(organization_id: int) -> int:
    # TenantBatchTask: the body commits a batch of days per transaction (rollups_refresh
    # enters tenant_context for each), so a big backlog does not sit in one transaction.
    return rollups_refresh(organization=Organization.objects.get(pk=organization_id))


@shared_task
def refresh_rollups_all_task() -> int:
    return _fan_out(refresh_rollups_task)


@shared_task(base=TenantTask)
def reattribute_late_clicks_task(organization_id: int) -> int:
    return conversions_reattribute_late(organization=current_organization())


@shared_task
def reattribute_late_clicks_all_task() -> int:
    """Orders whose click id named no stored click yet are looked at again once the
    click may have been flushed."""
    return _fan_out(reattribute_late_clicks_task)


REPORT_MAX_RETRIES = 3


# acks_late + reject_on_worker_lost: a worker killed mid-render leaves the message
# unacknowledged and it is delivered again; tracking.services.reports makes the rerun
# harmless. Two transactions, so "rendering" is visible while the render runs.
@shared_task(
    base=TenantBatchTask, bind=True, acks_late=True, reject_on_worker_lost=True,
    autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=120,
    max_retries=REPORT_MAX_RETRIES,
)  # fmt: skip
def render_campaign_report_task(self, organization_id: int, report_id: int) -> dict:
    from kolhub.tenancy.context import tenant_context
    from tracking.services import reports

    organization = Organization.objects.get(pk=organization_id)
    with tenant_context(organization):
        if not reports.campaign_report_start(organization=organization, report_id=report_id):
            return {"report_id": report_id, "rendered": False}
    try:
        with tenant_context(organization):
            report = reports.campaign_report_render(organization=organization, report_id=report_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            with tenant_context(organization):
                reports.campaign_report_failed(
                    organization=organization,
                    report_id=report_id,
                    error=f"{type(error).__name__}: {error}",
                )
        raise
    return {"report_id": report_id, "rendered": True, "sha256": report.sha256}


# Content-metric pulls live in their own module; importing it registers them with Celery.
from tracking import metric_tasks  # noqa: E402, F401
