"""The Celery task that runs an orders import."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from kolhub.celery import TenantBatchTask

TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT * 3


@shared_task(base=TenantBatchTask, time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 60)
def import_orders_task(organization_id: int, import_id: int) -> str:
    """Idempotent: a rerun resumes after the last committed batch, a finished import is
    left alone, and a row recorded twice is the same conversion. Failures end on the
    import (status and reason), not in a retry."""
    from kolhub.models import Organization
    from tracking.imports.services import order_import_run

    organization = Organization.objects.get(pk=organization_id)
    return order_import_run(organization=organization, import_id=import_id)
