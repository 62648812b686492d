"""Outreach: pitch templates with merge fields, each campaign's follow-up schedule, and the
message thread of a collaboration (the pitch, its follow-ups, and what either side
writes afterwards).

A template's merge fields are a closed list (campaigns.outreach, which renders them by
plain substitution, never by a template language). A message keeps the exact text that
went out, except the portal link: an invite link opens the portal without a password,
and only a hash of its token is ever stored (campaigns.models.portal), so the stored
text keeps the `{{ portal_link }}` placeholder and `portal_token` says which link the
email carried."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from campaigns.models.offers import Side
from kolhub.models import TenantModel

DEFAULT_FOLLOW_UP_DAYS = [3, 7]


class TemplateKind(models.TextChoices):
    PITCH = "pitch", "Pitch"
    FOLLOW_UP = "follow_up", "Follow-up"


class PitchTemplate(TenantModel):
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=TemplateKind.choices, default=TemplateKind.PITCH)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    is_default = models.BooleanField(
        default=False, help_text="Preselected when pitching (pitch) or following up (follow-up)"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="pitch_template_name"),
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=Q(is_default=True),
                name="pitch_template_one_default",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.name


class FollowUpPlan(TenantModel):
    """When a campaign follows up a pitch nobody answered: `days` after the pitch, one
    follow-up each. A campaign without a plan follows up after 3 and 7 days."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="follow_up_plans"
    )
    enabled = models.BooleanField(default=True)
    days = ArrayField(models.PositiveSmallIntegerField(), default=list,
                      help_text="Days after the pitch, e.g. 3, 7")  # fmt: skip
    template = models.ForeignKey(
        PitchTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The follow-up text; the organization's default follow-up when empty",
    )  # fmt: skip

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "campaign"], name="follow_up_plan_one")
        ]

    def __str__(self) -> str:
        return f"Follow-ups of {self.campaign_id}: {self.days}"


class MessageKind(models.TextChoices):
    PITCH = "pitch", "Pitch"
    FOLLOW_UP = "follow_up", "Follow-up"
    MESSAGE = "message", "Message"


class OutreachMessage(TenantModel):
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    side = models.CharField(max_length=8, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(
        max_length=80, blank=True,
        help_text='Who wrote it when not a team member: "creator via portal", "system"',
    )  # fmt: skip
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    template = models.ForeignKey(
        PitchTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    follow_up_step = models.PositiveSmallIntegerField(null=True, blank=True)
    portal_token = models.ForeignKey(
        "campaigns.PortalToken", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="The portal link the email carried",
    )  # fmt: skip
    email_to = models.CharField(max_length=254, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    # When the other side first saw it (the brand's unread counts).
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            # One pitch per collaboration, and each follow-up step once: a rerun of the
            # beat task (or two workers at once) cannot send the same follow-up twice.
            models.UniqueConstraint(
                fields=["organization", "collaboration"],
                condition=Q(kind="pitch"),
                name="outreach_one_pitch",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["organization", "collaboration", "follow_up_step"],
                condition=Q(kind="follow_up"),
                name="outreach_follow_up_once",
            ),  # fmt: skip
            models.CheckConstraint(condition=~Q(body=""), name="outreach_body_not_empty"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "collaboration", "sent_at"], name="outreach_org_thread"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.side}) on {self.collaboration_id}"
