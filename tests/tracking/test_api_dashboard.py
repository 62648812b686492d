"""The dashboard API: the same figures as the Results tab, 400 with field and reason for
bad filters, 404 for another organization's campaign."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from campaigns.models import KpiTarget
from tests.campaigns.factories import make_campaign, make_collaboration
from tracking.models import DailyRollup
from tracking.services.rollups import rollups_derive


def _url(org, campaign):
    return f"/api/v1/o/{org.slug}/campaigns/{campaign.pk}/dashboard/"


@pytest.mark.django_db
def test_dashboard_api_figures_and_filters(tenant_a, tenant_b):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, start_date=datetime.date(2025, 3, 1),
                                 end_date=datetime.date(2025, 3, 10))  # fmt: skip
        KpiTarget.objects.create(organization=org, campaign=campaign, metric="clicks",
                                 target_value=Decimal("100"))  # fmt: skip
        collaboration = make_collaboration(org, campaign)
        DailyRollup.objects.create(organization=org, campaign=campaign,
                                   collaboration=collaboration, day=datetime.date(2025, 3, 2),
                                   platform="tiktok", clicks=40, currency="USD",
                                   revenue=Decimal("90.00"), cost=Decimal("30.00"))  # fmt: skip
        rollups_derive(
            organization=org, collaboration_days=[(collaboration.pk, datetime.date(2025, 3, 2))]
        )
    client = tenant_a.client("viewer")
    data = client.get(_url(org, campaign)).json()
    assert data["tiles"]["Consideration"]["clicks"] == 40
    assert data["tiles"]["Return"]["roas"] == "3"
    assert data["targets"] == [{"metric": "clicks", "target": "100.0000", "actual": 40,
                                "progress": "0.4", "pace": "0.4", "met": False,
                                "lower_is_better": False}]  # fmt: skip
    # Mar 1 to the close of the 30-day attribution window after Mar 10.
    assert len(data["daily"]) == 40 and data["daily"][1]["clicks"] == 40
    assert data["leaderboard"][0]["collaboration_id"] == collaboration.pk
    assert data["leaderboard"][0]["ctr"] is None  # no impressions: "—", never 0
    filtered = client.get(_url(org, campaign), {"platform": "instagram"}).json()
    assert filtered["tiles"]["Consideration"]["clicks"] == 0

    bad = client.get(_url(org, campaign), {"date_from": "2025-02-30", "sort": "password"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"date_from", "sort"}
    assert bad.json()["errors"]["date_from"]
    bad = client.get(_url(org, campaign), {"date_from": "2025-03-05", "date_to": "2025-03-01"})
    assert bad.status_code == 400 and "before" in str(bad.json()["errors"]["date_to"])

    assert tenant_b.client().get(f"/api/v1/o/{tenant_b.organization.slug}/campaigns/"
                                 f"{campaign.pk}/dashboard/").status_code == 404  # fmt: skip
