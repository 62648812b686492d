"""Organization A's PDF report (ready, with its file) and an overlap, for the cross-tenant
sweep and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from campaigns.models import Campaign, Collaboration
from tests.creators.factories import make_creator
from tracking.models import AttributionEntry, CampaignReport, Conversion


def values(tenant) -> dict:
    org = tenant.organization
    with tenant.context():
        campaign = Campaign.objects.get(name="Zebracorn secret campaign")
        today = timezone.localdate()
        name = f"tracking/reports/{org.pk}/campaign-{campaign.pk}-report-sweep.pdf"
        report = CampaignReport.objects.create(
            organization=org, campaign=campaign, date_from=today - datetime.timedelta(days=6),
            date_to=today, status="ready", rendered_at=timezone.now(),
            file=default_storage.save(name, ContentFile(b"%PDF-1.7 zebracorn")),
        )  # fmt: skip
        winner = Collaboration.objects.filter(campaign=campaign).earliest("id")
        rival = Collaboration.objects.create(
            organization=org, campaign=campaign,
            creator=make_creator(org, name="Zebracorn Overlap Rival"),
        )  # fmt: skip
        conversion = Conversion.objects.get(name="#ZEBRA-SECRET-ORDER")
        AttributionEntry.objects.filter(conversion=conversion, kind="credit").update(
            evidence={"code": "ZEBRASECRET77", "candidates": [
                {"collaboration_id": winner.pk, "rule": "code", "at": ""},
                {"collaboration_id": rival.pk, "rule": "click", "at": ""},
            ]},
        )  # fmt: skip
    return {"report_id": report.pk, "secrets": ["Zebracorn Overlap Rival"]}
