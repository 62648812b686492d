"""Reads: the budget (planned from lines, committed / spent from the cost sources), the
campaign list's stage counts, the pipeline board, the campaign's target as a fit-score
Target, and query counts that stay flat as a board grows (no N+1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import budget, selectors
from campaigns.budget import CostLine
from campaigns.models import Campaign
from campaigns.pipeline import ORDER, Stage
from creators import scoring
from tests.campaigns.factories import full_campaign, make_campaign, make_collaboration
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def test_budget_has_every_category_planned_and_nothing_committed_yet(tenant_a):
    with tenant_a.context():
        campaign = full_campaign(tenant_a.organization)
        make_collaboration(tenant_a.organization, campaign, stage=Stage.CONTRACTED)
        report = selectors.campaign_budget(organization=tenant_a.organization, campaign=campaign)
    rows = {r.category: r for r in report.rows}
    assert list(rows) == ["kol_fees", "product_cost", "shipping", "amplification", "other"]
    assert rows["kol_fees"].planned == Decimal("5000") and rows["product_cost"].planned is None
    # No offer, shipment or payment exists: nothing is committed or spent, and nothing is
    # invented to look otherwise.
    assert all(r.committed == 0 and r.spent == 0 for r in report.rows)
    assert report.total.planned == Decimal("5300") and report.total.used_percent == 0
    assert rows["other"].used_percent is None  # no plan: "—", never 0% or infinity


def test_cost_sources_feed_budget_board_and_list_alike(tenant_a, monkeypatch):
    """The seam later slices fill: a cost source's lines show up, the same, in the budget
    table, on the board's columns and cards, and in the campaign list."""
    org = tenant_a.organization
    with tenant_a.context():
        campaign = full_campaign(org)
        agreed = make_collaboration(org, campaign, stage=Stage.AGREED)
        make_collaboration(org, campaign, stage=Stage.INVITED)
    seen_ids = []

    def offers(organization, campaign_ids):
        seen_ids.append(list(campaign_ids))
        return [CostLine(campaign.pk, agreed.pk, "kol_fees", Decimal("1200"), Decimal("600"))]

    def ads(organization, campaign_ids):
        return [CostLine(campaign.pk, None, "amplification", Decimal("250"), Decimal("0"))]

    monkeypatch.setitem(budget.COST_SOURCES, "kol_fees", offers)
    monkeypatch.setitem(budget.COST_SOURCES, "amplification", ads)
    with tenant_a.context():
        report = selectors.campaign_budget(organization=org, campaign=campaign)
        board = {c.stage: c for c in selectors.pipeline_board(organization=org, campaign=campaign)}
        [listed] = selectors.campaign_list(organization=org)
    rows = {r.category: r for r in report.rows}
    assert (rows["kol_fees"].committed, rows["kol_fees"].spent) == (Decimal("1200"), Decimal("600"))
    assert rows["kol_fees"].used_percent == Decimal("24.0")
    assert (
        rows["amplification"].committed == Decimal("250") and rows["amplification"].planned is None
    )
    assert report.unallocated_committed == Decimal("250")
    assert report.total.committed == Decimal("1450")
    assert board[Stage.AGREED].committed == Decimal("1200")
    assert board[Stage.AGREED].cards[0].committed == Decimal("1200")
    assert board[Stage.INVITED].committed == 0
    assert listed.committed == Decimal("1450")
    assert all(ids == [campaign.pk] for ids in seen_ids)


def test_a_source_returning_another_category_is_a_bug(tenant_a, monkeypatch):
    with tenant_a.context():
        campaign = make_campaign(tenant_a.organization)
    monkeypatch.setitem(budget.COST_SOURCES, "shipping",
                        lambda o, ids: [CostLine(campaign.pk, None, "kol_fees")])  # fmt: skip
    with tenant_a.context(), pytest.raises(ValueError, match="shipping_costs|lambda"):
        selectors.campaign_budget(organization=tenant_a.organization, campaign=campaign)


