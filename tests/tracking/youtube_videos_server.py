"""A local YouTube Data API v3 videos.list (GET /youtube/v3/videos) on 127.0.0.1, answering
like Google: `items` only for the videos that exist (no `items` at all when none does),
statistics as strings, errors as Google's JSON error body, more than 50 ids refused."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.creators.test_enrichment import API_KEY, BAD_KEY, QUOTA_EXCEEDED, google_error

__all__ = ["API_KEY", "BAD_KEY", "QUOTA_EXCEEDED", "FakeYouTubeVideos", "google_error", "video"]


def video(video_id: str, *, views: int = 1000, likes: int | None = 50, comments: int = 4) -> dict:
    """A video resource as videos.list?part=statistics returns it."""
    statistics = {"viewCount": str(views), "favoriteCount": "0", "commentCount": str(comments)}
    if likes is not None:  # the owner can hide the like count: then it is absent
        statistics["likeCount"] = str(likes)
    return {"kind": "youtube#video", "etag": f"etag-{video_id}", "id": video_id,
            "statistics": statistics}  # fmt: skip


class FakeYouTubeVideos:
    def __init__(self, api_key: str = API_KEY):
        self.api_keys = {api_key}
        self.videos: dict[str, dict] = {}
        self.errors: dict[str, tuple] = {}  # video id -> (status, body) for any request asking it
        self.raw: dict[str, bytes] = {}  # video id -> a non-JSON 200 body
        self.requests: list[dict[str, list[str]]] = []
        self._server: ThreadingHTTPServer | None = None

    def add(self, *items: dict) -> None:
        for item in items:
            self.videos[item["id"]] = item

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/youtube/v3"

    def asked_ids(self) -> list[list[str]]:
        return [r["id"][0].split(",") for r in self.requests if "id" in r]

    def respond(self, path: str, params: dict[str, list[str]]) -> tuple[int, dict | bytes]:
        if path != "/youtube/v3/videos":
            return 404, {"error": {"code": 404, "message": "Not Found", "errors": []}}
        if params.get("key", [""])[0] not in self.api_keys:
            return BAD_KEY
        if params.get("part", [""])[0] != "statistics":
            return google_error(400, "invalidPart", "The part parameter is not valid here.")
        wanted = params.get("id", [""])[0].split(",")
        if len(wanted) > 50:
            return google_error(400, "invalidFilters", "No more than 50 video ids per request.")
        for video_id in wanted:
            if video_id in self.errors:
                return self.errors[video_id]
            if video_id in self.raw:
                return 200, self.raw[video_id]
        found = [self.videos[v] for v in wanted if v in self.videos]
        body: dict = {"kind": "youtube#videoListResponse", "etag": "list-etag",
                      "pageInfo": {"totalResults": len(found), "resultsPerPage": len(found)}}  # fmt: skip
        if found:
            body["items"] = found
        return 200, body

    def __enter__(self) -> FakeYouTubeVideos:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                url = urlsplit(self.path)
                params = parse_qs(url.query, keep_blank_values=True)
                fake.requests.append(params)
                status, body = fake.respond(url.path, params)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
