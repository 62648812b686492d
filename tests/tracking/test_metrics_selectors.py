"""Content-metric reads: each figure's latest value with its provenance, the daily deltas
of cumulative figures the rollups use (worked example across days in the organization's
timezone), the snapshot history, and share of voice on worked examples (whole words,
case, accents, overlaps, date range, zero denominator)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.campaigns.factories import make_campaign
from tests.tracking.metrics_world import published_posts
from tracking.kpis import display
from tracking.mentions import MentionCounter
from tracking.models import ContentMetricSnapshot, MetricSource
from tracking.selectors import metrics as selectors
from tracking.services import metrics as services

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def api_snapshot(org, post, when, **figures):
    return services.metric_snapshot_record(organization=org, live_post=post, source="api",
                                           observed_at=when, figures=figures)  # fmt: skip


def test_each_figure_is_its_latest_report_with_its_provenance(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org, at=at(1), figures={"reach": 1000, "likes": 10})
        api_snapshot(org, post, at(2), views=5000, likes=12, comments=3)
        services.metric_snapshot_enter(organization=org, live_post=post, source="screenshot",
                                       observed_at=at(3), figures={"saves": "7"},
                                       by=tenant_a.member)  # fmt: skip

        figures = selectors.latest_metrics(org, live_posts=[post])[post.pk]
        assert {n: (f.value, f.source) for n, f in figures.figures.items()} == {
            "reach": (1000, "screenshot"), "likes": (12, "api"), "views": (5000, "api"),
            "comments": (3, "api"), "saves": (7, "screenshot"),
        }  # fmt: skip
        assert figures.figures["saves"].snapshot.recorded_by == tenant_a.member
        assert figures.figures["likes"].observed_at == at(2)
        assert figures.value("impressions") is None and figures.value("shares") is None
        assert figures.engagements == 12 + 3 + 7
        assert figures.engagement_rate == Decimal(22) / Decimal(1000)

        earlier = selectors.latest_metrics(org, live_posts=[post], at=at(1, 18))[post.pk]
        assert earlier.value("likes") == 10 and earlier.value("views") is None


def test_engagement_rate_is_undefined_without_reach(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org, figures={"likes": 5})
        figures = selectors.latest_metrics(org, live_posts=[post])[post.pk]
        assert figures.engagements == 5 and figures.engagement_rate is None
        assert display(figures.engagement_rate, "percent") == "—"


def test_latest_metrics_query_count_does_not_grow_with_posts(tenant_a, django_assert_num_queries):
    org = tenant_a.organization
    with tenant_a.context():
        one = published_posts(org, count=1)
        many = published_posts(org, count=4)
        for post in many:
            api_snapshot(org, post, at(2), views=10)
        for posts in (one, many):
            with django_assert_num_queries(8):  # seven figures and the followers
                result = selectors.latest_metrics(org, live_posts=posts)
            assert set(result) == {p.pk for p in posts}


def test_daily_deltas_of_cumulative_figures_add_up_to_the_latest(tenant_a):
    """Worked example in Tokyo time (UTC+9): the day boundary is 15:00 UTC."""
    org = tenant_a.organization
    org.timezone = "Asia/Tokyo"
    org.save(update_fields=["timezone"])
    with tenant_a.context():
        (post,) = published_posts(org, at=at(1, 3), figures={"reach": 1000, "likes": 40})
        collaboration_id = post.deliverable.collaboration_id
        api_snapshot(org, post, at(1, 16), views=500, likes=50)  # 01:00 on Mar 2 in Tokyo
        services.metric_snapshot_enter(organization=org, live_post=post, source="screenshot",
                                       observed_at=at(2, 9), figures={"reach": "1500"},
                                       by=None)  # fmt: skip
        services.metric_snapshot_enter(organization=org, live_post=post, source="creator",
                                       observed_at=at(3, 1), figures={"reach": "1400"},
                                       by=None)  # fmt: skip

        def delta(day):
            got = selectors.metric_day_deltas(
                org, collaboration_ids=[collaboration_id], day=datetime.date(2026, 3, day)
            )
            return got.get((collaboration_id, "youtube"), {})

        assert delta(1) == {"reach": 1000, "impressions": 0, "likes": 40, "comments": 0,
                            "shares": 0, "saves": 0, "views": 0, "engagements": 40}  # fmt: skip
        day2 = delta(2)
        assert (day2["reach"], day2["views"], day2["likes"], day2["engagements"]) == (
            500, 500, 10, 10,
        )  # fmt: skip
        assert delta(3)["reach"] == -100  # corrected down: kept, so the sum stays right
        assert delta(4) == {}
        assert sum(delta(d).get("reach", 0) for d in (1, 2, 3, 4)) == 1400
        totals = selectors.metric_totals_as_of(org, collaboration_ids=[collaboration_id],
                                               at=at(5))  # fmt: skip
        assert totals[(collaboration_id, "youtube")]["reach"] == 1400


def test_snapshot_history_is_newest_first_and_limited(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        (post,) = published_posts(org, at=at(1))
        for hour in range(5):
            api_snapshot(org, post, at(2, hour), views=hour)
        history = selectors.metric_snapshot_history(organization=org, live_posts=[post], limit=3)
        assert [s.views for s in history[post.pk]] == [4, 3, 2]
        assert ContentMetricSnapshot.objects.count() == 6


# --- share of voice: the counting rules --------------------------------------------------------


@pytest.mark.parametrize(
    "keywords, text, expected",
    [
        # Whole words only; punctuation and hashtags are boundaries, letters are not.
        (
            ["Nivea"],
            "Nivea, #nivea and @NIVEA! Niveaux niveas xnivea nivea_x Nivea's",
            {"nivea": 4},
        ),
        # Case-insensitive the Unicode way.
        (["Straße"], "STRASSE and strasse and Strassen", {"strasse": 2}),
        (["Ölkännchen"], "ÖLKÄNNCHEN ölkännchen", {"ölkännchen": 2}),
        # Accents are letters: "Crème" is not "creme", and é glued to a word is no boundary.
        (["Crème"], "CRÈME crème creme Crèmes", {"crème": 2}),
        (["café"], "cafés écafé café", {"café": 1}),
        # A combining accent is the same letter as the composed one, and part of the word.
        (["café"], "cafe\u0301 and cafe\u0301s", {"café": 1}),
        (["Nivea"], "Nivea\u0301", {}),
        # Typographic apostrophes equal the ASCII one; white space runs match one space.
        (["L'Oréal"], "L’ORÉAL and L'Oréal, loreal", {"l'oréal": 2}),
        (["Nivea Men"], "NIVEA\n  men", {"nivea men": 1}),
        # Overlaps: one stretch of text is one mention, for the longest keyword there.
        (["Nivea", "Nivea Men"], "Nivea Men, then Nivea", {"nivea men": 1, "nivea": 1}),
        # Non-Latin scripts.
        (["東京"], "東京 とうきょう 東京タワー", {"東京": 1}),
        (["Москва"], "МОСКВА, москва и Москвы", {"москва": 2}),
        (["Nivea"], "", {}),
    ],
)
def test_mention_counting_rules(keywords, text, expected):
    assert dict(MentionCounter(keywords).count(text)) == expected


# --- share of voice: the campaign figure ---------------------------------------------------------


def test_share_of_voice_on_a_worked_example(tenant_a):
    """Brand: "Zebra" (label Zebracorn) and "Zebra Serum"; competitors: "Nivea" + "Nivea
    Men" (label Nivea) and "Dove". Counted in approved captions and transcripts."""
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        for keyword, is_brand, label in [
            ("Zebra", True, "Zebracorn"), ("Zebra Serum", True, "Zebracorn"),
            ("Nivea", False, "Nivea"), ("Nivea Men", False, "Nivea"), ("Dove", False, "Dove"),
        ]:  # fmt: skip
            services.voice_keyword_create(organization=org, campaign=campaign, keyword=keyword,
                                          is_brand=is_brand, label=label)  # fmt: skip
        first, second = published_posts(
            org, campaign, count=2, at=at(2),
            captions=["ZEBRA SERUM beats Nivea #ad", "zebra, zebras and Dove #ad"],
        )  # fmt: skip
        services.live_post_transcript_set(organization=org, live_post=first,
                                          text="I tried Nivea Men and Zebra. zebra!")  # fmt: skip

        sov = selectors.share_of_voice(organization=org, campaign=campaign)
        counts = {(r.keyword.keyword, r.in_captions, r.in_transcripts) for r in sov.keywords}
        assert counts == {
            ("Zebra", 1, 2), ("Zebra Serum", 1, 0), ("Nivea", 1, 0), ("Nivea Men", 0, 1),
            ("Dove", 1, 0),
        }  # fmt: skip
        assert (sov.brand_mentions, sov.competitor_mentions) == (4, 3)
        assert sov.share == Decimal(4) / Decimal(7)
        assert display(sov.share, "percent") == "57.1%"
        assert (sov.posts, sov.captions, sov.transcripts) == (2, 2, 1)
        labels = [(label.label, label.is_brand, label.mentions) for label in sov.labels]
        assert labels == [("Zebracorn", True, 4), ("Nivea", False, 2), ("Dove", False, 1)]
        assert sov.labels[1].share == Decimal(2) / Decimal(7)
        assert second.pk  # both posts counted


