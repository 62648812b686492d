"""The SMTP send path on the wire: a real SMTP server (aiosmtpd) on localhost, Django's
SMTP backend pointed at it, a pitch sent through the service. What the server receives
is what a creator's mail server would: their address, the personalised text, and a
portal link that opens their portal."""

from __future__ import annotations

import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from campaigns import services
from kolhub.models import OutboxEmail
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_pitch_goes_over_smtp_with_link_and_personal_text(
    smtp_server, tenant_a, django_capture_on_commit_callbacks
):
    controller, inbox = smtp_server
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Barrier Serum launch")
        creator = make_creator(org, name="Dr Ana Ruiz", email="ana@ruiz.test")
        collaboration = make_collaboration(org, campaign, creator=creator)
    smtp = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=controller.hostname, EMAIL_PORT=controller.port, EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="", EMAIL_TIMEOUT=10,
    )  # fmt: skip
    with smtp, tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        services.pitch_send(
            organization=org, collaboration=collaboration, by=tenant_a.owner,
            subject="Your ceramide explainer",
            body="Hi Ana, your ceramide explainer from May is the clearest I have seen.\n\n"
            "Your portal: {{ portal_link }}",
        )  # fmt: skip
    assert not OutboxEmail.objects.exists()  # it went over the wire, not to the outbox
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["ana@ruiz.test"]
    message = email.message_from_bytes(envelope.content)
    assert message["Subject"] == "Your ceramide explainer"
    assert message["Reply-To"] == tenant_a.owner.email
    body = message.get_payload(decode=True).decode()
    assert "your ceramide explainer from May is the clearest I have seen" in body
    raw = re.search(rf"/p/([A-Za-z0-9_-]{{43}})/c/{collaboration.pk}/", body).group(1)
    organization, found, _ = services.portal_token_resolve(raw)
    assert organization == org and found.pk == creator.pk
    assert "{{ portal_link }}" not in body
