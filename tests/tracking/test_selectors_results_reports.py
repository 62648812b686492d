"""Results reads: the organization overview, a creator's results, conversions with their
credit, overlaps and code-leak flags, on rows written with the ORM."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import PaymentItem
from campaigns.selectors import organization_today
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tests.tracking.results_world import credit, order, results_world, rollup
from tracking.selectors import creator_results, leaks, ledger, overview, reports

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def test_overview_rows_headline_by_objective_and_totals_per_currency(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        leads = make_campaign(org, name="Webinar", objective="lead_generation", currency="EUR")
        rollup(org, make_collaboration(org, leads), world.day, clicks=50, leads=5,
               cost=Decimal("100.00"), currency="EUR")  # fmt: skip
        data = overview.campaign_overview(organization=org)
    rows = {r.campaign.name: r for r in data.rows}
    glow = {h["metric"]: h["display"] for h in rows["Glow launch"].headline}
    # Sales: revenue, conversions, CPA (500 / 5), ROAS (500 / 500).
    assert glow == {"revenue": "500.00 USD", "conversions": "5", "cpa": "100.00 USD",
                    "roas": "1.00×"}  # fmt: skip
    webinar = {h["metric"]: h["display"] for h in rows["Webinar"].headline}
    assert webinar == {"leads": "5", "cost_per_lead": "20.00 EUR",
                       "landing_conversion_rate": "10.0%"}  # fmt: skip
    # Dollars and euros are never added together.
    assert set(data.totals) == {"USD", "EUR"}
    assert data.totals["USD"].totals.clicks == 150 and data.totals["EUR"].totals.clicks == 50


def test_overview_date_range_and_empty_campaign_reads_dash(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        make_campaign(org, name="Nothing yet")
        data = overview.campaign_overview(organization=org, date_from=world.day,
                                          date_to=world.day)  # fmt: skip
    rows = {r.campaign.name: r for r in data.rows}
    assert rows["Glow launch"].kpis.totals.clicks == 130  # the 11th is outside the range
    assert {h["display"] for h in rows["Nothing yet"].headline} >= {"—"}


def test_overview_queries_do_not_grow_with_campaigns(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        results_world(org, name="One")
        with CaptureQueriesContext(connection) as small:
            overview.campaign_overview(organization=org)
        for n in range(3):
            results_world(org, name=f"More {n}", suffix=f"X{n}")
        with CaptureQueriesContext(connection) as large:
            assert len(overview.campaign_overview(organization=org).rows) == 4
    # The campaigns, their rollups, and their spend allocated to no creator.
    assert len(small) == len(large) == 3


def test_overview_cost_includes_campaign_spend_allocated_to_no_creator(tenant_a):
    from campaigns.models import CampaignExpense

    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org, name="Spend")
        before = {r.campaign.pk: r.kpis.totals.cost
                  for r in overview.campaign_overview(organization=org).rows}  # fmt: skip
        campaign = world.alice.campaign
        CampaignExpense.objects.create(
            organization=org, campaign=campaign, category="amplification",
            description="Ads for the whole campaign", amount="40.00",
            incurred_on=timezone.localdate(),
        )  # fmt: skip
        after = {r.campaign.pk: r.kpis.totals.cost
                 for r in overview.campaign_overview(organization=org).rows}  # fmt: skip
    assert after[campaign.pk] - before[campaign.pk] == 40


def test_creator_results_per_campaign_with_links_codes_and_commission(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        rows = creator_results.creator_results(organization=org,
                                               creator_id=world.alice.creator_id)  # fmt: skip
        commission_rows = PaymentItem.objects.filter(collaboration=world.alice, kind="commission")
        assert commission_rows.count() == 1
    assert len(rows) == 1
    row = rows[0]
    assert row.campaign == world.campaign
    assert (row.kpis.totals.clicks, row.kpis.conversions) == (120, 5)
    assert row.kpis.totals.revenue == Decimal("500.00")
    assert row.kpis.cpa == Decimal("40")  # 200 / 5
    assert row.kpis.roas == Decimal("2.5")
    assert [c.code for c in row.codes] == ["ALICE10"]
    assert [link.platform for link in row.links] == ["instagram"]
    assert [(c.item.percent, c.accrued) for c in row.commissions] == [
        (Decimal("10.00"), Decimal("50.00"))
    ]


def test_creator_results_queries_do_not_grow_with_campaigns(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        creator = world.alice.creator
        with CaptureQueriesContext(connection) as one:
            creator_results.creator_results(organization=org, creator_id=creator.pk)
        for n in range(3):
            make_collaboration(org, make_campaign(org, name=f"Extra {n}"), creator=creator)
        with CaptureQueriesContext(connection) as four:
            assert len(creator_results.creator_results(organization=org,
                                                       creator_id=creator.pk)) == 4  # fmt: skip
    assert len(one) == len(four) == 5


def test_conversions_carry_their_standing_credit(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        kept = order(org, "#1001", codes=["ALICE10"])
        credit(org, kept, world.alice, rule="code")
        withdrawn = order(org, "#1002")
        first = credit(org, withdrawn, world.bob, rule="click")
        credit(org, withdrawn, world.bob, rule="click", kind="reversal", reverses=first)
        order(org, "#1003")
        rows = {c.name: c for c in ledger.conversion_list(organization=org)}
        in_campaign = [c.name for c in ledger.conversion_list(organization=org,
                                                              campaign=world.campaign)]  # fmt: skip
    assert (rows["#1001"].credit_rule, rows["#1001"].credit_creator_name) == ("code", "Alice Derm")
    assert rows["#1002"].credit_rule is None and rows["#1003"].credit_rule is None
    assert in_campaign == ["#1001"]


def test_overlaps_list_competing_collaborations_only(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        now = timezone.now().isoformat()
        contested = order(org, "#2001", codes=["ALICE10"])
        credit(org, contested, world.alice, rule="code", candidates=[
            {"collaboration_id": world.alice.pk, "rule": "code", "at": now},
            {"collaboration_id": world.bob.pk, "rule": "click", "at": now},
        ])  # fmt: skip
        # Two candidates of the same collaboration (its click and its code): no overlap.
        alone = order(org, "#2002", codes=["ALICE10"])
        credit(org, alone, world.alice, rule="code", candidates=[
            {"collaboration_id": world.alice.pk, "rule": "code", "at": now},
            {"collaboration_id": world.alice.pk, "rule": "click", "at": now},
        ])  # fmt: skip
        overlaps = ledger.overlap_list(organization=org, campaign=world.campaign)
    assert [o.conversion.name for o in overlaps] == ["#2001"]
    (overlap,) = overlaps
    assert overlap.winner.collaboration == world.alice and overlap.winner.rule == "code"
    assert [(c.collaboration, c.rule) for c in overlap.others] == [(world.bob, "click")]
    assert overlap.standing


def test_overlap_candidate_of_another_organization_resolves_to_nothing(tenant_a, tenant_b):
    with tenant_b.context():
        foreign = results_world(tenant_b.organization)
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        contested = order(org, "#3001")
        credit(org, contested, world.alice, rule="click", candidates=[
            {"collaboration_id": world.alice.pk, "rule": "click", "at": ""},
            {"collaboration_id": foreign.bob.pk, "rule": "code", "at": ""},
        ])  # fmt: skip
        (overlap,) = ledger.overlap_list(organization=org)
    assert overlap.others[0].collaboration is None


def _redemptions(org, code, n, *, start, every, **fields):
    for i in range(n):
        order(org, f"#{code}-{next(_seq)}", codes=[code.lower()],
              at=start + every * i, **fields)  # fmt: skip


def test_leak_flags_countries_burst_and_source(tenant_a):
    org = tenant_a.organization
    base = timezone.now() - datetime.timedelta(days=3)
    with tenant_a.context():
        world = results_world(org)
        # Alice's audience is US/GB/CA: 6 orders to Germany and Brazil, spread over days,
        # 5 of them from one coupon site.
        _redemptions(org, "ALICE10", 4, start=base, every=datetime.timedelta(hours=7),
                     country="DE", referral="https://www.dealz.example/codes")  # fmt: skip
        _redemptions(org, "ALICE10", 1, start=base + datetime.timedelta(minutes=5),
                     every=datetime.timedelta(hours=9), country="BR",
                     referral="dealz.example")  # fmt: skip
        _redemptions(org, "ALICE10", 2, start=base + datetime.timedelta(days=1),
                     every=datetime.timedelta(hours=5), country="US")  # fmt: skip
        # Bob's code: a rush of 5 within 20 minutes, no country rule (no audience data).
        _redemptions(org, "BOB10", 5, start=base, every=datetime.timedelta(minutes=5),
                     country="FR", utm_source="youtube")  # fmt: skip
        flags = {f.code.code: f for f in leaks.leak_flags(organization=org,
                                                          campaign=world.campaign)}  # fmt: skip
    alice = {r.kind: r.message for r in flags["ALICE10"].reasons}
    assert set(alice) == {"countries", "source"}
    assert alice["countries"].startswith("5 of 7 redemptions shipped outside")
    assert "(US, GB, CA)" in alice["countries"] and "DE (4)" in alice["countries"]
    assert alice["source"] == "5 of 5 redemptions with a known source came from dealz.example."
    bob = {r.kind: r.message for r in flags["BOB10"].reasons}
    # Youtube is Bob's own platform: a rush, but not a foreign source.
    assert set(bob) == {"burst"} and bob["burst"].startswith("5 redemptions within 20 minutes")


def test_no_leak_flag_for_a_code_used_by_its_audience(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        _redemptions(org, "ALICE10", 8, start=timezone.now() - datetime.timedelta(days=9),
                     every=datetime.timedelta(days=1), country="US",
                     utm_source="instagram")  # fmt: skip
        cancelled = order(org, "#cancel", codes=["BOB10"], cancelled_at=timezone.now())
        assert cancelled.cancelled_at
        assert leaks.leak_flags(organization=org, campaign=world.campaign) == []


def test_leak_flags_never_read_another_organizations_orders(tenant_a, tenant_b):
    with tenant_b.context():
        results_world(tenant_b.organization)
        _redemptions(tenant_b.organization, "ALICE10", 6, start=timezone.now(),
                     every=datetime.timedelta(minutes=1), country="DE")  # fmt: skip
    with tenant_a.context():
        results_world(tenant_a.organization)
        assert leaks.leak_flags(organization=tenant_a.organization) == []


def test_creator_without_campaigns_has_no_results(tenant_a):
    with tenant_a.context():
        creator = make_creator(tenant_a.organization)
        assert creator_results.creator_results(organization=tenant_a.organization,
                                               creator_id=creator.pk) == []  # fmt: skip


def test_report_range_of_a_finished_campaign_runs_to_its_attribution_window(tenant_a):
    org = tenant_a.organization
    today = organization_today(org)
    with tenant_a.context():
        ended = make_campaign(org, start_date=today - datetime.timedelta(days=60),
                              end_date=today - datetime.timedelta(days=40),
                              attribution_window_days=30)  # fmt: skip
        assert reports.report_range(org, ended, None, None) == (
            today - datetime.timedelta(days=60),
            today - datetime.timedelta(days=10),
        )
        recent = make_campaign(org, start_date=today - datetime.timedelta(days=20),
                               end_date=today - datetime.timedelta(days=5))  # fmt: skip
        assert reports.report_range(org, recent, None, None)[1] == today
        # A long campaign plus its window runs past the report's limit: the default takes
        # its last MAX_DAYS days instead of refusing; a range asked for is still refused.
        long = make_campaign(org, start_date=today - datetime.timedelta(days=400),
                             end_date=today - datetime.timedelta(days=60),
                             attribution_window_days=30)  # fmt: skip
        start, end = reports.report_range(org, long, None, None)
        assert end == today - datetime.timedelta(days=30)
        assert (end - start).days + 1 == reports.MAX_DAYS
        with pytest.raises(ValidationError):
            reports.report_range(org, long, long.start_date, None)