def test_campaign_list_counts_per_stage_and_hides_archived(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = full_campaign(org, name="Live")
        for stage in (Stage.SHORTLISTED, Stage.INVITED, Stage.INVITED, Stage.DECLINED):
            make_collaboration(org, campaign, stage=stage)
        make_campaign(org, name="Old", status="archived")
        [live] = selectors.campaign_list(organization=org)
        [old] = selectors.campaign_list(organization=org, status="archived")
    counts = {stage: n for stage, _label, n in live.stages}
    assert list(counts) == list(ORDER)
    assert (counts["shortlisted"], counts["invited"], counts["declined"], counts["paid"]) == (
        1,
        2,
        1,
        0,
    )
    assert live.collaboration_count == 4 and live.planned_total == Decimal("5300")
    assert old.name == "Old" and old.planned_total is None


def test_board_has_every_column_with_cards_counts_and_moves(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        make_collaboration(org, campaign, stage=Stage.NEGOTIATING)
        make_collaboration(org, campaign, stage=Stage.NEGOTIATING)
        make_collaboration(org, campaign, stage=Stage.PAID)
        columns = selectors.pipeline_board(organization=org, campaign=campaign)
    assert [c.stage for c in columns] == list(ORDER)
    by_stage = {c.stage: c for c in columns}
    assert by_stage["negotiating"].count == 2 and by_stage["paid"].count == 1
    assert by_stage["shortlisted"].count == 0
    card = by_stage["negotiating"].cards[0]
    assert [s for s, _ in card.next_stages] == ["agreed", "declined", "cancelled"]
    assert by_stage["paid"].cards[0].next_stages == []


def test_campaign_target_is_a_fit_score_target(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, target_countries=["US"], target_ages=["25-34"],
                                 target_gender="female", target_interests=["skincare"],
                                 competitors=["DermaPure"])  # fmt: skip
        fan = make_creator(org, accounts=[{"platform": "instagram", "handle": "fan",
                                           "followers": 20000, "engagement_rate": "3",
                                           "audience_countries": {"US": 80},
                                           "brands_mentioned": ["DermaPure"]}])  # fmt: skip
    target = selectors.campaign_target(campaign)
    assert target == scoring.Target(countries=("US",), ages=("25-34",), gender="female",
                                    interests=("skincare",), competitors=("DermaPure",))  # fmt: skip
    card = scoring.scorecard(fan, target)
    assert "Worked with competitor DermaPure." in card.flags
    assert selectors.campaign_target(Campaign()).is_empty()


def _board_queries(tenant, campaign) -> int:
    client = tenant.client()
    url = f"/o/{tenant.organization.slug}/campaigns/{campaign.pk}/pipeline/"
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_board_and_list_query_counts_do_not_grow_with_rows(tenant_a, django_assert_max_num_queries):
    org, slug = tenant_a.organization, tenant_a.organization.slug
    with tenant_a.context():
        campaign = full_campaign(org)
        make_collaboration(org, campaign, stage=Stage.INVITED)
    small = _board_queries(tenant_a, campaign)
    with tenant_a.context():
        for stage in ORDER:
            make_collaboration(org, campaign, stage=stage)
            make_collaboration(org, campaign, stage=stage)
    assert _board_queries(tenant_a, campaign) == small
    client = tenant_a.client()
    with django_assert_max_num_queries(small):
        client.get(f"/o/{slug}/campaigns/{campaign.pk}/pipeline/")
    # 24: committed cost reads one query per budget source (fees, the ledger, product
    # cost, shipping, and the expenses of amplification and of other: +2), whatever the
    # number of rows.
    with django_assert_max_num_queries(24):
        client.get(f"/o/{slug}/campaigns/{campaign.pk}/collaborations/")
    # + the seeding funnel's two reads, + the Budget card's expenses (the list and the
    # creators its Add expense form offers: +2).
    with django_assert_max_num_queries(28):
        client.get(f"/o/{slug}/campaigns/{campaign.pk}/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/o/{slug}/campaigns/")
    with tenant_a.context():
        for _ in range(5):
            make_collaboration(org, full_campaign(org), stage=Stage.AGREED)
    with CaptureQueriesContext(connection) as six:
        client.get(f"/o/{slug}/campaigns/")
    assert len(six) == len(one)
    with django_assert_max_num_queries(20):
        client.get(f"/o/{slug}/campaigns/")
