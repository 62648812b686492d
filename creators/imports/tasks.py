"""The Celery task that runs a creator import."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from kolhub.celery import TenantBatchTask

# Several times the default limit (a 50 MB file is several hundred thousand rows), and
# under the broker's visibility timeout (4 x CELERY_TASK_TIME_LIMIT): with acks_late, a
# task still running past that would be handed to a second worker.
TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT * 3


@shared_task(base=TenantBatchTask, time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 60)
def import_creators_task(organization_id: int, import_id: int) -> str:
    """Idempotent: a rerun resumes after the last committed batch, and a finished import
    is left alone. Failures end on the import (status and reason), not in a retry."""
    from creators.imports.services import import_run
    from kolhub.models import Organization

    organization = Organization.objects.get(pk=organization_id)
    return import_run(organization=organization, import_id=import_id)
