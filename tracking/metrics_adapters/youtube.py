"""YouTube Data API v3, videos.list with part=statistics: a video's views, likes and
comments (favoriteCount is deprecated and always 0; dislikeCount is private). Up to 50
video ids per request, 1 quota unit each. Reach, impressions, shares and saves are not
public figures on YouTube: they stay unknown (the creator's report or a screenshot gives
them).

Google's error bodies are read by the creator enrichment's YouTube adapter (one reading of
that format for the project): a refused key or an exhausted quota halts the run, since
every later request would fail the same way."""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from creators.enrichment.adapters import MAX_RESPONSE_BYTES, YouTubeAdapter
from creators.models import Platform
from tracking.metrics_adapters.base import (
    AdapterCredential,
    MetricsAdapter,
    PostFigures,
    PostRef,
    PullFailure,
    PullOutcome,
    register,
)

VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
WATCH_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
EMBED_HOSTS = WATCH_HOSTS | {"www.youtube-nocookie.com", "youtube-nocookie.com"}
# /shorts/<id>, /live/<id>, /embed/<id>, /v/<id>: the id is the path's second segment.
PATH_FORMS = {"shorts", "live", "embed", "v"}
# videos.list statistics -> our figures.
STATISTICS = {"viewCount": "views", "likeCount": "likes", "commentCount": "comments"}


def youtube_video_id(url: str) -> str | None:
    """The video id of a YouTube video URL (watch?v=, youtu.be/, /shorts/, /live/,
    /embed/), or None for anything else: a channel, a playlist, another site."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", ""):
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    candidate = ""
    if host == "youtu.be" and segments:
        candidate = segments[0]
    elif host in WATCH_HOSTS and segments == ["watch"]:
        candidate = (parse_qs(parts.query).get("v") or [""])[0]
    elif host in EMBED_HOSTS and len(segments) >= 2 and segments[0] in PATH_FORMS:
        candidate = segments[1]
    return candidate if VIDEO_ID.fullmatch(candidate) else None


class YouTubeVideosAdapter(MetricsAdapter):
    platform = Platform.YOUTUBE
    label = "YouTube"
    default_base_url = "https://www.googleapis.com/youtube/v3"
    max_ids = 50
    # Seconds per request: a hung server cannot eat the task's time limit, and the first
    # timeout halts the rest of the run.
    timeout: float = 10.0

    def external_id(self, url: str) -> str | None:
        return youtube_video_id(url)

    def fetch(
        self, posts: Sequence[PostRef], credential: AdapterCredential
    ) -> dict[int, PullOutcome]:
        base_url = (credential.base_url or self.default_base_url).rstrip("/")
        by_video: dict[str, list[int]] = {}
        for post in posts:
            by_video.setdefault(post.external_id, []).append(post.live_post_id)
        results: dict[int, PullOutcome] = {}
        halted: PullFailure | None = None
        video_ids = list(by_video)
        for start in range(0, len(video_ids), self.max_ids):
            chunk = video_ids[start : start + self.max_ids]
            if halted is not None:
                results.update({pid: halted for vid in chunk for pid in by_video[vid]})
                continue
            answer = self._get(base_url, credential.api_key, chunk)
            if isinstance(answer, PullFailure):
                results.update({pid: answer for vid in chunk for pid in by_video[vid]})
                halted = answer if answer.halts_run else None
                continue
            items = {item.get("id"): item for item in answer}
            for video_id in chunk:
                item = items.get(video_id)
                outcome: PullOutcome = (
                    self._figures(video_id, item)
                    if item is not None
                    else PullFailure(
                        f"Video not found: YouTube has no public video {video_id} (deleted, "
                        "private, or the post's URL is wrong)."
                    )
                )
                results.update({pid: outcome for pid in by_video[video_id]})
        return results

    def _get(self, base_url: str, api_key: str, video_ids: list[str]) -> list[dict] | PullFailure:
        """GET videos.list; the video items, or a failure that never contains the key."""
        parts = urlsplit(base_url)
        host = parts.netloc or base_url
        if parts.scheme not in ("http", "https"):
            # urllib would also open file:// and ftp:// URLs.
            return PullFailure(f"The API base URL {base_url!r} is not an http(s) URL.",
                               halts_run=True)  # fmt: skip
        query = urlencode(
            {"part": "statistics", "id": ",".join(video_ids), "key": api_key}, safe=","
        )
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            f"{base_url}/videos?{query}",
            headers={"Accept": "application/json", "User-Agent": "KOLHub-metrics/1"},
        )
        timed_out = PullFailure(
            f"The YouTube API at {host} did not answer within {self.timeout:g} s.", halts_run=True
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as error:
            return YouTubeAdapter._http_failure(error)
        except TimeoutError:
            return timed_out
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                return timed_out
            return PullFailure(f"Could not reach the YouTube API at {host}: {error.reason}.",
                               halts_run=True)  # fmt: skip
        except (http.client.HTTPException, OSError) as error:
            cause = error.__class__.__name__ + (f": {error}" if str(error) else "")
            return PullFailure(
                f"The connection to the YouTube API at {host} failed ({cause}).", halts_run=True
            )
        try:
            payload = json.loads(body)
        except ValueError:
            return PullFailure(f"The YouTube API at {host} answered with something that is "
                               "not JSON.")  # fmt: skip
        items = payload.get("items", []) if isinstance(payload, dict) else None
        if not isinstance(items, list):
            return PullFailure(f"The YouTube API at {host} answered without a list of videos.")
        return [item for item in items if isinstance(item, dict)]

    @staticmethod
    def _figures(video_id: str, item: Mapping[str, Any]) -> PostFigures:
        stats = item.get("statistics")
        stats = stats if isinstance(stats, dict) else {}
        values: dict[str, int] = {}
        for key, name in STATISTICS.items():
            # Counts arrive as strings; a hidden like count is absent: stays unknown.
            count = _count(stats.get(key))
            if count is not None:
                values[name] = count
        return PostFigures(external_id=video_id, values=values)


def _count(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


register(YouTubeVideosAdapter())
