"""The campaign Results tab: figures from the rollups, filters that validate, the
leaderboard's server-side sort, and a query count that does not grow with creators or
days."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import KpiTarget
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.tracking.rollup_world import build_campaign, random_events
from tracking.models import DailyRollup
from tracking.services.rollups import rollups_derive, rollups_refresh


def url(org, campaign, **query):
    from urllib.parse import urlencode

    base = reverse("campaign_results", args=[org.slug, campaign.pk])
    return f"{base}?{urlencode(query)}" if query else base


@pytest.mark.django_db
def test_results_page_shows_rollup_figures_targets_and_other_currencies(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=2)
        KpiTarget.objects.create(organization=org, campaign=campaign, metric="revenue",
                                 target_value=Decimal("1000"))  # fmt: skip
        random_events(org, campaign, collabs, rng=random.Random(3), clicks=80)
    rollups_refresh(organization=org)
    with tenant_a.context():
        clicks = sum(r.clicks for r in DailyRollup.objects.all())
    response = tenant_a.client("viewer").get(url(org, campaign, date_from="2000-01-01"))
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        f'data-kpi="clicks"><span class="stat__label">Clicks</span> <strong class="stat__value">{clicks:,}<'
        in body
    )
    assert 'data-target="revenue"' in body
    assert "not converted" in body and "EUR" in body
    assert body.count("data-collaboration=") == 2
    assert "vendor/chart.umd.min.js" in body and 'hx-trigger="every 20s"' in body


@pytest.mark.django_db
def test_bad_filters_are_shown_invalid_not_a_500(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
    client = tenant_a.client()
    response = client.get(url(org, campaign, date_from="2024-13-45", platform="myspace",
                              sort="id; DROP TABLE x"))  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-error="date_from"' in body and 'data-error="platform"' in body
    response = client.get(url(org, campaign, date_from="2024-05-02", date_to="2024-05-01"))
    assert 'data-error="date_to"' in response.content.decode()


@pytest.mark.django_db
def test_leaderboard_sorts_on_the_server_and_filters_by_platform(tenant_a):
    org = tenant_a.organization
    day = datetime.date(2025, 3, 3)
    with tenant_a.context():
        campaign = make_campaign(org)
        low, high = (make_collaboration(org, campaign) for _ in range(2))
        for collaboration, clicks, platform in ((low, 5, "instagram"), (high, 50, "tiktok")):
            DailyRollup.objects.create(organization=org, campaign=campaign,
                                       collaboration=collaboration, day=day, platform=platform,
                                       clicks=clicks)  # fmt: skip
        rollups_derive(organization=org, collaboration_days=[(low.pk, day), (high.pk, day)])
    client = tenant_a.client()
    q = {"date_from": "2025-03-01", "date_to": "2025-03-05"}
    body = client.get(url(org, campaign, sort="clicks", desc="on", **q)).content.decode()
    assert body.index(f'data-collaboration="{high.pk}"') < body.index(
        f'data-collaboration="{low.pk}"'
    )
    body = client.get(url(org, campaign, sort="clicks", desc="", **q)).content.decode()
    assert body.index(f'data-collaboration="{low.pk}"') < body.index(
        f'data-collaboration="{high.pk}"'
    )
    body = client.get(url(org, campaign, platform="instagram", **q)).content.decode()
    assert 'class="stat__value">5<' in body
    # htmx asks for the body only.
    fragment = client.get(url(org, campaign, **q), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("{#") is False and "<html" not in fragment
    assert 'id="dashboard-body"' in fragment


def _seed(org, campaign, collaborations: int, days: int):
    rows = []
    for n in range(collaborations):
        collaboration = make_collaboration(org, campaign)
        for d in range(days):
            rows.append(DailyRollup(organization=org, campaign=campaign,
                                    collaboration=collaboration,
                                    day=datetime.date(2025, 1, 1) + datetime.timedelta(days=d),
                                    platform="instagram", currency="USD", clicks=n + d,
                                    revenue=Decimal(d)))  # fmt: skip
    DailyRollup.objects.bulk_create(rows)
    rollups_derive(organization=org,
                   collaboration_days=[(r.collaboration_id, r.day) for r in rows])  # fmt: skip


@pytest.mark.django_db
def test_query_count_does_not_grow_with_creators_or_days(tenant_a, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org = tenant_a.organization
    with tenant_a.context():
        small = make_campaign(org, start_date=datetime.date(2025, 1, 1),
                              end_date=datetime.date(2025, 3, 31))  # fmt: skip
        large = make_campaign(org, start_date=datetime.date(2025, 1, 1),
                              end_date=datetime.date(2025, 3, 31))  # fmt: skip
        _seed(org, small, 1, 1)
        _seed(org, large, 50, 60)
    client = tenant_a.client()
    client.get(url(org, small))  # warm session and caches
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(url(org, small)).status_code == 200
    with django_assert_num_queries(len(small_queries)):
        response = client.get(url(org, large))
    assert response.content.decode().count("data-collaboration=") == 50


@pytest.mark.django_db
def test_the_leaderboard_shows_fifty_creators_a_page_ranked_across_all(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, start_date=datetime.date(2025, 1, 1),
                                 end_date=datetime.date(2025, 1, 31))  # fmt: skip
        _seed(org, campaign, 60, 1)  # creator n has n clicks
    client = tenant_a.client()
    first = client.get(url(org, campaign, sort="clicks", desc="on")).content.decode()
    second = client.get(url(org, campaign, sort="clicks", desc="on", page=2)).content.decode()
    assert first.count("data-collaboration=") == 50 and second.count("data-collaboration=") == 10
    assert "1–50 of 60 creators" in first and "51–60 of 60 creators" in second
    # Ranked over all 60 before paging: page 2 holds the ten with the fewest clicks.
    import re

    clicks = [int(c) for c in re.findall(r"data-collaboration=\S+>\s*<td>[^<]*</td><td>(\d+)</td>",
                                         second)]  # fmt: skip
    assert sorted(clicks) == list(range(10))
    junk = client.get(url(org, campaign, page="zero"))
    assert junk.status_code == 200 and junk.content.decode().count("data-collaboration=") == 50


@pytest.mark.django_db
def test_campaign_cost_includes_spend_allocated_to_no_creator(tenant_a):
    """METRICS.md: campaign cost = the collaborations' costs + unallocated campaign spend."""
    from campaigns.models import CampaignExpense
    from tracking.selectors.dashboard import campaign_dashboard, dashboard_filters

    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, start_date=datetime.date(2025, 1, 1),
                                 end_date=datetime.date(2025, 1, 31))  # fmt: skip
        _seed(org, campaign, 1, 11)  # revenue 0 + 1 + … + 10 = 55 over Jan 1–11
        CampaignExpense.objects.create(
            organization=org, campaign=campaign, category="amplification",
            description="Whitelisted ads, whole campaign", amount=Decimal("11.00"),
            incurred_on=datetime.date(2025, 1, 5),
        )  # fmt: skip
        today = datetime.date(2025, 1, 31)
        filters, _ = dashboard_filters(campaign=campaign, data={}, today=today)
        board = campaign_dashboard(organization=org, campaign=campaign, filters=filters,
                                   today=today)  # fmt: skip
        assert board.kpis.totals.cost == Decimal("11.00")
        assert board.kpis.roas == Decimal("5")
        costs = {day: k.totals.cost for day, k in board.series if k.totals.cost}
        assert costs == {datetime.date(2025, 1, 5): Decimal("11.00")}
        # A platform filter leaves campaign-wide spend out: it has no platform.
        only_tiktok, _ = dashboard_filters(campaign=campaign, data={"platform": "tiktok"},
                                           today=today)  # fmt: skip
        assert campaign_dashboard(organization=org, campaign=campaign, filters=only_tiktok,
                                  today=today).kpis.totals.cost == 0  # fmt: skip


