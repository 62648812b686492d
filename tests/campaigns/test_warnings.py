"""campaigns.warnings, the extension point later apps register warning providers into:
what a provider is asked (creators, the campaign's categories plus the offer's, the
window) and that campaigns renders whatever providers return."""

from __future__ import annotations

from datetime import timedelta

import pytest

from campaigns import warnings
from campaigns.selectors import organization_today
from tests.campaigns.factories import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def recording(monkeypatch):
    """Only a recording provider registered, for the length of the test."""
    asked = []

    def provider(query):
        asked.append(query)
        return [warnings.CreatorWarning(kind="test", creator_id=c, title="Careful",
                                        message=f"<b>{c}</b>") for c in query.creator_ids]  # fmt: skip

    monkeypatch.setattr(warnings, "_providers", {"test": provider})
    return asked


def test_the_query_joins_campaign_and_offer_categories_and_spans_the_window(tenant_a, recording):
    org = tenant_a.organization
    today = organization_today(org)
    with tenant_a.context():
        campaign = make_campaign(org, target_interests=["Skin care", "wellness"],
                                 start_date=today + timedelta(days=5),
                                 end_date=today + timedelta(days=40))  # fmt: skip
        found = warnings.creator_warnings(warnings.warning_query(
            organization=org, campaign=campaign, creator_ids=[3, 2, 3],
            categories=["SKIN CARE", "haircare"], due_dates=[today + timedelta(days=70)],
            exclusivity_days=10,
        ))  # fmt: skip
    (query,) = recording
    assert query.creator_ids == (2, 3)
    assert query.categories == ("skin care", "wellness", "haircare")
    assert query.start == today + timedelta(days=5) and query.end == today + timedelta(days=70)
    assert [w.creator_id for w in found] == [2, 3]


def test_nothing_to_ask_about_asks_nobody(tenant_a, recording):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)  # no audience interests
        assert warnings.offer_warnings(organization=tenant_a.organization, campaign=campaign,
                                       creator_id=1) == []  # fmt: skip
    assert recording == []


def test_the_offer_form_renders_what_providers_return_escaped(tenant_a, recording):
    from tests.campaigns.factories import make_collaboration
    from tests.creators.factories import make_creator

    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, target_interests=["skincare"])
        creator = make_creator(org)
        collaboration = make_collaboration(org, campaign, creator=creator, stage="invited")
    page = (
        tenant_a.client()
        .get(f"/o/{org.slug}/campaigns/{campaign.pk}/collaborations/{collaboration.pk}/")
        .content.decode()
    )
    assert "data-creator-warnings" in page and 'data-warning="test"' in page
    assert f"&lt;b&gt;{creator.pk}&lt;/b&gt;" in page and f"<b>{creator.pk}</b>" not in page