def test_share_of_voice_reads_the_approved_caption_only(tenant_a):
    from campaigns import services as campaign_services
    from tests.campaigns.content_factories import deliverables_of, png, shipped_collaboration

    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        services.voice_keyword_create(organization=org, campaign=campaign, keyword="Zebra",
                                      is_brand=True)  # fmt: skip
        collaboration = shipped_collaboration(org, campaign)
        (deliverable,) = deliverables_of(collaboration)
        # Round 1 was sent back: its caption never went live.
        rejected = campaign_services.submission_create(
            organization=org, deliverable=deliverable, upload=png(), caption="Zebra Zebra Zebra"
        )
        campaign_services.submission_review(organization=org, submission=rejected,
                                            decision="request_changes", comment="Tone it down")  # fmt: skip
        approved = campaign_services.submission_create(
            organization=org, deliverable=deliverable, upload=png(), caption="Zebra #ad"
        )
        campaign_services.submission_review(organization=org, submission=approved,
                                            decision="approve")  # fmt: skip
        sov = selectors.share_of_voice(organization=org, campaign=campaign)
        assert (sov.posts, sov.brand_mentions) == (0, 0)  # approved, not published yet
        campaign_services.live_post_submit(
            organization=org, deliverable=deliverable, url="https://youtu.be/abcdefghijk",
            figures={"views": 3}, screenshot=png(),
        )  # fmt: skip
        sov = selectors.share_of_voice(organization=org, campaign=campaign)
        assert (sov.posts, sov.brand_mentions, sov.share) == (1, 1, 1)


