"""The demo's brief and content: a published brief that ticks the checklist, creators past
the contract who acknowledged it, drafts that moved collaborations into review (one with
a failed disclosure check, a change request and a fixed resubmission), approvals and
live posts with figures behind the approved and published ones."""

from __future__ import annotations

import pytest

from campaigns import selectors
from campaigns.models import (
    BriefAcknowledgement,
    BriefVersion,
    Collaboration,
    ContentSubmission,
    LivePost,
)
from campaigns.pipeline import Stage
from campaigns.seeding import SPREAD, demo_campaign_seed
from tests.conftest import make_tenant
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def test_demo_content_moves_the_pipeline_through_the_services(db):
    tenant = make_tenant("Glow Lab Skincare", "glow-lab")
    org = tenant.organization
    with tenant.context():
        for _ in range(sum(n for _, n in SPREAD)):
            make_creator(org)
    campaign = demo_campaign_seed(organization=org)
    with tenant.context():
        version = BriefVersion.objects.get(campaign=campaign)
        assert version.disclosures == ["#ad"] and version.mentions == ["@glowlab"]
        checklist = selectors.campaign_checklist(organization=org, campaign=campaign)
        assert next(i for i in checklist.items if i.step.key == "brief").done
        assert BriefAcknowledgement.objects.filter(version=version).exists()
        in_review = Collaboration.objects.filter(campaign=campaign, stage=Stage.CONTENT_IN_REVIEW)
        rounds = ContentSubmission.objects.filter(deliverable__collaboration__in=in_review)
        failed = rounds.get(round=1, disclosure_passed=False)
        assert failed.status == "changes_requested" and "#ad" in failed.review_comment
        assert rounds.get(round=2, deliverable=failed.deliverable).disclosure_passed
        for stage in (Stage.APPROVED, Stage.PUBLISHED, Stage.PAID):
            collaboration = Collaboration.objects.get(campaign=campaign, stage=stage)
            content = selectors.collaboration_content(organization=org,
                                                      collaboration=collaboration)  # fmt: skip
            assert content and all(i.deliverable.status in ("approved", "live") for i in content)
        published = Collaboration.objects.get(campaign=campaign, stage=Stage.PUBLISHED)
        posts = LivePost.objects.filter(deliverable__collaboration=published)
        assert posts.exists() and all(p.reach > 0 and p.screenshot for p in posts)
