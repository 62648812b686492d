"""Daily rollups and dirty-day marks in the admin: listed and shown, never added or edited
(the rollup worker owns them)."""

from __future__ import annotations

import pytest
from django.test import Client

from kolhub.models import User
from tracking.models import CampaignDailyRollup, DailyRollup, RollupDirtyDay, RunningTotal
from tracking.services.rollups import rollups_derive

pytestmark = pytest.mark.django_db


def test_rollup_admin_pages_are_read_only(tenant_a):
    import datetime

    from tests.campaigns.factories import make_campaign, make_collaboration

    org = tenant_a.organization
    day = datetime.date(2025, 1, 2)
    with tenant_a.context():
        campaign = make_campaign(org)
        collaboration = make_collaboration(org, campaign)
        rollup = DailyRollup.objects.create(
            organization=org, campaign=campaign, collaboration=collaboration, day=day, clicks=3
        )
        mark = RollupDirtyDay.objects.create(organization=org, collaboration=collaboration, day=day)
        rollups_derive(organization=org, collaboration_days=[(collaboration.pk, day)])
        campaign_day = CampaignDailyRollup.objects.get(campaign=campaign)
        running = RunningTotal.objects.get(collaboration=collaboration)
    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    for model, pk in (
        ("dailyrollup", rollup.pk),
        ("rollupdirtyday", mark.pk),
        ("campaigndailyrollup", campaign_day.pk),
        ("runningtotal", running.pk),
    ):
        assert client.get(f"/admin/tracking/{model}/").status_code == 200, model
        page = client.get(f"/admin/tracking/{model}/{pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode(), model
        assert client.get(f"/admin/tracking/{model}/add/").status_code == 403, model