@pytest.mark.django_db
def test_finished_campaign_shows_orders_credited_in_its_attribution_window(tenant_a):
    from tracking.selectors.dashboard import campaign_dashboard, dashboard_filters

    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, start_date=datetime.date(2025, 1, 1),
                                 end_date=datetime.date(2025, 1, 5),
                                 attribution_window_days=3)  # fmt: skip
        _seed(org, campaign, 1, 11)  # revenue d on Jan 1 + d; late orders after Jan 5
        today = datetime.date(2025, 3, 1)
        filters, _ = dashboard_filters(campaign=campaign, data={}, today=today)
        assert (filters.date_from, filters.date_to) == (datetime.date(2025, 1, 1),
                                                        datetime.date(2025, 1, 8))  # fmt: skip
        board = campaign_dashboard(organization=org, campaign=campaign, filters=filters,
                                   today=today)  # fmt: skip
        assert board.kpis.totals.revenue == Decimal(0 + 1 + 2 + 3 + 4 + 5 + 6 + 7)
        # While the window is still open, the range ends today.
        filters, _ = dashboard_filters(campaign=campaign, data={},
                                       today=datetime.date(2025, 1, 7))  # fmt: skip
        assert filters.date_to == datetime.date(2025, 1, 7)


@pytest.mark.django_db
def test_a_cpa_target_reads_as_not_met_when_the_cpa_is_above_it(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, start_date=datetime.date(2025, 1, 1),
                                 end_date=datetime.date(2025, 1, 31))  # fmt: skip
        for metric, value in (("cpa", "50"), ("conversions", "2")):
            KpiTarget.objects.create(organization=org, campaign=campaign, metric=metric,
                                     target_value=Decimal(value))  # fmt: skip
        collaboration = make_collaboration(org, campaign)
        DailyRollup.objects.create(organization=org, campaign=campaign,
                                   collaboration=collaboration, day=datetime.date(2025, 1, 2),
                                   platform="instagram", currency="USD", conversions=2,
                                   cost=Decimal("200.00"))  # fmt: skip
        rollups_derive(organization=org,
                       collaboration_days=[(collaboration.pk, datetime.date(2025, 1, 2))])  # fmt: skip
    body = tenant_a.client("viewer").get(url(org, campaign)).content.decode()
    # CPA 100 against a target of at most 50: not met, half way (not 200 %).
    cpa = body[body.index('data-target="cpa"') :].split("</tr>")[0]
    assert "at most 50.00 USD" in cpa and "100.00 USD" in cpa
    assert 'data-met="no">Not met<' in cpa and "50.0%" in cpa and "200.0%" not in cpa
    conversions = body[body.index('data-target="conversions"') :].split("</tr>")[0]
    assert 'data-met="yes">Met<' in conversions and "100.0%" in conversions


