"""Reads for content metrics and share of voice, organization first.

Latest figures: each figure of a post is the most recent snapshot that reported it (a
snapshot that left a figure NULL says nothing about it), whatever its source; its
provenance is that snapshot's source, time and recorder. Reach, views and the rest are
cumulative per post, so for rollups:

    value_as_of(post, field, t) = that field of the post's latest snapshot observed ≤ t
                                  that has it (0 when none has)
    delta(day D) = Σ posts [value_as_of(end of D) − value_as_of(end of D − 1)]

with days in the organization's timezone (`metric_day_deltas` computes exactly this).
Deltas summed over all days telescope to the latest value; a delta can be negative when a
later source corrects a figure down, and must be kept so (clamping it at 0 would make the
sum drift from the latest figure)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from campaigns.models import Campaign, ContentSubmission, LivePost, SubmissionStatus
from kolhub.models import Organization
from kolhub.tenancy.context import dangerously_unscoped
from tracking.kpis import Totals, kpis, ratio
from tracking.mentions import MentionCounter, keyword_key
from tracking.metrics_adapters import MetricsAdapter, adapter_platforms, match_url
from tracking.models import (
    ENGAGEMENT_FIELDS,
    METRIC_FIELDS,
    ContentMetricPull,
    ContentMetricSnapshot,
    LivePostTranscript,
    PostFollowers,
    VoiceKeyword,
)
from tracking.selectors.ledger import day_bounds

# --- snapshots -----------------------------------------------------------------------------


def metric_snapshot_queryset(*, organization: Organization) -> QuerySet[ContentMetricSnapshot]:
    return ContentMetricSnapshot.objects.for_org(organization).select_related(
        "recorded_by", "live_post", "collaboration__creator"
    )


def metric_snapshot_get(*, organization: Organization, snapshot_id: int) -> ContentMetricSnapshot:
    return metric_snapshot_queryset(organization=organization).get(pk=snapshot_id)


def metric_snapshot_history(
    *, organization: Organization, live_posts: Iterable[LivePost | int], limit: int = 20
) -> dict[int, list[ContentMetricSnapshot]]:
    """The newest `limit` snapshots of each post, newest first, in one query."""
    ids = _ids(live_posts)
    rows = (
        ContentMetricSnapshot.objects.for_org(organization)
        .filter(live_post_id__in=ids)
        .select_related("recorded_by")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("live_post_id")],
                order_by=[F("observed_at").desc(), F("id").desc()],
            )
        )  # fmt: skip
        .filter(rank__lte=limit)
        .order_by("live_post_id", "-observed_at", "-id")
    )
    history: dict[int, list[ContentMetricSnapshot]] = {pk: [] for pk in ids}
    for row in rows:
        history[row.live_post_id].append(row)
    return history


def _ids(live_posts: Iterable[LivePost | int]) -> list[int]:
    return [p if isinstance(p, int) else p.pk for p in live_posts]


# --- latest figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure of a post and where it came from."""

    name: str
    value: int
    snapshot: ContentMetricSnapshot

    @property
    def source(self) -> str:
        return self.snapshot.source

    @property
    def observed_at(self) -> datetime.datetime:
        return self.snapshot.observed_at


@dataclass
class PostMetrics:
    live_post_id: int
    figures: dict[str, Figure] = field(default_factory=dict)
    # The account's followers at posting time (tracking.models.PostFollowers), if known.
    followers: int | None = None

    def value(self, name: str) -> int | None:
        figure = self.figures.get(name)
        return figure.value if figure is not None else None

    @property
    def engagements(self) -> int | None:
        """METRICS.md: likes + comments + shares + saves, of those known; None if none is."""
        known = [self.figures[n].value for n in ENGAGEMENT_FIELDS if n in self.figures]
        return sum(known) if known else None

    def _rate(self):
        # The one definition (tracking.kpis), with this post as the only post: its reach,
        # else its followers at posting time ("—" when neither is known).
        engagements, reach = self.engagements or 0, self.value("reach") or 0
        followers = 0 if reach else (self.followers or 0)
        rated = engagements if reach or followers else 0
        return kpis(Totals(engagements=engagements, reach=reach, followers=followers,
                           rated_engagements=rated), objective="")  # fmt: skip

    @property
    def engagement_rate(self) -> Decimal | None:
        """Engagements / reach; where reach is unknown, engagements / followers at posting
        time (engagement_rate_label says so)."""
        if self.engagements is None:
            return None
        return self._rate().engagement_rate

    @property
    def engagement_rate_label(self) -> str:
        return self._rate().engagement_rate_label if self.engagements is not None else ""

    def rows(self) -> list[tuple[str, Figure | None]]:
        return [(name, self.figures.get(name)) for name in METRIC_FIELDS]


