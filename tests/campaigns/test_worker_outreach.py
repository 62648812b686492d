"""Follow-ups through a real Celery worker: beat's task (by the name in the beat
schedule) fans out per organization, the worker sends the follow-up that is due and its
email, and running it again sends nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaigns import services
from campaigns.models import MessageKind, OutreachMessage
from campaigns.tasks import send_due_follow_ups_task
from kolhub.celery import app
from kolhub.models import OutboxEmail
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.kolhub.test_worker import live_worker, wait_for  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_schedules_the_follow_ups_by_a_registered_name():
    entry = app.conf.beat_schedule["send-outreach-follow-ups-hourly"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_the_worker_sends_a_due_follow_up_once(live_worker, tenant_a):  # noqa: F811
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Worker campaign")
        creator = make_creator(org, name="Ana Ruiz", email="ana-worker@ruiz.test")
        collaboration = make_collaboration(org, campaign, creator=creator)
        pitch = services.pitch_send(organization=org, collaboration=collaboration,
                                    by=tenant_a.owner, subject="Hello",
                                    body="Hi Ana {{ portal_link }}")  # fmt: skip
    wait_for(lambda: OutboxEmail.objects.filter(to="ana-worker@ruiz.test").exists())
    with tenant_a.context():
        # Four days ago, nobody answered: the 3-day follow-up is due.
        OutreachMessage.objects.filter(pk=pitch.pk).update(
            sent_at=pitch.sent_at - timedelta(days=4)
        )
    beat_task = app.tasks[app.conf.beat_schedule["send-outreach-follow-ups-hourly"]["task"]]
    beat_task.delay()
    follow_up = wait_for(lambda: OutboxEmail.objects.filter(
        to="ana-worker@ruiz.test", subject="Re: " + OutboxEmail.objects.filter(
            to="ana-worker@ruiz.test").earliest("id").subject).first())  # fmt: skip
    assert "/p/" in follow_up.body_text
    # A rerun in the worker (what an hourly beat does) finds nothing left to send.
    assert send_due_follow_ups_task.delay(org.pk).get(timeout=30) == []
    with tenant_a.context():
        assert OutreachMessage.objects.filter(kind=MessageKind.FOLLOW_UP).count() == 1
    assert OutboxEmail.objects.filter(to="ana-worker@ruiz.test").count() == 2
