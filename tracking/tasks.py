"""Tracking's background jobs (beat schedule in kolhub/celery.py): the click flush every
15 seconds, the late-click re-attribution every minute."""

from __future__ import annotations

from celery import shared_task

from kolhub.celery import TenantTask
from kolhub.models import Organization
from kolhub.tenancy.context import current_organization
from tracking.clicks import flush_clicks

# Registered with the worker through this module (autodiscovery reads tracking.tasks).
from tracking.imports.tasks import import_orders_task  # noqa: F401
from tracking.services.attribution import conversions_reattribute_late


@shared_task
def flush_clicks_task() -> int:
    # A platform job: it writes clicks of every organization, each row carrying its own
    # organization_id checked against its link (tracking.clicks._INSERT).
    return flush_clicks()


@shared_task(base=TenantTask)
def reattribute_late_clicks_task(organization_id: int) -> int:
    return conversions_reattribute_late(organization=current_organization())


@shared_task
def reattribute_late_clicks_all_task() -> int:
    """Beat's entry: orders whose click id named no stored click yet are looked at again
    once the click may have been flushed; one task per organization."""
    ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in ids:
        reattribute_late_clicks_task.delay(organization_id)
    return len(ids)
