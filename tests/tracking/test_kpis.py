"""The KPI definitions of METRICS.md on worked examples, and the rollup reader that feeds
them (one grouped query; other currencies kept apart)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.campaigns.factories import make_campaign, make_collaboration
from tracking import kpis
from tracking.kpis import Totals
from tracking.models import DailyRollup
from tracking.selectors import results
from tracking.selectors.results import rollup_totals
from tracking.services.rollups import rollups_derive


def test_ratios_on_a_worked_example():
    totals = Totals(clicks=400, impressions=20_000, conversions=20, leads=50, reach=10_000,
                    engagements=700, rated_engagements=700, cost=Decimal("1000"),
                    revenue=Decimal("3500"), new_customers=8)  # fmt: skip
    sales = kpis.kpis(totals, objective="sales")
    assert sales.ctr == Decimal("0.02")
    assert sales.conversion_rate == Decimal("0.05")
    assert sales.cpa == Decimal("50")
    assert sales.cpa_new_customer == Decimal("125")
    assert sales.roas == Decimal("3.5")
    assert sales.roi == Decimal("2.5")
    assert sales.engagement_rate == Decimal("0.07")
    leadgen = kpis.kpis(totals, objective="lead_generation")
    assert leadgen.conversions == 50
    assert leadgen.cpa == Decimal("20")
    assert leadgen.value("cost_per_lead") == Decimal("20")
    assert leadgen.value("landing_conversion_rate") == Decimal("0.125")


def test_zero_denominators_are_dashes_not_zero():
    empty = kpis.kpis(Totals(revenue=Decimal("10")), objective="sales")
    assert empty.roas is None and empty.ctr is None and empty.cpa is None
    assert kpis.display(empty.roas, "ratio") == "—"
    assert kpis.display(Decimal("0.1234"), "percent") == "12.3%"
    assert kpis.display(Decimal("3.456"), "ratio") == "3.46×"
    assert kpis.display(Decimal("1234.5"), "money", "USD") == "1,234.50 USD"


def test_engagement_rate_falls_back_to_followers_and_says_so():
    by_followers = kpis.kpis(Totals(engagements=50, rated_engagements=50, followers=1000),
                             objective="awareness")  # fmt: skip
    assert by_followers.engagement_rate == Decimal("0.05")
    assert by_followers.engagement_rate_by_followers
    assert by_followers.engagement_rate_label == "by followers"
    by_reach = kpis.kpis(Totals(engagements=5, rated_engagements=5, reach=10), objective="")
    assert not by_reach.engagement_rate_by_followers and by_reach.engagement_rate_label == ""


def test_engagement_rate_divides_each_post_by_its_own_denominator():
    """Worked example: post A has reach 1,000 and 100 engagements; post B (a YouTube video,
    no reach) 60 engagements and 2,000 followers at posting; post C 40 engagements and
    neither. Rate = (100 + 60) / (1,000 + 2,000) = 5.33 %, labelled partly by followers;
    C adds to engagements but to no rate. Dividing all 200 by A's reach alone (20 %) is
    the inflation this avoids."""
    totals = Totals(engagements=200, rated_engagements=160, reach=1_000, followers=2_000)
    k = kpis.kpis(totals, objective="awareness")
    assert k.engagement_rate == Decimal(160) / Decimal(3000)
    assert kpis.display(k.engagement_rate, "percent") == "5.3%"
    assert k.engagement_rate_label == "partly by followers"
    assert kpis.kpis(Totals(engagements=40), objective="").engagement_rate is None


def test_pace_is_actual_over_expected_by_today():
    assert kpis.pace(50, 100, elapsed_days=10, total_days=20) == Decimal("1")
    assert kpis.pace(25, 100, elapsed_days=10, total_days=20) == Decimal("0.5")
    assert kpis.pace(25, 100, elapsed_days=0, total_days=20) is None


def test_targets_scale_percentages_and_pace_only_what_adds_up():
    # CTR target typed as 2.5 (%) against a CTR of 0.025: on target.
    ctr = kpis.target_figures("ctr", Decimal("0.025"), Decimal("2.5"), elapsed_days=5,
                              total_days=10)  # fmt: skip
    assert (ctr.progress, ctr.pace, ctr.met) == (Decimal("1"), None, True)
    # Revenue adds up over the campaign: half the target by half time is on pace.
    revenue = kpis.target_figures("revenue", Decimal("500"), Decimal("1000"),
                                  elapsed_days=5, total_days=10)  # fmt: skip
    assert (revenue.progress, revenue.pace, revenue.met) == (Decimal("0.5"), Decimal("1"), False)
    # A multiple (ROAS) is a rate: no pace.
    assert kpis.target_figures("roas", Decimal("3"), Decimal("2"), elapsed_days=5,
                               total_days=10).pace is None  # fmt: skip
    assert kpis.kpis(Totals(clicks=7), objective="sales").value("website_traffic") == 7


@pytest.mark.parametrize("metric", ["cpa", "cost_per_lead"])
def test_cost_targets_are_met_at_or_below_and_progress_reads_target_over_actual(metric):
    # A cost at twice its target is half way there, not 200 %.
    over = kpis.target_figures(metric, Decimal("40"), Decimal("20"), elapsed_days=5,
                               total_days=10)  # fmt: skip
    assert (over.progress, over.pace, over.met, over.lower_is_better) == (
        Decimal("0.5"), None, False, True)  # fmt: skip
    under = kpis.target_figures(metric, Decimal("10"), Decimal("20"), elapsed_days=5,
                                total_days=10)  # fmt: skip
    assert (under.progress, under.met) == (Decimal("2"), True)
    # No conversions yet: the cost per conversion is "—", so is whether it is met.
    none = kpis.target_figures(metric, None, Decimal("20"), elapsed_days=5, total_days=10)
    assert (none.progress, none.met) == (None, None)


@pytest.mark.django_db
def test_rollup_totals_groups_and_keeps_other_currencies_apart(tenant_a, django_assert_num_queries):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, currency="USD")
        one = make_collaboration(org, campaign)
        two = make_collaboration(org, campaign)
        day = datetime.date(2026, 11, 20)
        rows = [
            (one, day, "instagram", "", {"clicks": 10, "unique_clicks": 8}),
            (one, day, "", "USD", {"conversions": 2, "revenue": Decimal("100")}),
            (one, day, "", "EUR", {"conversions": 1, "revenue": Decimal("40")}),
            (two, day + datetime.timedelta(days=1), "tiktok", "", {"clicks": 5}),
        ]
        for collaboration, d, platform, currency, figures in rows:
            DailyRollup.objects.create(organization=org, campaign=campaign, day=d,
                                       collaboration=collaboration, platform=platform,
                                       currency=currency, **figures)  # fmt: skip
        with django_assert_num_queries(1):
            total = rollup_totals(organization=org, campaign_ids=[campaign.pk])[None]
        assert (total.clicks, total.conversions, total.revenue) == (15, 3, Decimal("100"))
        assert total.other_revenue == {"EUR": Decimal("40")}
        by_collab = rollup_totals(organization=org, group_by="collaboration",
                                  campaign_ids=[campaign.pk])  # fmt: skip
        assert by_collab[one.pk].clicks == 10 and by_collab[two.pk].clicks == 5
        first_day = rollup_totals(organization=org, campaign_ids=[campaign.pk], date_to=day)
        assert first_day[None].clicks == 10
        tiktok = rollup_totals(organization=org, campaign_ids=[campaign.pk], platform="tiktok")
        assert tiktok[None].clicks == 5 and tiktok[None].revenue == 0


@pytest.mark.django_db
def test_leaderboard_lists_every_collaboration_and_series_fills_empty_days(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, currency="USD")
        one = make_collaboration(org, campaign)
        two = make_collaboration(org, campaign)
        day = datetime.date(2026, 11, 20)
        DailyRollup.objects.create(organization=org, campaign=campaign, collaboration=one,
                                   day=day, currency="USD", conversions=2,
                                   revenue=Decimal("90"), cost=Decimal("30"))  # fmt: skip
        rollups_derive(organization=org, collaboration_days=[(one.pk, day)])
        rows = {r["collaboration"].pk: r["kpis"] for r in results.leaderboard(
            organization=org, campaign=campaign)}  # fmt: skip
        assert rows[one.pk].roas == Decimal("3") and rows[two.pk].roas is None
        series = results.daily_series(organization=org, campaign_ids=[campaign.pk],
                                      date_from=day - datetime.timedelta(days=1),
                                      date_to=day + datetime.timedelta(days=1))  # fmt: skip
        assert [t.conversions for _, t in series] == [0, 2, 0]
