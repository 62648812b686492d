"""Content metrics' writes: figure snapshots with their provenance, transcripts, and the
share-of-voice keywords of a campaign.

Snapshots are kept, never overwritten by a later one: a figure always says where it came
from (platform API, the creator's report, a screenshot), when it was observed and who
recorded it. The one exception is the same observation written twice (same post, source
and time): that is the same snapshot, so recording it again is a no-op, or a correction
where the caller says so (`replace`).

Every snapshot write marks its collaboration's rollup days dirty in the same transaction
(tracking.services.rollups): the day it was observed and, when a later snapshot of the
post exists, that later one's day too, because the daily delta of a cumulative figure
(today's value minus yesterday's) moves on both."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import Campaign, LivePost
from campaigns.services.guards import check_member, same_org
from creators.models import SocialAccount
from kolhub.models import Organization
from tracking.mentions import keyword_key
from tracking.models import (
    METRIC_FIELDS,
    ContentMetricSnapshot,
    LivePostTranscript,
    MetricSource,
    PostFollowers,
    VoiceKeyword,
)
from tracking.services.rollups import rollups_mark_dirty

MAX_FIGURE = 10**15
# Clocks differ a little (a phone, a server); more than this in the future is a typo.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
MAX_NOTE = 300
MAX_TRANSCRIPT = 200_000
MAX_KEYWORD = 80
MAX_LABEL = 120
#: Sources a person may choose by hand; API snapshots come from the platform pull.
MANUAL_SOURCES = (MetricSource.CREATOR, MetricSource.SCREENSHOT)


def metric_figures_parse(data: Mapping[str, Any]) -> dict[str, int | None]:
    """Whole numbers ≥ 0 for the figures given; a blank one is unknown (None), not 0, so it
    never hides a figure another source reported. Each refusal names its figure."""
    figures: dict[str, int | None] = {}
    for name in METRIC_FIELDS:
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            figures[name] = None
            continue
        text = str(raw).strip().replace(",", "").replace("_", "")
        if isinstance(raw, (bool, float)) or not text.isdigit():
            raise ValidationError({name: f"{raw!r} is not a whole number of 0 or more."})
        value = int(text)
        if value >= MAX_FIGURE:
            raise ValidationError({name: f"{raw} is not a believable figure."})
        figures[name] = value
    return figures


def _check_observed_at(observed_at: datetime.datetime) -> datetime.datetime:
    if not isinstance(observed_at, datetime.datetime) or timezone.is_naive(observed_at):
        raise ValidationError({"observed_at": "Give the time with its timezone."})
    # Whole seconds: an observation entered twice (a form resubmitted) is the same one.
    return observed_at.replace(microsecond=0)


def _dirty_touches(
    organization: Organization, snapshot: ContentMetricSnapshot
) -> list[tuple[int, datetime.datetime]]:
    touches = [(snapshot.collaboration_id, snapshot.observed_at)]
    later = (
        ContentMetricSnapshot.objects.for_org(organization)
        .filter(live_post_id=snapshot.live_post_id, observed_at__gt=snapshot.observed_at)
        .order_by("observed_at")
        .values_list("observed_at", flat=True)
        .first()
    )
    if later is not None:
        touches.append((snapshot.collaboration_id, later))
    return touches


def post_followers_capture(*, organization: Organization, live_post: LivePost) -> None:
    """Keep the followers of the creator's account on the post's platform as the post's
    followers at posting time (engagement rate "by followers", METRICS.md), once: called
    with the post's first figures only (its report with the live post; see
    metric_snapshot_record). Nothing when the account or its follower count is unknown."""
    deliverable = live_post.deliverable
    account = (
        SocialAccount.objects.for_org(organization)
        .filter(creator_id=deliverable.collaboration.creator_id, platform=deliverable.platform,
                followers__gt=0)
        .order_by("-followers", "id")
        .first()
    )  # fmt: skip
    if account is None:
        return
    PostFollowers.objects.bulk_create(
        [PostFollowers(organization=organization, live_post=live_post,
                       followers=account.followers, handle=account.handle,
                       observed_at=timezone.now())],
        ignore_conflicts=True,
    )  # fmt: skip


@transaction.atomic
def metric_snapshot_record(
    *, organization: Organization, live_post: LivePost, source: str,
    observed_at: datetime.datetime, figures: Mapping[str, int | None],
    by: AbstractBaseUser | None = None, note: str = "", replace: bool = False,
) -> ContentMetricSnapshot:  # fmt: skip
    """Record the figures of `live_post` observed at `observed_at` from `source`.

    Idempotent: the same observation with the same figures returns the stored snapshot.
    The same observation with other figures is refused, unless `replace` (the caller is
    the owner of that observation, e.g. the live post's own report corrected)."""
    same_org(organization, live_post)
    if source not in MetricSource.values:
        raise ValidationError({"source": f"{source!r} is not a metric source."})
    observed_at = _check_observed_at(observed_at)
    unknown = set(figures) - set(METRIC_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown figures: {', '.join(sorted(unknown))}.")
    values = {name: figures.get(name) for name in METRIC_FIELDS}
    for name, value in values.items():
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not 0 <= value < MAX_FIGURE):  # fmt: skip
            raise ValidationError({name: f"{value!r} is not a whole number of 0 or more."})
    if all(value is None for value in values.values()):
        raise ValidationError("Enter at least one figure.")
    collaboration_id = live_post.deliverable.collaboration_id
    key = {"live_post": live_post, "source": source, "observed_at": observed_at}
    snapshots = ContentMetricSnapshot.objects.for_org(organization)

    snapshot = snapshots.select_for_update().filter(**key).first()
    if snapshot is None:
        snapshot = ContentMetricSnapshot(
            organization=organization, collaboration_id=collaboration_id, recorded_by=by,
            note=(note or "")[:MAX_NOTE], **key, **values,
        )  # fmt: skip
        snapshot.full_clean(validate_unique=False, validate_constraints=False)
        try:
            # A savepoint: a concurrent writer of the same observation wins the insert,
            # and this call then treats its row like any existing one.
            with transaction.atomic():
                snapshot.save()
        except IntegrityError:
            snapshot = snapshots.select_for_update().get(**key)
        else:
            # Followers at posting time are taken with the post's first figures, or never:
            # the rollup puts a post's follower denominator on its first figures' day, so
            # followers that turned up later would leave the days already rolled up with
            # engagements and no denominator (an inflated rate), unless every one of them
            # were recomputed. A post whose followers were unknown then shows no rate.
            if not snapshots.filter(live_post=live_post).exclude(pk=snapshot.pk).exists():
                post_followers_capture(organization=organization, live_post=live_post)
            rollups_mark_dirty(organization=organization,
                               touches=_dirty_touches(organization, snapshot))  # fmt: skip
            return snapshot
    if all(getattr(snapshot, name) == value for name, value in values.items()):
        return snapshot
    if not replace:
        raise ValidationError(
            f"The {snapshot.get_source_display().lower()} snapshot of this post observed at "
            f"{observed_at:%Y-%m-%d %H:%M} UTC has other figures; enter a new snapshot at "
            "another time instead."
        )
    for name, value in values.items():
        setattr(snapshot, name, value)
    snapshot.recorded_by = by
    snapshot.note = (note or "")[:MAX_NOTE]
    snapshot.save(update_fields=[*METRIC_FIELDS, "recorded_by", "note", "updated_at"])
    rollups_mark_dirty(organization=organization, touches=_dirty_touches(organization, snapshot))
    return snapshot


@transaction.atomic
def metric_snapshot_enter(
    *, organization: Organization, live_post: LivePost, source: str,
    observed_at: datetime.datetime, figures: Mapping[str, Any], by: AbstractBaseUser | None,
    note: str = "",
) -> ContentMetricSnapshot:  # fmt: skip
    """The brand enters figures by hand: as the creator told them, or read from a
    screenshot. Platform figures arrive only through the API pull."""
    if source not in MANUAL_SOURCES:
        raise ValidationError({"source": "Choose “Entered by the creator” or “Read from a "
                                         "screenshot”: platform API figures arrive through "
                                         "the pull."})  # fmt: skip
    if len(note or "") > MAX_NOTE:
        raise ValidationError({"note": f"Keep the note under {MAX_NOTE} characters."})
    check_member(organization, by, "recorded_by")
    if _check_observed_at(observed_at) > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"observed_at": "That time is in the future."})
    return metric_snapshot_record(
        organization=organization, live_post=live_post, source=source, observed_at=observed_at,
        figures=metric_figures_parse(figures), by=by, note=note.strip(),
    )  # fmt: skip