@pytest.mark.django_db
def test_visitors_are_labelled_visitor_days_as_they_are_counted(tenant_a):
    """One visitor on two days is 2: a day's distinct visitors, summed over the days.
    METRICS.md defines no "unique visitors", so the page and the exports say what it is."""
    import uuid

    from django.utils import timezone

    from tests.tracking.rollup_world import copy_clicks
    from tracking.models import TrackingLink

    org = tenant_a.organization
    with tenant_a.context():
        campaign, collabs = build_campaign(org, collaborations=1)
        link = TrackingLink.objects.filter(platform="instagram").first()
    now = timezone.now()
    copy_clicks([{"click_id": uuid.uuid4().hex, "org": org.pk, "link": link.pk,
                  "at": (now - datetime.timedelta(days=days)).isoformat(), "visitor": "same",
                  "ua": "mobile", "ref": "", "unique": True} for days in (0, 2)],
                "visitor-days")  # fmt: skip
    rollups_refresh(organization=org)
    client = tenant_a.client("viewer")
    query = {"date_from": (now - datetime.timedelta(days=5)).date().isoformat(),
             "date_to": now.date().isoformat()}  # fmt: skip
    body = client.get(url(org, campaign, **query)).content.decode()
    assert "Unique visitors" not in body
    assert ('data-kpi="unique_clicks"><span class="stat__label">Visitor-days</span> '
            '<strong class="stat__value">2<') in body  # fmt: skip
    args = [org.slug, campaign.pk]
    board = client.get(reverse("campaign_leaderboard_csv", args=args), query)
    header, row = board.content.decode().splitlines()[:2]
    assert "unique_clicks" not in header
    assert dict(zip(header.split(","), row.split(","), strict=True))["visitor_days"] == "2"


@pytest.mark.django_db
def test_a_platform_filter_keeps_unambiguous_code_sales_and_names_what_it_leaves_out(tenant_a):
    """A code credit takes the collaboration's platform when it is on one only; the rest
    (a creator on two platforms, and all cost) is tied to no platform, and a filtered
    dashboard says what it leaves out rather than showing a bare "—"."""
    from django.utils import timezone

    from tests.campaigns.factories import agreed_collaboration
    from tracking import services
    from tracking.models import AttributionEntry
    from tracking.services.conversions import ConversionInput, conversion_record

    org = tenant_a.organization
    now = timezone.now()
    with tenant_a.context():
        campaign = make_campaign(org, currency="USD")
        # Both have an Instagram deliverable; the second also shares a TikTok link.
        one = agreed_collaboration(org, campaign)
        two = agreed_collaboration(org, campaign)
        for collaboration, platform in ((one, "instagram"), (two, "tiktok")):
            services.tracking_link_create(
                organization=org, collaboration=collaboration, platform=platform,
                destination_url="https://shop.example/p",
            )  # fmt: skip
        services.promo_code_create(org, collaboration=one, code="ONE10")
        services.promo_code_create(org, collaboration=two, code="TWO10")
        for n, code in enumerate(("ONE10", "TWO10")):
            conversion_record(organization=org, data=ConversionInput(
                source="postback", external_id=f"o-{n}", occurred_at=now, currency="USD",
                total=Decimal("80.00"), subtotal=Decimal("80.00"), discount_codes=(code,)))  # fmt: skip
        platforms = dict(AttributionEntry.objects.values_list("collaboration_id", "platform"))
        assert platforms == {one.pk: "instagram", two.pk: ""}
    rollups_refresh(organization=org)
    client = tenant_a.client("viewer")
    day = timezone.localdate().isoformat()
    start = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    body = client.get(url(org, campaign, date_from=start, date_to=day,
                          platform="instagram")).content.decode()  # fmt: skip
    assert ('data-kpi="code_conversions"><span class="stat__label">Promo-code orders</span> '
            '<strong class="stat__value">1<') in body  # fmt: skip
    assert "data-unassigned" in body
    assert "sales and cost tied to no platform are not included" in body
    assert "1 orders (80.00 USD), of which 1 through promo codes" in body
    unfiltered = client.get(url(org, campaign, date_from=start, date_to=day)).content.decode()
    assert "data-unassigned" not in unfiltered
    api = client.get(reverse("api_campaign_dashboard", args=[org.slug, campaign.pk]),
                     {"date_from": start, "date_to": day, "platform": "instagram"})  # fmt: skip
    assert api.json()["not_included"]["code_orders"] == 1
