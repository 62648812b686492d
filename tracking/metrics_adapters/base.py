"""The metrics adapter interface and its registry.

An adapter recognises the posts of its platform by URL (`external_id`), and pulls their
figures in batches (`fetch`): one outcome per live post id, `PostFigures` (only what the
platform reported; a figure it did not give is absent, never 0) or `PullFailure` (why
not, in words a person can act on, never containing the key). `fetch` must not raise for
a bad post, a refused key or an unreachable server: one bad post cannot stop a batch.
Writing the outcomes is tracking.services.metric_pulls' job, not the adapter's.

Adapters read the organization's platform key from creators (PlatformCredential), the
same key the creator enrichment uses."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from creators.enrichment.adapters import Failure

#: Same shape as the creator enrichment's failure (reason, halts_run): a failure whose
#: cause is the key or the connection halts the rest of the run.
PullFailure = Failure


@dataclass(frozen=True)
class AdapterCredential:
    api_key: str
    base_url: str


@dataclass(frozen=True)
class PostRef:
    live_post_id: int
    external_id: str


@dataclass(frozen=True)
class PostFigures:
    external_id: str
    # Keys from tracking.models.METRIC_FIELDS only.
    values: Mapping[str, int] = field(default_factory=dict)


PullOutcome = PostFigures | PullFailure


class MetricsAdapter(ABC):
    platform: str
    label: str
    #: Where requests go when neither the credential nor the settings say otherwise.
    default_base_url: str = ""

    @abstractmethod
    def external_id(self, url: str) -> str | None:
        """The platform's id of the post at `url`, or None if it is not this platform's."""

    @abstractmethod
    def fetch(
        self, posts: Sequence[PostRef], credential: AdapterCredential
    ) -> dict[int, PullOutcome]:
        """One outcome per live post id; must not raise for per-post or transport errors."""


_ADAPTERS: dict[str, MetricsAdapter] = {}


def register(adapter: MetricsAdapter) -> MetricsAdapter:
    _ADAPTERS[adapter.platform] = adapter
    return adapter


def adapter_for_platform(platform: str) -> MetricsAdapter | None:
    return _ADAPTERS.get(platform)


def adapter_platforms() -> list[str]:
    return list(_ADAPTERS)


def match_url(url: str) -> tuple[MetricsAdapter, str] | None:
    """The adapter that serves the post at `url`, and the post's id on that platform."""
    for adapter in _ADAPTERS.values():
        external_id = adapter.external_id(url or "")
        if external_id:
            return adapter, external_id
    return None