def live_post_snapshot_source(live_post: LivePost) -> str:
    return MetricSource.SCREENSHOT if live_post.screenshot else MetricSource.CREATOR


@transaction.atomic
def metric_snapshot_from_live_post(
    *, organization: Organization, live_post: LivePost
) -> ContentMetricSnapshot | None:
    """The creator's report on the live post, kept as a snapshot (called on every save of
    a LivePost, tracking.receivers). Idempotent: saving the same report again changes
    nothing; a new report (a new reported_at) adds a snapshot and keeps the old one.

    campaigns stores a blank figure as 0; here 0 means "not reported" (None), so a report
    that left views empty never replaces the views a platform reported."""
    figures = {name: (getattr(live_post, name) or None) for name in METRIC_FIELDS}
    if all(value is None for value in figures.values()):
        return None
    actor = f"Reported with the live post by {live_post.actor}" if live_post.actor else (
        "Reported with the live post")  # fmt: skip
    return metric_snapshot_record(
        organization=organization, live_post=live_post,
        source=live_post_snapshot_source(live_post), observed_at=live_post.reported_at,
        figures=figures, by=live_post.reported_by, note=actor, replace=True,
    )  # fmt: skip


# --- transcripts -------------------------------------------------------------------------


@transaction.atomic
def live_post_transcript_set(
    *, organization: Organization, live_post: LivePost, text: str,
    by: AbstractBaseUser | None = None,
) -> LivePostTranscript | None:  # fmt: skip
    """Paste (or replace) what is said in the post. An empty text removes the transcript."""
    same_org(organization, live_post)
    check_member(organization, by, "updated_by")
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TRANSCRIPT:
        raise ValidationError({"text": f"A transcript is at most {MAX_TRANSCRIPT:,} characters; "
                                       f"this one has {len(text):,}."})  # fmt: skip
    existing = (
        LivePostTranscript.objects.for_org(organization)
        .select_for_update()
        .filter(live_post=live_post)
        .first()
    )
    if not text:
        if existing is not None:
            existing.delete()
        return None
    transcript = existing or LivePostTranscript(organization=organization, live_post=live_post)
    transcript.text, transcript.updated_by = text, by
    transcript.full_clean(validate_unique=False, validate_constraints=False)
    transcript.save()
    return transcript