def test_share_of_voice_by_publication_date_in_the_organizations_timezone(tenant_a):
    org = tenant_a.organization
    org.timezone = "America/New_York"  # UTC-5 in early March
    org.save(update_fields=["timezone"])
    with tenant_a.context():
        campaign = make_campaign(org)
        services.voice_keyword_create(organization=org, campaign=campaign, keyword="Zebra",
                                      is_brand=True)  # fmt: skip
        services.voice_keyword_create(organization=org, campaign=campaign, keyword="Dove",
                                      is_brand=False)  # fmt: skip
        # 03:00 UTC on Mar 3 is still Mar 2 in New York.
        published_posts(org, campaign, at=at(3, 3), captions=["Zebra #ad"])
        published_posts(org, campaign, at=at(5, 12), captions=["Dove #ad"])

        def window(since, until):
            return selectors.share_of_voice(organization=org, campaign=campaign,
                                            since=since, until=until)  # fmt: skip

        march = datetime.date(2026, 3, 1)
        only_second = window(datetime.date(2026, 3, 2), datetime.date(2026, 3, 2))
        assert (only_second.posts, only_second.brand_mentions) == (1, 1)
        assert only_second.share == 1
        assert window(datetime.date(2026, 3, 3), None).share == 0
        assert window(march, datetime.date(2026, 3, 31)).share == Decimal(1) / Decimal(2)


def test_share_of_voice_is_undefined_without_mentions(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org)
        empty = selectors.share_of_voice(organization=org, campaign=campaign)
        assert empty.share is None and display(empty.share, "percent") == "—"
        services.voice_keyword_create(organization=org, campaign=campaign, keyword="Zebra",
                                      is_brand=True)  # fmt: skip
        published_posts(org, campaign, captions=["Nothing relevant #ad"])
        quiet = selectors.share_of_voice(organization=org, campaign=campaign)
        assert (quiet.posts, quiet.share) == (1, None)
        assert quiet.labels[0].share is None


