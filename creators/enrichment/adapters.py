"""Platform adapters: how figures for social accounts are fetched from a platform's API.

An adapter takes accounts of its platform and the organization's credential, and answers
with one outcome per account id: `Figures` (what the platform reported) or `Failure` (why
not, in words a person can act on). It never raises for a bad account, a refused key or an
unreachable server, so one bad account cannot stop a batch; writing the outcomes is
creators.enrichment.services' job, not the adapter's.

One real adapter so far: YouTube Data API v3, channels.list."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode, urlsplit

from django.utils.html import strip_tags

from creators.models import Platform

if TYPE_CHECKING:
    from creators.models import PlatformCredential, SocialAccount


@dataclass(frozen=True)
class Figures:
    """What the platform reported for one account.

    `values` holds only the SocialAccount figures the platform actually gave (a hidden
    subscriber count is absent, not zero), keyed by field name, so writing them never
    overwrites a figure the platform did not report."""

    external_id: str
    values: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""
    url: str = ""
    photo_url: str = ""


@dataclass(frozen=True)
class Failure:
    reason: str
    # True when the cause is the key or the connection rather than this account: every
    # later request in the same run would fail the same way.
    halts_run: bool = False


Outcome = Figures | Failure


class PlatformAdapter(Protocol):
    platform: str
    label: str

    def fetch(
        self, accounts: Sequence[SocialAccount], credential: PlatformCredential
    ) -> dict[int, Outcome]:
        """One outcome per account id; must not raise for per-account or transport errors."""
        ...


# --- YouTube Data API v3 ------------------------------------------------------------------

# Reasons Google gives when the key itself cannot be used (exhausted, invalid, API not
# enabled, restricted): retrying other channels with the same key in this run is futile.
KEY_WIDE_REASONS = {
    "quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded", "userRateLimitExceeded",
    "keyInvalid", "keyExpired", "API_KEY_INVALID", "API_KEY_EXPIRED", "accessNotConfigured",
    "SERVICE_DISABLED", "ipRefererBlocked", "API_KEY_SERVICE_BLOCKED", "forbidden",
}  # fmt: skip
MAX_RESPONSE_BYTES = 5 * 1024 * 1024


class YouTubeAdapter:
    platform = Platform.YOUTUBE
    label = "YouTube"
    default_base_url = "https://www.googleapis.com/youtube/v3"
    # channels.list accepts at most 50 ids per request (and costs 1 quota unit per call).
    max_ids = 50
    # Seconds per request. Short enough that a hung server cannot eat a task's time limit:
    # the first timeout also halts the rest of the run (see Failure.halts_run).
    timeout: float = 10.0

    def fetch(
        self, accounts: Sequence[SocialAccount], credential: PlatformCredential
    ) -> dict[int, Outcome]:
        base_url = (credential.base_url or self.default_base_url).rstrip("/")
        results: dict[int, Outcome] = {}
        by_channel: dict[str, list[SocialAccount]] = {}
        by_handle: list[SocialAccount] = []
        for account in accounts:
            channel_id = (account.external_id or "").strip()
            if channel_id:
                by_channel.setdefault(channel_id, []).append(account)
            else:
                by_handle.append(account)

        halted: Failure | None = None
        channel_ids = list(by_channel)
        for start in range(0, len(channel_ids), self.max_ids):
            chunk = channel_ids[start : start + self.max_ids]
            chunk_accounts = [a for cid in chunk for a in by_channel[cid]]
            if halted is not None:
                results.update({a.pk: halted for a in chunk_accounts})
                continue
            answer = self._get(base_url, credential.api_key, {"id": ",".join(chunk)})
            if isinstance(answer, Failure):
                results.update({a.pk: answer for a in chunk_accounts})
                halted = answer if answer.halts_run else None
                continue
            items = {item.get("id"): item for item in answer}
            for channel_id in chunk:
                item = items.get(channel_id)
                outcome = (
                    self._figures(item)
                    if item is not None
                    else Failure(f"Channel not found: no YouTube channel has the id {channel_id}.")
                )
                results.update({a.pk: outcome for a in by_channel[channel_id]})

        # No channel id yet: look the handle up, one request each (forHandle takes one).
        for account in by_handle:
            if halted is not None:
                results[account.pk] = halted
                continue
            answer = self._get(base_url, credential.api_key, {"forHandle": f"@{account.handle}"})
            if isinstance(answer, Failure):
                results[account.pk] = answer
                halted = answer if answer.halts_run else None
            elif not answer:
                results[account.pk] = Failure(
                    f"Channel not found: no YouTube channel has the handle @{account.handle}."
                )
            else:
                results[account.pk] = self._figures(answer[0])
        return results

    # --- the wire --------------------------------------------------------------------------

    def _get(self, base_url: str, api_key: str, params: dict[str, str]) -> list[dict] | Failure:
        """GET channels.list; the channel items, or a Failure that never contains the key."""
        query = urlencode({"part": "snippet,statistics", **params, "key": api_key}, safe=",@")
        host = urlsplit(base_url).netloc or base_url
        if urlsplit(base_url).scheme not in ("http", "https"):
            # urllib would also open file:// and ftp:// URLs; the form only takes http(s),
            # but a credential saved another way is checked here too.
            return Failure(f"The API base URL {base_url!r} is not an http(s) URL.", halts_run=True)
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            f"{base_url}/channels?{query}",
            headers={"Accept": "application/json", "User-Agent": "KOLHub-enrichment/1"},
        )
        timed_out = Failure(
            f"The YouTube API at {host} did not answer within {self.timeout:g} s.", halts_run=True
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as error:
            return self._http_failure(error)
        except TimeoutError:
            return timed_out
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                return timed_out
            return Failure(
                f"Could not reach the YouTube API at {host}: {error.reason}.", halts_run=True
            )
        except (http.client.HTTPException, OSError) as error:
            cause = error.__class__.__name__ + (f": {error}" if str(error) else "")
            return Failure(
                f"The connection to the YouTube API at {host} failed ({cause}).", halts_run=True
            )
        try:
            payload = json.loads(body)
        except ValueError:
            return Failure(f"The YouTube API at {host} answered with something that is not JSON.")
        items = payload.get("items", []) if isinstance(payload, dict) else None
        if not isinstance(items, list):
            return Failure(f"The YouTube API at {host} answered without a list of channels.")
        return [item for item in items if isinstance(item, dict)]

    @staticmethod
    def _http_failure(error: urllib.error.HTTPError) -> Failure:
        # Google's error body: {"error": {"code", "message", "errors": [{"reason"}],
        # "details": [{"reason": "API_KEY_INVALID"}]}}; the reason is what a person can act on.
        try:
            detail = json.loads(error.read(MAX_RESPONSE_BYTES)).get("error") or {}
        except (ValueError, AttributeError, OSError):
            detail = {}
        if not isinstance(detail, dict):
            detail = {}
        reasons = [
            e.get("reason")
            for e in [*(detail.get("errors") or []), *(detail.get("details") or [])]
            if isinstance(e, dict) and e.get("reason")
        ]
        message = strip_tags(str(detail.get("message") or error.reason or "")).strip()
        reason = reasons[0] if reasons else f"HTTP {error.code}"
        text = f"The YouTube API refused the request ({reason}, HTTP {error.code})"
        halts = error.code in (401, 403, 429) or bool(KEY_WIDE_REASONS.intersection(reasons))
        return Failure(f"{text}: {message}" if message else f"{text}.", halts_run=halts)

    # --- channel resource -> our figures -------------------------------------------------

    @staticmethod
    def _figures(item: Mapping[str, Any]) -> Figures:
        channel_id = str(item.get("id") or "")
        stats = item.get("statistics") or {}
        snippet = item.get("snippet") or {}
        values: dict[str, int] = {}
        subscribers = _count(stats.get("subscriberCount"))
        # A hidden count is absent from the response: keep whatever figure we had.
        if subscribers is not None and not stats.get("hiddenSubscriberCount"):
            values["followers"] = subscribers
        views, videos = _count(stats.get("viewCount")), _count(stats.get("videoCount"))
        if views is not None and videos is not None:
            values["avg_views"] = views // max(videos, 1)
        custom_url = str(snippet.get("customUrl") or "")
        url = (
            f"https://www.youtube.com/{custom_url}"
            if custom_url.startswith("@")
            else f"https://www.youtube.com/channel/{channel_id}"
        )
        return Figures(
            external_id=channel_id,
            values=values,
            title=str(snippet.get("title") or ""),
            url=url,
            photo_url=_best_thumbnail(snippet.get("thumbnails") or {}),
        )


def _count(value: Any) -> int | None:
    # The API sends counts as strings of unsigned longs.
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _best_thumbnail(thumbnails: Mapping[str, Any]) -> str:
    for size in ("high", "medium", "default"):
        url = (thumbnails.get(size) or {}).get("url") if isinstance(thumbnails, dict) else None
        if isinstance(url, str) and url.startswith("https://") and len(url) <= 500:
            return url
    return ""


# --- registry ------------------------------------------------------------------------------

_ADAPTERS: dict[str, PlatformAdapter] = {}


def register(adapter: PlatformAdapter) -> None:
    _ADAPTERS[adapter.platform] = adapter


def adapter_for(platform: str) -> PlatformAdapter | None:
    return _ADAPTERS.get(platform)


def adapter_platforms() -> list[str]:
    return list(_ADAPTERS)


def adapters() -> Iterable[PlatformAdapter]:
    return list(_ADAPTERS.values())


register(YouTubeAdapter())
