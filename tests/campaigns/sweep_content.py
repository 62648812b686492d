"""Organization A's brief (a published version with a reference file, acknowledged),
deliverables, a draft round with a file and its review, and a live post with a
screenshot, for the cross-tenant sweep and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from campaigns import services
from campaigns.models import BriefVersion
from tests.campaigns.content_factories import (
    deliverables_of,
    png,
    publish_brief,
    shipped_collaboration,
)
from tests.campaigns.factories import make_campaign
from tests.creators.factories import make_creator


def values(tenant) -> dict:
    org, owner = tenant.organization, tenant.owner
    with tenant.context():
        campaign = make_campaign(org, name="Zebracorn content campaign")
        services.brief_save(organization=org, campaign=campaign, by=owner,
                            data={"goals": "Zebracorn secret brief goals"})  # fmt: skip
        asset = services.brief_asset_add(organization=org, campaign=campaign, by=owner,
                                         upload=png("zebracorn-moodboard.png"))  # fmt: skip
        version = publish_brief(org, campaign, by=owner, mentions=["@zebracornlabs"])
        creator = make_creator(org, name="Zebracorn Content Creator")
        collaboration = shipped_collaboration(org, campaign, creator=creator, by=owner)
        services.brief_acknowledge(organization=org, collaboration=collaboration, version=version)
        first, *_ = deliverables_of(collaboration)
        submission = services.submission_create(
            organization=org, deliverable=first, upload=png("zebracorn-draft.png"),
            caption="Zebracorn secret caption #ad @zebracornlabs",
        )  # fmt: skip
        services.submission_review(organization=org, submission=submission, decision="approve",
                                   comment="Zebracorn secret review comment", by=owner)  # fmt: skip
        post = services.live_post_submit(
            organization=org, deliverable=first, url="https://instagram.com/p/zebracorn-live",
            figures={"reach": 987654}, screenshot=png("zebracorn-figures.png"),
        )  # fmt: skip
        assert BriefVersion.objects.filter(pk=version.pk).exists()
    return {
        "brief_id": version.brief_id,
        "brief_version_id": version.pk,
        "brief_asset_id": asset.pk,
        "deliverable_id": first.pk,
        "submission_id": submission.pk,
        "live_post_id": post.pk,
        "secrets": [
            "Zebracorn content campaign", "Zebracorn secret brief goals", "zebracorn-moodboard",
            "Zebracorn Content Creator", "Zebracorn secret caption", "zebracorn-draft",
            "Zebracorn secret review comment", "zebracorn-live", "987654", "zebracornlabs",
        ],
    }  # fmt: skip
