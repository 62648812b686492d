"""Celery discovers `<app>.tasks`; the creators app's tasks live with their concern."""

from creators.enrichment.tasks import refresh_accounts_task, refresh_stale_accounts_task
from creators.imports.tasks import import_creators_task

__all__ = ["import_creators_task", "refresh_accounts_task", "refresh_stale_accounts_task"]