# --- share-of-voice keywords -------------------------------------------------------------


def _clean_keyword(keyword: str) -> str:
    keyword = " ".join((keyword or "").split())
    if not keyword:
        raise ValidationError({"keyword": "Enter a keyword."})
    if len(keyword) > MAX_KEYWORD:
        raise ValidationError({"keyword": f"A keyword is at most {MAX_KEYWORD} characters."})
    if not any(ch.isalnum() for ch in keyword):
        raise ValidationError({"keyword": "A keyword needs at least one letter or digit."})
    return keyword


def _clean_label(label: str, keyword: str) -> str:
    label = " ".join((label or "").split()) or keyword
    if len(label) > MAX_LABEL:
        raise ValidationError({"label": f"A label is at most {MAX_LABEL} characters."})
    return label


def _check_unique(organization: Organization, campaign_id: int, keyword: str,
                  exclude_id: int | None = None) -> None:  # fmt: skip
    # The database refuses the same keyword in another case; this also catches the same
    # keyword in another Unicode form ("Straße" / "STRASSE"), which would count twice.
    key = keyword_key(keyword)
    others = VoiceKeyword.objects.for_org(organization).filter(campaign_id=campaign_id)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    for other in others.only("keyword", "is_brand", "label"):
        if keyword_key(other.keyword) == key:
            side = "brand" if other.is_brand else f"competitor {other.label}"
            raise ValidationError(
                {"keyword": f"“{other.keyword}” is already a keyword of this campaign ({side})."}
            )


@transaction.atomic
def voice_keyword_create(
    *, organization: Organization, campaign: Campaign, keyword: str, is_brand: bool,
    label: str = "",
) -> VoiceKeyword:  # fmt: skip
    """A brand or competitor keyword counted for the campaign's share of voice. The label
    groups keywords (a competitor's name and its product names); blank, it is the
    keyword itself."""
    same_org(organization, campaign)
    # Serialises keyword writes of one campaign, so the check below cannot race.
    Campaign.objects.for_org(organization).select_for_update().filter(pk=campaign.pk).first()
    keyword = _clean_keyword(keyword)
    _check_unique(organization, campaign.pk, keyword)
    row = VoiceKeyword(organization=organization, campaign=campaign, keyword=keyword,
                       is_brand=bool(is_brand), label=_clean_label(label, keyword))  # fmt: skip
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save()
    return row


@transaction.atomic
def voice_keyword_update(
    *, organization: Organization, voice_keyword: VoiceKeyword, keyword: str | None = None,
    is_brand: bool | None = None, label: str | None = None,
) -> VoiceKeyword:  # fmt: skip
    same_org(organization, voice_keyword)
    Campaign.objects.for_org(organization).select_for_update().filter(
        pk=voice_keyword.campaign_id
    ).first()
    row = VoiceKeyword.objects.for_org(organization).select_for_update().get(pk=voice_keyword.pk)
    if keyword is not None:
        row.keyword = _clean_keyword(keyword)
        _check_unique(organization, row.campaign_id, row.keyword, exclude_id=row.pk)
    if is_brand is not None:
        row.is_brand = bool(is_brand)
    if label is not None:
        row.label = _clean_label(label, row.keyword)
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.save()
    return row


@transaction.atomic
def voice_keyword_delete(*, organization: Organization, voice_keyword: VoiceKeyword) -> None:
    same_org(organization, voice_keyword)
    VoiceKeyword.objects.for_org(organization).filter(pk=voice_keyword.pk).delete()


def metric_snapshots_forget(*, organization: Organization, live_post) -> int:
    """A live post is being deleted (its snapshots go with it, by cascade): mark the days
    its figures counted on, so the rollups drop them. Returns the days marked."""
    touches = list(
        ContentMetricSnapshot.objects.for_org(organization)
        .filter(live_post=live_post)
        .values_list("collaboration_id", "observed_at")
    )
    return rollups_mark_dirty(organization=organization, touches=touches)
