"""The dev outbox: an email backend that stores every message, and the page that lists
them (kolhub/views/outbox.py), so invitations and verification work without SMTP."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage, EmailMultiAlternatives


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        from kolhub.models import OutboxEmail

        for message in email_messages:
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next(
                    (content for content, mime in message.alternatives if mime == "text/html"), ""
                )
            OutboxEmail.objects.create(
                from_email=message.from_email,
                to=", ".join(message.recipients()),
                subject=message.subject,
                body_text=message.body,
                body_html=html,
            )
        return len(email_messages)
