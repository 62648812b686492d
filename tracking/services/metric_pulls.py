"""Pulling published posts' figures from platform APIs (tracking.metrics_adapters) and
keeping them as API snapshots (tracking.services.metrics).

A failure (quota, a deleted video, the network) is recorded on the post's pull state
(ContentMetricPull) and the batch goes on; a success clears it. The platform key is the
organization's key in creators (PlatformCredential), the one the creator enrichment
uses. A post pulled less than MIN_PULL_INTERVAL ago is left alone unless forced, so a task
that runs twice sends no second request and records no second snapshot."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from campaigns.models import LivePost
from creators.enrichment.selectors import credential_get
from kolhub.models import Organization
from tracking.metrics_adapters import (
    AdapterCredential,
    MetricsAdapter,
    PostFigures,
    PostRef,
    PullFailure,
    PullOutcome,
)
from tracking.models import ContentMetricPull, MetricSource
from tracking.selectors.metrics import PullTarget, pull_targets
from tracking.services.metrics import metric_snapshot_record

logger = logging.getLogger(__name__)

MIN_PULL_INTERVAL = datetime.timedelta(hours=1)
#: Beat pulls posts reported within this window; a post's figures have mostly settled by
#: then, and the quota goes to the posts that still move. "Refresh now" has no window.
PULL_WINDOW = datetime.timedelta(days=90)
# Posts per task: ten videos.list requests, well inside the task time limit.
TASK_CHUNK = 500
MAX_REASON_LENGTH = 1000


@dataclass
class PullSummary:
    pulled: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    # Pulled less than MIN_PULL_INTERVAL ago: nothing was sent for them.
    fresh: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def api_credential(organization: Organization, adapter: MetricsAdapter) -> AdapterCredential | None:
    """The organization's key for the adapter's platform; the base URL is the key's own,
    else the TRACKING_<PLATFORM>_API_BASE_URL setting, else the platform's."""
    stored = credential_get(organization=organization, platform=adapter.platform)
    if stored is None or not stored.api_key:
        return None
    configured = getattr(settings, f"TRACKING_{adapter.platform.upper()}_API_BASE_URL", "")
    return AdapterCredential(
        api_key=stored.api_key,
        base_url=stored.base_url or configured or adapter.default_base_url,
    )


def no_key_reason(adapter: MetricsAdapter) -> str:
    return (f"No {adapter.label} API key is set up for this organization: an admin can add "
            "one under Creators → Integrations.")  # fmt: skip


def content_metrics_pull(
    *, organization: Organization, live_post_ids: Sequence[int] | None = None,
    force: bool = False, now: datetime.datetime | None = None,
) -> PullSummary:  # fmt: skip
    """Pull the figures of the organization's published posts that a platform adapter
    serves (all of them, or the given ids) and keep each as an API snapshot.

    Never raises for a post, a key or the network: each failure is recorded on its post's
    pull state. The API calls happen before any row is written."""
    now = (now or timezone.now()).replace(microsecond=0)
    summary = PullSummary()
    targets = pull_targets(organization=organization, live_post_ids=live_post_ids)
    due: list[PullTarget] = []
    for target in targets:
        if not force and _fresh(target, now):
            summary.fresh.append(target.live_post.pk)
        else:
            due.append(target)
    outcomes: dict[int, PullOutcome] = {}
    for adapter, group in _by_adapter(due):
        credential = api_credential(organization, adapter)
        if credential is None:
            missing = PullFailure(no_key_reason(adapter))
            outcomes.update({t.live_post.pk: missing for t in group})
            continue
        refs = [PostRef(live_post_id=t.live_post.pk, external_id=t.external_id) for t in group]
        try:
            outcomes.update(adapter.fetch(refs, credential))
        except Exception as error:
            # An adapter bug must not take the other platforms' posts down with it.
            logger.exception("%s metrics adapter failed for organization %s", adapter.platform,
                             organization.pk)  # fmt: skip
            crashed = PullFailure(f"The {adapter.label} adapter failed: "
                                  f"{error.__class__.__name__}.")  # fmt: skip
            outcomes.update({t.live_post.pk: crashed for t in group})
    _write_outcomes(organization=organization, targets=due, outcomes=outcomes, now=now,
                    summary=summary)  # fmt: skip
    return summary


