from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from kolhub.celery import TenantTask
from kolhub.tenancy.context import current_organization


@shared_task(base=TenantTask, bind=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)  # fmt: skip
def send_invitation_email_task(self, organization_id: int, invitation_id: int, token: str) -> dict:
    from kolhub.services import invitation_send_email
    from kolhub.tenancy.context import connection_tenant

    invitation_send_email(
        organization=current_organization(), invitation_id=invitation_id, token=token
    )
    # What the worker saw, so the worker test can prove the task ran in the right tenant.
    return {"organization_id": organization_id, **connection_tenant()}


@shared_task
def purge_stale_records_task() -> dict:
    """Platform-level housekeeping run by beat: expired sessions, and invitations that
    lapsed unused more than 90 days ago (they are refused on use long before that)."""
    from django.contrib.sessions.models import Session

    from kolhub.models import Invitation
    from kolhub.tenancy.context import dangerously_unscoped

    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    with dangerously_unscoped():
        invitations, _ = Invitation.objects.filter(
            accepted_at__isnull=True, expires_at__lt=now - timedelta(days=90)
        ).delete()
    return {"sessions": sessions, "invitations": invitations}
