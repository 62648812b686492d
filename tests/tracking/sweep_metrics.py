"""Organization A's transcript and metric pull state on its live post, a hand-entered
snapshot and a share-of-voice keyword of the content campaign, for the cross-tenant sweep
and the RLS test (see tests/tenant_world.py). The metric routes' parameters (campaign_id,
live_post_id, snapshot_id, keyword_id) are filled by sweep_campaigns, sweep_content and
sweep_conversions."""

from __future__ import annotations

import datetime

from django.utils import timezone

from campaigns.models import LivePost
from tracking.models import ContentMetricPull
from tracking.services import metrics as services


def values(tenant) -> dict:
    org = tenant.organization
    with tenant.context():
        post = LivePost.objects.select_related("deliverable__collaboration__campaign").earliest(
            "id"
        )
        services.live_post_transcript_set(organization=org, live_post=post,
                                          text="Zebracorn secret transcript words")  # fmt: skip
        services.metric_snapshot_enter(
            organization=org, live_post=post, source="creator", by=tenant.owner,
            observed_at=timezone.now() - datetime.timedelta(hours=1),
            figures={"impressions": "8675309"}, note="Zebracorn secret snapshot note",
        )  # fmt: skip
        services.voice_keyword_create(
            organization=org, campaign=post.deliverable.collaboration.campaign,
            keyword="zebracornsecretrival", is_brand=False, label="Zebracorn secret rival",
        )  # fmt: skip
        ContentMetricPull.objects.create(
            organization=org, live_post=post, platform="youtube", external_id="zebraSecret1",
            error="Zebracorn secret pull error",
        )  # fmt: skip
    return {
        "secrets": [
            "Zebracorn secret transcript", "8675309", "Zebracorn secret snapshot note",
            "zebracornsecretrival", "zebraSecret1", "Zebracorn secret pull error",
        ],
    }  # fmt: skip
