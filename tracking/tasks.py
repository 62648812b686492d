"""Click flush, run by beat every 15 seconds (kolhub/celery.py) and callable by hand."""

from __future__ import annotations

from celery import shared_task

from tracking.clicks import flush_clicks


@shared_task
def flush_clicks_task() -> int:
    # A platform job: it writes clicks of every organization, each row carrying its own
    # organization_id checked against its link (tracking.clicks._INSERT).
    return flush_clicks()


# Content-metric pulls live in their own module; importing it registers them with Celery.
from tracking import metric_tasks  # noqa: E402, F401
