"""Celery tasks of the campaigns app: thin wrappers that call a service with ids.

Outreach: one task sends one message's email (enqueued on commit by the service that
wrote the message); beat runs the follow-ups every hour, one organization at a time."""

from __future__ import annotations

from celery import shared_task

from campaigns.shipping.tasks import send_seeding_nudge_task, send_seeding_nudges_task
from kolhub.celery import TenantTask
from kolhub.tenancy.context import current_organization

# Shipping's tasks live with their concern; imported here so Celery's autodiscovery of
# `campaigns.tasks` registers them.
__all__ = [
    "send_due_follow_ups_task", "send_follow_ups_task", "send_outreach_email_task",
    "send_seeding_nudge_task", "send_seeding_nudges_task",
]  # fmt: skip


# SMTP errors are OSError subclasses: a mail server that is down is retried with backoff.
@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)  # fmt: skip
def send_outreach_email_task(self, organization_id: int, message_id: int,
                             raw_token: str = "") -> bool:  # fmt: skip
    from campaigns.services.outreach import outreach_email_send

    return outreach_email_send(organization=current_organization(), message_id=message_id,
                               raw_token=raw_token)  # fmt: skip


@shared_task(base=TenantTask)
def send_due_follow_ups_task(organization_id: int) -> list[int]:
    from campaigns.services.outreach import follow_ups_send_due

    return [m.pk for m in follow_ups_send_due(organization=current_organization())]


@shared_task
def send_follow_ups_task() -> int:
    """Beat's entry: one task per organization, so one organization's failure (or its
    size) does not hold up the others."""
    from kolhub.models import Organization

    ids = list(Organization.objects.values_list("pk", flat=True))
    for organization_id in ids:
        send_due_follow_ups_task.delay(organization_id)
    return len(ids)