def _latest_per_field(
    organization: Organization, ids: list[int], name: str, at: datetime.datetime | None
) -> QuerySet[ContentMetricSnapshot]:
    queryset = ContentMetricSnapshot.objects.for_org(organization).filter(
        live_post_id__in=ids, **{f"{name}__isnull": False}
    )
    if at is not None:
        queryset = queryset.filter(observed_at__lte=at)
    # DISTINCT ON: one row per post, the newest that reported this figure.
    return queryset.order_by("live_post_id", "-observed_at", "-id").distinct("live_post_id")


def latest_metrics(
    organization: Organization, *, live_posts: Iterable[LivePost | int],
    at: datetime.datetime | None = None,
) -> dict[int, PostMetrics]:  # fmt: skip
    """Each post's latest value of each figure with its provenance (as of `at`, default
    now), and its followers at posting time. One query per figure (7) and one for the
    followers, whatever the number of posts and snapshots."""
    ids = _ids(live_posts)
    result = {pk: PostMetrics(live_post_id=pk) for pk in ids}
    if not ids:
        return result
    for live_post_id, followers in (
        PostFollowers.objects.for_org(organization)
        .filter(live_post_id__in=ids)
        .values_list("live_post_id", "followers")
    ):
        result[live_post_id].followers = followers
    for name in METRIC_FIELDS:
        for snapshot in _latest_per_field(organization, ids, name, at).select_related(
            "recorded_by"
        ):
            result[snapshot.live_post_id].figures[name] = Figure(
                name=name, value=getattr(snapshot, name), snapshot=snapshot
            )
    return result


def latest_snapshots(
    organization: Organization, *, live_posts: Iterable[LivePost | int]
) -> dict[int, ContentMetricSnapshot]:
    """Each post's most recent snapshot (whatever figures it has), in one query."""
    rows = (
        ContentMetricSnapshot.objects.for_org(organization)
        .filter(live_post_id__in=_ids(live_posts))
        .select_related("recorded_by")
        .order_by("live_post_id", "-observed_at", "-id")
        .distinct("live_post_id")
    )
    return {row.live_post_id: row for row in rows}


#: What rollups add up: the figures and engagements (METRICS.md).
TOTAL_FIELDS = (*METRIC_FIELDS, "engagements")