def test_engagement_rate_divides_each_post_by_its_reach_or_its_followers_at_posting(tenant_a):
    """Worked example (METRICS.md): an Instagram post with reach 1,000 and 100 likes; a
    YouTube video (no reach) with 60 engagements by a creator with 2,000 followers there;
    a video with 40 likes by a creator whose followers are unknown. Per post: 10 %, 3 %
    "by followers", "—". The campaign: (100 + 60) / (1,000 + 2,000) = 5.3 %, "partly by
    followers"; the third post's likes count as engagements but in no rate."""
    from campaigns.models import Objective
    from tests.creators.factories import make_creator
    from tracking.kpis import kpis
    from tracking.selectors.results import rollup_totals
    from tracking.services.rollups import rollups_refresh

    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Rate campaign", objective=Objective.AWARENESS)
        insta = make_creator(org, accounts=[
            {"platform": "instagram", "handle": "insta_a", "followers": 9_000}])  # fmt: skip
        tuber = make_creator(org, accounts=[
            {"platform": "youtube", "handle": "tuber_b", "followers": 2_000},
            {"platform": "instagram", "handle": "tuber_b", "followers": 70_000}])  # fmt: skip
        (reached,) = published_posts(org, campaign, platform="instagram", creator=insta,
                                     figures={"reach": 1000, "likes": 100})  # fmt: skip
        (video,) = published_posts(org, campaign, creator=tuber,
                                   figures={"likes": 50, "comments": 10})  # fmt: skip
        (unknown,) = published_posts(org, campaign, figures={"likes": 40})
        posts = selectors.latest_metrics(org, live_posts=[reached, video, unknown])
        assert posts[reached.pk].engagement_rate == Decimal("0.1")
        assert posts[reached.pk].engagement_rate_label == ""
        assert posts[video.pk].followers == 2_000
        assert posts[video.pk].engagement_rate == Decimal("0.03")
        assert posts[video.pk].engagement_rate_label == "by followers"
        assert posts[unknown.pk].engagement_rate is None
    rollups_refresh(organization=org)
    with tenant_a.context():
        totals = rollup_totals(organization=org, campaign_ids=[campaign.pk])[None]
        assert (totals.engagements, totals.rated_engagements, totals.reach,
                totals.followers) == (200, 160, 1000, 2000)  # fmt: skip
        k = kpis(totals, objective=campaign.objective)
        assert display(k.engagement_rate, "percent") == "5.3%"
        assert k.engagement_rate_label == "partly by followers"
    from django.urls import reverse

    response = tenant_a.client("viewer").get(
        reverse("campaign_results", args=[org.slug, campaign.pk]), {"date_from": "2000-01-01"}
    )
    assert (
        'data-kpi="engagement_rate"><span class="stat__label">Engagement rate (partly by '
        'followers)</span> <strong class="stat__value">5.3%<'
    ) in response.content.decode()


def test_followers_known_only_after_a_posts_first_figures_never_inflate_the_rate(tenant_a):
    """A YouTube video's first figures (30 likes, day 1) come while its creator's followers
    there are unknown; they are known by its day-5 figures (50 likes). Followers at
    posting time were not known at posting time: the video rates by nothing (rather than
    its later likes dividing no followers). With an Instagram post of reach 1,000 and
    100 likes, the campaign's rate is 100 / 1,000 = 10 %, not (100 + 20) / 1,000."""
    from campaigns.models import Objective
    from creators.models import SocialAccount
    from tests.creators.factories import make_creator
    from tracking.kpis import kpis
    from tracking.models import PostFollowers
    from tracking.selectors.results import rollup_totals
    from tracking.services.rollups import rollups_refresh

    org = tenant_a.organization
    now = timezone.now()
    with tenant_a.context():
        campaign = make_campaign(org, name="Late followers", objective=Objective.AWARENESS)
        insta = make_creator(org, accounts=[
            {"platform": "instagram", "handle": "insta_a", "followers": 9_000}])  # fmt: skip
        tuber = make_creator(org, accounts=[
            {"platform": "youtube", "handle": "tuber_b", "followers": 0}])  # fmt: skip
        published_posts(org, campaign, platform="instagram", creator=insta,
                        figures={"reach": 1000, "likes": 100},
                        at=now - datetime.timedelta(days=4))  # fmt: skip
        (video,) = published_posts(org, campaign, creator=tuber, figures={"likes": 30},
                                   at=now - datetime.timedelta(days=4))  # fmt: skip
    rollups_refresh(organization=org)
    with tenant_a.context():
        SocialAccount.objects.filter(creator=tuber).update(followers=2_000)
        services.metric_snapshot_record(
            organization=org, live_post=video, source=MetricSource.API,
            observed_at=now - datetime.timedelta(minutes=1), figures={"likes": 50},
        )  # fmt: skip
    rollups_refresh(organization=org)
    with tenant_a.context():
        totals = rollup_totals(organization=org, campaign_ids=[campaign.pk])[None]
        assert (totals.engagements, totals.rated_engagements, totals.reach,
                totals.followers) == (150, 100, 1000, 0)  # fmt: skip
        assert kpis(totals, objective=campaign.objective).engagement_rate == Decimal("0.1")
        assert selectors.latest_metrics(org, live_posts=[video])[video.pk].engagement_rate is None
        assert not PostFollowers.objects.filter(live_post=video).exists()
