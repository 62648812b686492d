"""Demo outreach for the demo campaign (called by campaigns.seeding): the built-in pitch
and follow-up templates, the 3-and-7-day follow-up plan, each contacted creator's pitch
in their thread (recorded at the time they were invited), and one conversation with a
creator who is negotiating, so the thread and its unread reply are visible at once. The
shortlisted creators are left for the new user to pitch."""

from __future__ import annotations

from campaigns import merge_fields, selectors, services
from campaigns.models import Campaign, StageChange
from campaigns.pipeline import Stage
from kolhub.models import Organization

REPLY = ("Thanks for thinking of me! Before I say yes: would you reuse the reel in paid "
         "ads, and for how long?")  # fmt: skip
ANSWER = ("Good question: 90 days on our own Instagram, no paid ads unless we agree a "
          "separate fee. The offer in your portal spells it out.")  # fmt: skip

LATER = "Perfect, that works for me. I'll look at the offer tonight."


def demo_outreach_seed(*, organization: Organization, campaign: Campaign, owner) -> None:
    services.pitch_templates_ensure_defaults(organization=organization)
    services.follow_up_plan_set(organization=organization, campaign=campaign, days=[3, 7],
                                enabled=True)  # fmt: skip
    template = selectors.pitch_template_default(organization=organization, kind="pitch")
    invited_at = dict(
        StageChange.objects.for_org(organization)
        .filter(collaboration__campaign=campaign, to_stage=Stage.INVITED)
        .values_list("collaboration_id", "at")
    )
    conversation = None
    for collaboration in campaign.collaborations.select_related("creator", "campaign").order_by(
        "creator__name"
    ):
        at = invited_at.get(collaboration.pk)
        if at is None or template is None:
            continue
        values = selectors.merge_values(organization=organization, collaboration=collaboration,
                                        sender=owner)  # fmt: skip
        keep = (merge_fields.PORTAL_LINK,)
        services.pitch_record(
            organization=organization, collaboration=collaboration, by=owner, at=at,
            subject=merge_fields.fill(template.subject, values, keep=keep),
            body=merge_fields.fill(template.body, values, keep=keep),
        )  # fmt: skip
        if conversation is None and collaboration.stage == Stage.NEGOTIATING:
            conversation = collaboration
    if conversation is not None:
        services.message_post_creator(organization=organization, collaboration=conversation,
                                      body=REPLY)  # fmt: skip
        if conversation.creator.email:
            services.message_post_brand(
                organization=organization, collaboration=conversation, body=ANSWER, by=owner
            )
        # A second reply, left unread: the campaign page shows it waiting.
        services.message_post_creator(
            organization=organization, collaboration=conversation, body=LATER
        )