def metric_totals_as_of(
    organization: Organization, *, collaboration_ids: Iterable[int], at: datetime.datetime
) -> dict[tuple[int, str], dict[str, int]]:
    """Cumulative figures of the collaborations' posts as of `at`, summed per
    (collaboration id, platform of the post): value_as_of in the module docstring. A
    figure no snapshot reported counts 0. Seven queries."""
    ids = list(collaboration_ids)
    totals: dict[tuple[int, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(TOTAL_FIELDS, 0)
    )
    if not ids:
        return {}
    for name in METRIC_FIELDS:
        rows = (
            ContentMetricSnapshot.objects.for_org(organization)
            .filter(collaboration_id__in=ids, observed_at__lte=at, **{f"{name}__isnull": False})
            .order_by("live_post_id", "-observed_at", "-id")
            .distinct("live_post_id")
            .values_list("collaboration_id", "live_post__deliverable__platform", name)
        )
        for collaboration_id, platform, value in rows:
            row = totals[(collaboration_id, platform)]
            row[name] += value
            if name in ENGAGEMENT_FIELDS:
                row["engagements"] += value
    return dict(totals)


def metric_day_deltas(
    organization: Organization, *, collaboration_ids: Iterable[int], day: datetime.date
) -> dict[tuple[int, str], dict[str, int]]:
    """What the collaborations' posts gained on `day` (organization's timezone), per
    (collaboration id, platform): value at the end of the day minus value at its start,
    for each of TOTAL_FIELDS. Keys with no change are left out. What the rollup worker
    writes into DailyRollup.reach / impressions / engagements / saves / views."""
    ids = list(collaboration_ids)
    start, end = day_bounds(organization, day, day)
    # observed_at ≤ t: "the end of the day" is the last instant before the next day.
    instant = datetime.timedelta(microseconds=1)
    after = metric_totals_as_of(organization, collaboration_ids=ids, at=end - instant)
    before = metric_totals_as_of(organization, collaboration_ids=ids, at=start - instant)
    deltas: dict[tuple[int, str], dict[str, int]] = {}
    for key in after.keys() | before.keys():
        now_values = after.get(key) or dict.fromkeys(TOTAL_FIELDS, 0)
        then_values = before.get(key) or dict.fromkeys(TOTAL_FIELDS, 0)
        delta = {name: now_values[name] - then_values[name] for name in TOTAL_FIELDS}
        if any(delta.values()):
            deltas[key] = delta
    return deltas


# --- the campaign's posts ------------------------------------------------------------------


def campaign_live_posts(*, organization: Organization, campaign: Campaign) -> list[LivePost]:
    """The campaign's published posts, newest report first."""
    return list(
        LivePost.objects.for_org(organization)
        .filter(deliverable__collaboration__campaign=campaign)
        .select_related("deliverable__collaboration__creator", "reported_by", "verified_by")
        .order_by("-reported_at", "-id")
    )


def campaign_live_post_get(
    *, organization: Organization, campaign: Campaign, live_post_id: int
) -> LivePost:
    return (
        LivePost.objects.for_org(organization)
        .filter(deliverable__collaboration__campaign=campaign)
        .select_related("deliverable__collaboration__creator")
        .get(pk=live_post_id)
    )


def live_post_get(*, organization: Organization, live_post_id: int) -> LivePost:
    return (
        LivePost.objects.for_org(organization)
        .select_related("deliverable__collaboration__campaign")
        .get(pk=live_post_id)
    )


# --- transcripts -----------------------------------------------------------------------------


def transcripts_for(
    *, organization: Organization, live_posts: Iterable[LivePost | int]
) -> dict[int, LivePostTranscript]:
    rows = (
        LivePostTranscript.objects.for_org(organization)
        .filter(live_post_id__in=_ids(live_posts))
        .select_related("updated_by")
    )
    return {row.live_post_id: row for row in rows}


def live_post_transcript_get(
    *, organization: Organization, live_post: LivePost
) -> LivePostTranscript | None:
    return transcripts_for(organization=organization, live_posts=[live_post]).get(live_post.pk)


# --- platform pulls --------------------------------------------------------------------------


@dataclass
class PullTarget:
    live_post: LivePost
    adapter: MetricsAdapter
    external_id: str
    state: ContentMetricPull | None = None


def pull_targets(
    *, organization: Organization, live_post_ids: Sequence[int] | None = None,
    reported_since: datetime.datetime | None = None,
) -> list[PullTarget]:  # fmt: skip
    """The organization's live posts whose URL a metrics adapter recognises (a YouTube
    video), with their pull state. Two queries."""
    posts = LivePost.objects.for_org(organization).select_related("deliverable").order_by("pk")
    if live_post_ids is not None:
        posts = posts.filter(pk__in=list(live_post_ids))
    if reported_since is not None:
        posts = posts.filter(reported_at__gte=reported_since)
    targets = []
    for post in posts:
        matched = match_url(post.url)
        if matched is not None:
            targets.append(PullTarget(live_post=post, adapter=matched[0], external_id=matched[1]))
    states = pull_states(organization=organization, live_posts=[t.live_post for t in targets])
    for target in targets:
        target.state = states.get(target.live_post.pk)
    return targets


def pull_states(
    *, organization: Organization, live_posts: Iterable[LivePost | int]
) -> dict[int, ContentMetricPull]:
    ids = _ids(live_posts)
    if not ids:
        return {}
    rows = ContentMetricPull.objects.for_org(organization).filter(live_post_id__in=ids)
    return {row.live_post_id: row for row in rows}


def pull_failure_list(*, organization: Organization, limit: int = 50) -> list[ContentMetricPull]:
    """Posts whose last pull failed, most recent first (a success clears the error)."""
    return list(
        ContentMetricPull.objects.for_org(organization)
        .exclude(error="")
        .select_related("live_post")
        .order_by("-failed_at", "-pk")[:limit]
    )


def organization_ids_with_metrics_keys() -> list[int]:
    """Platform-level, for beat: organizations with a key for a platform a metrics
    adapter pulls. Only ids leave here; each organization's posts are read in its own
    tenant context."""
    from creators.models import PlatformCredential

    with dangerously_unscoped():
        return sorted(
            set(
                PlatformCredential.objects.filter(platform__in=adapter_platforms())
                .exclude(api_key="")
                .values_list("organization_id", flat=True)
            )
        )


# --- share of voice --------------------------------------------------------------------------


def voice_keyword_queryset(*, organization: Organization) -> QuerySet[VoiceKeyword]:
    return VoiceKeyword.objects.for_org(organization).select_related("campaign")


def voice_keyword_list(*, organization: Organization, campaign: Campaign) -> list[VoiceKeyword]:
    return list(voice_keyword_queryset(organization=organization).filter(campaign=campaign))


def voice_keyword_get(
    *, organization: Organization, keyword_id: int, campaign: Campaign | None = None
) -> VoiceKeyword:
    queryset = voice_keyword_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.get(pk=keyword_id)


@dataclass(frozen=True)
class KeywordMentions:
    keyword: VoiceKeyword
    in_captions: int
    in_transcripts: int

    @property
    def mentions(self) -> int:
        return self.in_captions + self.in_transcripts


@dataclass(frozen=True)
class LabelMentions:
    label: str
    is_brand: bool
    mentions: int
    # This label's mentions / all tracked mentions (brand and competitors).
    share: Decimal | None


@dataclass(frozen=True)
class ShareOfVoice:
    keywords: list[KeywordMentions]
    labels: list[LabelMentions]
    brand_mentions: int
    competitor_mentions: int
    posts: int
    captions: int
    transcripts: int
    since: datetime.date | None = None
    until: datetime.date | None = None

    @property
    def share(self) -> Decimal | None:
        """METRICS.md: brand mentions / (brand + tracked competitor mentions); None ("—")
        when there are no mentions at all."""
        return ratio(self.brand_mentions, self.brand_mentions + self.competitor_mentions)


def share_of_voice(
    *, organization: Organization, campaign: Campaign, since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> ShareOfVoice:  # fmt: skip
    """Mentions of the campaign's keywords (tracking.mentions rules) in its tracked
    content: the published posts (live posts) reported between `since` and `until`
    (inclusive days in the organization's timezone), each post's approved caption (the
    latest approved round of its deliverable) and its transcript. Four queries."""
    keywords = voice_keyword_list(organization=organization, campaign=campaign)
    posts = LivePost.objects.for_org(organization).filter(
        deliverable__collaboration__campaign=campaign
    )
    if since is not None:
        posts = posts.filter(reported_at__gte=day_bounds(organization, since, None)[0])
    if until is not None:
        posts = posts.filter(reported_at__lt=day_bounds(organization, None, until)[1])
    post_rows = list(posts.values_list("pk", "deliverable_id"))
    captions = list(
        ContentSubmission.objects.for_org(organization)
        .filter(deliverable_id__in=[d for _, d in post_rows], status=SubmissionStatus.APPROVED)
        .order_by("deliverable_id", "-round")
        .distinct("deliverable_id")
        .values_list("caption", flat=True)
    )
    transcripts = list(
        LivePostTranscript.objects.for_org(organization)
        .filter(live_post_id__in=[p for p, _ in post_rows])
        .values_list("text", flat=True)
    )
    counter = MentionCounter(k.keyword for k in keywords)
    in_captions: dict[str, int] = defaultdict(int)
    in_transcripts: dict[str, int] = defaultdict(int)
    for text in captions:
        for key, n in counter.count(text).items():
            in_captions[key] += n
    for text in transcripts:
        for key, n in counter.count(text).items():
            in_transcripts[key] += n

    rows: list[KeywordMentions] = []
    seen: set[str] = set()
    for keyword in keywords:
        key = keyword_key(keyword.keyword)
        # Two rows with one key (possible only outside the services) count once.
        first = key not in seen
        seen.add(key)
        rows.append(KeywordMentions(
            keyword=keyword, in_captions=in_captions[key] if first else 0,
            in_transcripts=in_transcripts[key] if first else 0,
        ))  # fmt: skip
    brand = sum(r.mentions for r in rows if r.keyword.is_brand)
    competitor = sum(r.mentions for r in rows if not r.keyword.is_brand)
    by_label: dict[tuple[bool, str], list] = {}
    for row in rows:
        group = by_label.setdefault((row.keyword.is_brand, row.keyword.label.casefold()),
                                    [row.keyword.label, 0])  # fmt: skip
        group[1] += row.mentions
    labels = sorted(
        (LabelMentions(label=name, is_brand=is_brand, mentions=count,
                       share=ratio(count, brand + competitor))  # fmt: skip
         for (is_brand, _), (name, count) in by_label.items()),
        key=lambda label: (not label.is_brand, -label.mentions, label.label.casefold()),
    )  # fmt: skip
    return ShareOfVoice(
        keywords=rows, labels=labels, brand_mentions=brand, competitor_mentions=competitor,
        posts=len(post_rows), captions=len(captions), transcripts=len(transcripts),
        since=since, until=until,
    )  # fmt: skip
