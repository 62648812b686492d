"""A real worker process, the real broker, committed data: a task enqueued inside a
committed tenant transaction runs in that tenant's scope and database role, and
/healthz reports the worker."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from kolhub import services
from kolhub.celery import app
from kolhub.models import Invitation, OutboxEmail, Role
from kolhub.tasks import send_invitation_email_task
from tests.kolhub.live_worker import LiveWorker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_worker(tmp_path):
    worker = LiveWorker(tmp_path)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        worker.start()
        yield worker
    finally:
        app.conf.task_always_eager = eager
        worker.stop()


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


def test_task_enqueued_on_commit_runs_in_its_tenant(live_worker, tenant_a, tenant_b):
    # Enqueued inside a transaction: nothing may run before it commits.
    with tenant_a.context():
        invitation = services.invitation_create(
            organization=tenant_a.organization,
            actor=tenant_a.memberships[Role.OWNER],
            email="worker-proof@example.test",
            role=Role.VIEWER,
        )
        time.sleep(1.0)
        assert not OutboxEmail.objects.filter(to="worker-proof@example.test").exists()

    email = wait_for(lambda: OutboxEmail.objects.filter(to="worker-proof@example.test").first())
    assert tenant_a.organization.name in email.subject
    assert "/invitations/" in email.body_text
    with tenant_a.context():
        # The worker's write (sent_at) passed the RLS WITH CHECK of organization A.
        assert wait_for(lambda: Invitation.objects.get(pk=invitation.pk).sent_at)

    # Ask the worker directly what its connection looked like while the body ran.
    with tenant_b.context():
        b_invitation = services.invitation_create(
            organization=tenant_b.organization,
            actor=tenant_b.memberships[Role.OWNER],
            email="b-proof@example.test",
            role=Role.MEMBER,
        )
    result = send_invitation_email_task.apply_async(
        args=[tenant_b.organization.pk, b_invitation.pk, "not-the-token"]
    ).get(timeout=30)
    assert result == {
        "organization_id": tenant_b.organization.pk,
        "db_role": settings.KOLHUB_APP_DB_ROLE,
        "db_current_org": str(tenant_b.organization.pk),
    }

    # In B's scope, A's invitation does not exist: the task fails rather than cross over.
    crossing = send_invitation_email_task.apply_async(
        args=[tenant_b.organization.pk, invitation.pk, "whatever"]
    )
    with pytest.raises(Invitation.DoesNotExist):
        crossing.get(timeout=30, propagate=True)


def test_healthz_is_ok_with_a_live_worker(live_worker):
    response = Client().get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "redis", "worker", "migrations"}
    assert live_worker.name in body["checks"]["worker"]["workers"]
