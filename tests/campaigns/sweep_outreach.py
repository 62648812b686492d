"""Organization A's outreach: a pitch template, a campaign's follow-up plan, and a
thread (the pitch, a follow-up, the creator's reply, the brand's answer), for the
cross-tenant sweep and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from datetime import timedelta

from campaigns import services
from campaigns.models import TemplateKind
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator


def values(tenant) -> dict:
    org, owner = tenant.organization, tenant.owner
    with tenant.context():
        template = services.pitch_template_create(
            organization=org, name="Zebracorn secret template", kind=TemplateKind.FOLLOW_UP,
            subject="Zebracorn subject {{ creator_name }}", body="Zebracorn body {{ portal_link }}",
            created_by=owner,
        )  # fmt: skip
        campaign = make_campaign(org, name="Zebracorn outreach campaign")
        services.follow_up_plan_set(organization=org, campaign=campaign, days=[2, 9],
                                    enabled=True, template=template)  # fmt: skip
        creator = make_creator(org, name="Zebracorn Pitched Creator",
                               email=f"zebracorn-pitched@{org.slug}.test")  # fmt: skip
        collaboration = make_collaboration(org, campaign, creator=creator)
        pitch = services.pitch_send(
            organization=org, collaboration=collaboration, by=owner,
            subject="Zebracorn secret pitch subject",
            body="Zebracorn secret pitch body {{ portal_link }}",
        )  # fmt: skip
        services.follow_ups_send_due(organization=org,
                                     now=pitch.sent_at + timedelta(days=2, minutes=1))  # fmt: skip
        services.message_post_creator(organization=org, collaboration=collaboration,
                                      body="Zebracorn secret creator reply")  # fmt: skip
        services.message_post_brand(organization=org, collaboration=collaboration,
                                    body="Zebracorn secret brand answer", by=owner)  # fmt: skip
    return {
        "pitch_template_id": template.pk,
        "secrets": [
            "Zebracorn secret template", "Zebracorn outreach campaign",
            "Zebracorn Pitched Creator", "Zebracorn secret pitch subject",
            "Zebracorn secret pitch body", "Zebracorn secret creator reply",
            "Zebracorn secret brand answer", creator.email,
        ],
    }  # fmt: skip