@transaction.atomic
def _write_outcomes(
    *, organization: Organization, targets: list[PullTarget], outcomes: dict[int, PullOutcome],
    now: datetime.datetime, summary: PullSummary,
) -> None:  # fmt: skip
    for target in targets:
        post = target.live_post
        outcome = outcomes.get(post.pk) or PullFailure("The platform returned nothing for it.")
        if isinstance(outcome, PostFigures) and not outcome.values:
            outcome = PullFailure(f"{target.adapter.label} gave no public figures for "
                                  f"{target.external_id}.")  # fmt: skip
        if isinstance(outcome, PostFigures):
            try:
                # A savepoint per post: a row that fails validation rolls back alone.
                with transaction.atomic():
                    metric_snapshot_record(
                        organization=organization, live_post=post, source=MetricSource.API,
                        observed_at=now, figures=dict(outcome.values), replace=True,
                        note=f"{target.adapter.label} API, {target.external_id}",
                    )  # fmt: skip
            except (ValidationError, DatabaseError) as error:
                outcome = PullFailure(f"The figures could not be saved: {_messages(error)}")
            else:
                _state_save(organization, target, now=now, error="")
                summary.pulled.append(post.pk)
                continue
        reason = outcome.reason[:MAX_REASON_LENGTH]
        _state_save(organization, target, now=now, error=reason)
        summary.failed[post.pk] = reason


def _state_save(organization: Organization, target: PullTarget, *, now: datetime.datetime,
                error: str) -> None:  # fmt: skip
    state = target.state or ContentMetricPull(organization=organization,
                                              live_post=target.live_post)  # fmt: skip
    state.platform, state.external_id = target.adapter.platform, target.external_id
    state.last_attempt_at = now
    if error:
        state.error, state.failed_at, state.failures = error, now, state.failures + 1
    else:
        state.error, state.failed_at, state.failures = "", None, 0
        state.last_success_at = now
    state.save()
    target.state = state


def _fresh(target: PullTarget, now: datetime.datetime) -> bool:
    attempted = target.state.last_attempt_at if target.state else None
    return attempted is not None and attempted > now - MIN_PULL_INTERVAL


def _by_adapter(targets: list[PullTarget]) -> Iterator[tuple[MetricsAdapter, list[PullTarget]]]:
    groups: dict[str, tuple[MetricsAdapter, list[PullTarget]]] = {}
    for target in targets:
        groups.setdefault(target.adapter.platform, (target.adapter, []))[1].append(target)
    yield from groups.values()


def _messages(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return error.__class__.__name__


# --- queueing ------------------------------------------------------------------------------


@transaction.atomic
def content_metrics_pull_enqueue(
    *, organization: Organization, now: datetime.datetime | None = None
) -> int:
    """Beat's per-organization step: queue the posts due a pull (recent enough, not pulled
    within MIN_PULL_INTERVAL), TASK_CHUNK per task, after commit. Returns how many."""
    from tracking.metric_tasks import pull_content_metrics_task

    now = now or timezone.now()
    ids = [
        t.live_post.pk
        for t in pull_targets(organization=organization, reported_since=now - PULL_WINDOW)
        if not _fresh(t, now)
    ]
    for start in range(0, len(ids), TASK_CHUNK):
        pull_content_metrics_task.delay_on_commit(organization.pk, ids[start : start + TASK_CHUNK])
    return len(ids)


@transaction.atomic
def content_metrics_pull_request(*, organization: Organization, live_post: LivePost) -> str:
    """The "Refresh from the platform" button: checks the post can be pulled and queues it
    after commit. Returns the platform's label."""
    from tracking.metric_tasks import pull_content_metrics_task

    targets = pull_targets(organization=organization, live_post_ids=[live_post.pk])
    if not targets:
        raise ValidationError(
            "Figures of this post cannot be pulled from an API: its URL is not a post of a "
            "platform we pull (YouTube videos so far). Enter them by hand."
        )
    adapter = targets[0].adapter
    if api_credential(organization, adapter) is None:
        raise ValidationError(no_key_reason(adapter))
    pull_content_metrics_task.delay_on_commit(organization.pk, [live_post.pk], True)
    return adapter.label
