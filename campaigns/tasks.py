"""Celery discovers `<app>.tasks`; the campaigns app's tasks live with their concern."""

from campaigns.shipping.tasks import send_seeding_nudge_task, send_seeding_nudges_task

__all__ = ["send_seeding_nudge_task", "send_seeding_nudges_task"]
