"""Enrichment: the YouTube adapter speaking the real channels.list wire format to a local
HTTP server, the refresh service recording failures per account, stale selection, and
the tasks (tenant task and beat)."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from creators import services as creator_services
from creators.enrichment import adapters, selectors, services, tasks
from creators.enrichment.adapters import Failure, Figures, YouTubeAdapter
from creators.models import Creator, Platform, SocialAccount
from kolhub.celery import app
from tests.conftest import make_tenant
from tests.creators.factories import make_creator

API_KEY = "AIzaTestKeyForTheFakeYouTubeServer00001"

# --- a local YouTube Data API v3 ------------------------------------------------------------


def channel_id(n: int) -> str:
    # Real channel ids are "UC" followed by 22 characters.
    return f"UC{n:022d}"


def channel(
    cid: str, *, subscribers: int | None = 12_345, views: int = 1_000_000, videos: int = 200,
    hidden: bool = False, custom_url: str | None = None, title: str = "A channel",
) -> dict:  # fmt: skip
    """A channel resource as channels.list?part=snippet,statistics returns it."""
    statistics = {"viewCount": str(views), "hiddenSubscriberCount": hidden,
                  "videoCount": str(videos)}  # fmt: skip
    if subscribers is not None and not hidden:
        statistics["subscriberCount"] = str(subscribers)
    thumbs = {size: {"url": f"https://yt3.ggpht.com/{cid}=s{px}", "width": px, "height": px}
              for size, px in (("default", 88), ("medium", 240), ("high", 800))}  # fmt: skip
    return {
        "kind": "youtube#channel",
        "etag": f"etag-{cid}",
        "id": cid,
        "snippet": {
            "title": title,
            "description": "Videos about things.",
            "customUrl": custom_url or f"@{cid.lower()}",
            "publishedAt": "2014-03-02T10:00:00Z",
            "thumbnails": thumbs,
            "localized": {"title": title, "description": "Videos about things."},
            "country": "US",
        },
        "statistics": statistics,
    }


def google_error(status: int, reason: str, message: str, details_reason: str = "") -> tuple:
    """Google's JSON error body, as the API sends it."""
    body: dict = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube.quota", "reason": reason}],
        }
    }
    if details_reason:
        body["error"]["status"] = "INVALID_ARGUMENT"
        info = "type.googleapis.com/google.rpc.ErrorInfo"
        body["error"]["details"] = [
            {"@type": info, "reason": details_reason, "domain": "googleapis.com"}
        ]
    return status, body


QUOTA_EXCEEDED = google_error(
    403, "quotaExceeded",
    'The request cannot be completed because you have exceeded your <a href="/youtube/v3/'
    'getting-started#quota">quota</a>.',
)  # fmt: skip
BAD_KEY = google_error(
    400, "badRequest", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID"
)


class FakeYouTube:
    """GET /youtube/v3/channels on 127.0.0.1 (an ephemeral port), answering like Google:
    `items` only for the channels that exist, errors as Google's JSON body."""

    def __init__(self, api_key: str = API_KEY):
        self.api_keys = {api_key}
        self.channels: dict[str, dict] = {}
        self.handles: dict[str, str] = {}  # "@handle" (lower-case) -> channel id
        self.errors: dict[str, tuple] = {}  # channel id or "@handle" -> (status, body)
        self.slow: dict[str, float] = {}  # channel id or "@handle" -> seconds
        self.requests: list[dict[str, list[str]]] = []
        self._server: ThreadingHTTPServer | None = None

    def add(self, item: dict, handle: str = "") -> dict:
        self.channels[item["id"]] = item
        if handle:
            self.handles[f"@{handle.lower()}"] = item["id"]
        return item

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/youtube/v3"

    def asked_ids(self) -> list[list[str]]:
        return [r["id"][0].split(",") for r in self.requests if "id" in r]

    def respond(self, path: str, params: dict[str, list[str]]) -> tuple[int, dict]:
        if path != "/youtube/v3/channels":
            return 404, {"error": {"code": 404, "message": "Not Found", "errors": []}}
        if params.get("key", [""])[0] not in self.api_keys:
            return BAD_KEY
        if "part" not in params:
            return google_error(400, "required", "No filter selected. Expected one of: id, …")
        if "id" in params:
            wanted = params["id"][0].split(",")
            found = [self.channels[i] for i in wanted if i in self.channels]
        else:
            handle = params.get("forHandle", [""])[0].lower()
            wanted = [handle]
            found = [self.channels[self.handles[handle]]] if handle in self.handles else []
        for key in wanted:
            if key in self.slow:
                time.sleep(self.slow[key])
            if key in self.errors:
                return self.errors[key]
        body: dict = {"kind": "youtube#channelListResponse", "etag": "list-etag",
                      "pageInfo": {"totalResults": len(found), "resultsPerPage": 5}}  # fmt: skip
        if found:  # like Google, no `items` at all when nothing matched
            body["items"] = found
        return 200, body

    def __enter__(self) -> FakeYouTube:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's naming)
                url = urlsplit(self.path)
                params = parse_qs(url.query, keep_blank_values=True)
                fake.requests.append(params)
                status, body = fake.respond(url.path, params)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout tests)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def youtube():
    with FakeYouTube() as server:
        yield server


@pytest.fixture
def fast_timeout(monkeypatch):
    monkeypatch.setattr(YouTubeAdapter, "timeout", 0.3)


def set_key(tenant, server: FakeYouTube, *, api_key: str = API_KEY, stale_after_days: int = 7):
    with tenant.context():
        return creator_services.platform_credential_set(
            organization=tenant.organization, platform=Platform.YOUTUBE, api_key=api_key,
            base_url=server.base_url, stale_after_days=stale_after_days,
        )  # fmt: skip


def youtube_creator(tenant, *accounts: dict, **data) -> Creator:
    with tenant.context():
        return make_creator(
            tenant.organization,
            accounts=[{"platform": "youtube", **a} for a in accounts],
            **data,
        )


def account_of(tenant, handle: str) -> SocialAccount:
    with tenant.context():
        return SocialAccount.objects.select_related("creator").get(handle=handle)


def refresh(tenant, *handles: str, **kwargs) -> services.RefreshSummary:
    with tenant.context():
        ids = list(SocialAccount.objects.filter(handle__in=handles).values_list("pk", flat=True))
        return services.refresh_accounts(
            organization=tenant.organization, account_ids=ids, **kwargs
        )


pytestmark = pytest.mark.django_db


# --- the adapter on the wire ----------------------------------------------------------------


def test_refresh_writes_figures_with_api_provenance(tenant_a, youtube):
    cid = channel_id(1)
    youtube.add(channel(cid, subscribers=250_000, views=9_000_000, videos=300,
                        custom_url="@drskin"))  # fmt: skip
    set_key(tenant_a, youtube)
    creator = youtube_creator(tenant_a, {"handle": "drskin", "external_id": cid,
                                         "followers": 1000, "engagement_rate": "3.5"})  # fmt: skip

    summary = refresh(tenant_a, "drskin")

    account = account_of(tenant_a, "drskin")
    assert summary.refreshed == [account.pk] and not summary.failed
    assert account.followers == 250_000
    assert account.avg_views == 9_000_000 // 300
    assert account.external_id == cid
    assert account.url == "https://www.youtube.com/@drskin"
    assert account.provenance["followers"]["source"] == "api"
    assert account.provenance["avg_views"]["source"] == "api"
    # A figure the API does not give keeps where it came from.
    assert account.provenance["engagement_rate"]["source"] == "manual"
    assert account.last_refreshed_at and timezone.now() - account.last_refreshed_at < timedelta(
        minutes=1
    )
    assert account.refresh_error == "" and account.refresh_failed_at is None
    with tenant_a.context():
        creator.refresh_from_db()
    # Derived fields follow the account: the creator's total and tier.
    assert creator.followers == 250_000 and creator.tier == "mid"
    assert creator.photo_url == f"https://yt3.ggpht.com/{cid}=s800"


def test_the_request_carries_part_id_and_key(tenant_a, youtube):
    cid = channel_id(2)
    youtube.add(channel(cid))
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "keyed", "external_id": cid})

    refresh(tenant_a, "keyed")

    (request,) = youtube.requests
    assert request["part"] == ["snippet,statistics"]
    assert request["id"] == [cid]
    assert request["key"] == [API_KEY]


def test_a_handle_without_channel_id_is_looked_up_and_its_id_stored(tenant_a, youtube):
    cid = channel_id(3)
    youtube.add(channel(cid, subscribers=4_200), handle="HandleOnly")
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "handleonly"})

    summary = refresh(tenant_a, "handleonly")

    (request,) = youtube.requests
    assert request["forHandle"] == ["@handleonly"] and "id" not in request
    account = account_of(tenant_a, "handleonly")
    assert summary.refreshed == [account.pk]
    assert account.external_id == cid
    assert account.followers == 4_200
    # The next refresh asks by id, batched with the others.
    refresh(tenant_a, "handleonly")
    assert youtube.requests[-1]["id"] == [cid]


def test_hidden_subscriber_count_keeps_the_previous_followers(tenant_a, youtube):
    cid = channel_id(4)
    youtube.add(channel(cid, hidden=True, views=500_000, videos=50))
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "shy", "external_id": cid, "followers": 77_000})

    summary = refresh(tenant_a, "shy")

    account = account_of(tenant_a, "shy")
    assert summary.refreshed == [account.pk]
    assert account.followers == 77_000  # not 0, not None: the API said nothing about it
    assert account.provenance["followers"]["source"] == "manual"
    assert account.avg_views == 10_000
    assert account.provenance["avg_views"]["source"] == "api"
    assert account.last_refreshed_at is not None


def test_zero_videos_does_not_divide_by_zero(tenant_a, youtube):
    cid = channel_id(5)
    youtube.add(channel(cid, views=0, videos=0, subscribers=3))
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "newchannel", "external_id": cid})

    refresh(tenant_a, "newchannel")

    account = account_of(tenant_a, "newchannel")
    assert (account.followers, account.avg_views) == (3, 0)


def test_quota_error_and_missing_channel_are_recorded_while_the_others_refresh(tenant_a, youtube):
    ok, gone = channel_id(10), channel_id(11)
    youtube.add(channel(ok, subscribers=5_000))
    youtube.add(channel(channel_id(12)), handle="quotahandle")
    youtube.errors["@quotahandle"] = QUOTA_EXCEEDED
    set_key(tenant_a, youtube)
    youtube_creator(
        tenant_a,
        {"handle": "fine", "external_id": ok, "followers": 10},
        {"handle": "vanished", "external_id": gone, "followers": 20},
        {"handle": "quotahandle", "followers": 30},
    )

    summary = refresh(tenant_a, "fine", "vanished", "quotahandle")

    fine, vanished, quota = (account_of(tenant_a, h) for h in ("fine", "vanished", "quotahandle"))
    assert summary.refreshed == [fine.pk]
    assert set(summary.failed) == {vanished.pk, quota.pk}
    assert fine.followers == 5_000 and fine.refresh_error == ""
    assert vanished.refresh_error == f"Channel not found: no YouTube channel has the id {gone}."
    assert "quotaExceeded" in quota.refresh_error and "HTTP 403" in quota.refresh_error
    assert "exceeded your quota" in quota.refresh_error  # Google's message, tags stripped
    assert "<a" not in quota.refresh_error
    for failed in (vanished, quota):
        assert failed.refresh_failed_at is not None
        assert failed.last_refreshed_at is None  # a failure is not a refresh
        assert failed.followers in (20, 30)  # figures untouched
        assert API_KEY not in failed.refresh_error


def test_handle_not_found_is_recorded(tenant_a, youtube):
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "nobodyhere"})

    refresh(tenant_a, "nobodyhere")

    assert account_of(tenant_a, "nobodyhere").refresh_error == (
        "Channel not found: no YouTube channel has the handle @nobodyhere."
    )


def test_ids_are_batched_fifty_per_request(tenant_a, youtube):
    handles = [f"batch{n}" for n in range(120)]
    for n, _handle in enumerate(handles):
        youtube.add(channel(channel_id(1000 + n), subscribers=1000 + n))
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, *[{"handle": h, "external_id": channel_id(1000 + n)}
                                for n, h in enumerate(handles)])  # fmt: skip

    summary = refresh(tenant_a, *handles)

    assert [len(ids) for ids in youtube.asked_ids()] == [50, 50, 20]
    assert len({i for ids in youtube.asked_ids() for i in ids}) == 120
    assert len(summary.refreshed) == 120 and not summary.failed
    assert account_of(tenant_a, "batch119").followers == 1119
    for request in youtube.requests:
        assert request["key"] == [API_KEY] and request["part"] == ["snippet,statistics"]


def test_a_key_wide_error_fails_the_rest_of_the_run_without_more_requests(tenant_a, youtube):
    handles = [f"q{n}" for n in range(60)]
    youtube.errors[channel_id(2000)] = QUOTA_EXCEEDED
    set_key(tenant_a, youtube)
    by_id = [{"handle": h, "external_id": channel_id(2000 + n)} for n, h in enumerate(handles)]
    youtube_creator(tenant_a, *by_id, {"handle": "byhandle"})

    summary = refresh(tenant_a, *handles, "byhandle")

    # The first batch was refused for the key's quota: the second batch and the handle
    # lookup would be refused too, so they are not sent.
    assert len(youtube.requests) == 1
    assert len(summary.failed) == 61 and not summary.refreshed
    assert all("quotaExceeded" in reason for reason in summary.failed.values())


def test_an_invalid_key_is_named(tenant_a, youtube):
    cid = channel_id(6)
    youtube.add(channel(cid))
    set_key(tenant_a, youtube, api_key="AIzaNotTheRightKeyAtAll000000000000000")
    youtube_creator(tenant_a, {"handle": "wrongkey", "external_id": cid})

    refresh(tenant_a, "wrongkey")

    error = account_of(tenant_a, "wrongkey").refresh_error
    assert "HTTP 400" in error and "API key not valid" in error
    assert "AIzaNotTheRightKey" not in error


def test_timeouts_are_recorded_and_halt_the_run(tenant_a, youtube, fast_timeout):
    slow = channel_id(20)
    youtube.add(channel(slow))
    youtube.add(channel(channel_id(21)), handle="afterslow")
    youtube.slow[slow] = 1.5
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "slowpoke", "external_id": slow},
                    {"handle": "afterslow"})  # fmt: skip

    started = time.monotonic()
    summary = refresh(tenant_a, "slowpoke", "afterslow")

    # One timeout, not one per request: the handle lookup after it is not attempted.
    assert time.monotonic() - started < 1.4
    assert len(youtube.requests) == 1
    assert len(summary.failed) == 2
    error = account_of(tenant_a, "slowpoke").refresh_error
    assert error.startswith("The YouTube API at 127.0.0.1:") and "within 0.3 s" in error
    assert account_of(tenant_a, "afterslow").refresh_error == error


def test_an_unreachable_server_is_recorded(tenant_a, youtube):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tenant_a.context():
        creator_services.platform_credential_set(
            organization=tenant_a.organization, platform=Platform.YOUTUBE, api_key=API_KEY,
            base_url=f"http://127.0.0.1:{port}/youtube/v3",
        )  # fmt: skip
    youtube_creator(tenant_a, {"handle": "offline", "external_id": channel_id(30)})

    summary = refresh(tenant_a, "offline")

    assert len(summary.failed) == 1
    assert account_of(tenant_a, "offline").refresh_error.startswith(
        f"Could not reach the YouTube API at 127.0.0.1:{port}:"
    )


def test_a_later_success_clears_the_failure(tenant_a, youtube):
    cid = channel_id(40)
    youtube.errors[cid] = QUOTA_EXCEEDED
    youtube.add(channel(cid, subscribers=900))
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "comeback", "external_id": cid})
    refresh(tenant_a, "comeback")
    assert account_of(tenant_a, "comeback").refresh_error

    del youtube.errors[cid]
    refresh(tenant_a, "comeback")

    account = account_of(tenant_a, "comeback")
    assert (account.refresh_error, account.refresh_failed_at) == ("", None)
    assert account.followers == 900


def test_no_key_is_a_failure_and_other_platforms_are_skipped(tenant_a):
    youtube_creator(tenant_a, {"handle": "nokey", "external_id": channel_id(50)})
    with tenant_a.context():
        make_creator(tenant_a.organization, accounts=[{"platform": "instagram", "handle": "insta"}])

    summary = refresh(tenant_a, "nokey", "insta")

    nokey, insta = account_of(tenant_a, "nokey"), account_of(tenant_a, "insta")
    assert summary.failed == {nokey.pk: "No YouTube API key is set up for this organization."}
    assert summary.skipped == [insta.pk]
    assert insta.refresh_error == "" and insta.refresh_failed_at is None


def test_an_adapter_that_crashes_is_recorded_not_raised(tenant_a, youtube, monkeypatch):
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "crashy", "external_id": channel_id(60)})

    def boom(self, accounts, credential):
        raise KeyError("surprise")

    monkeypatch.setattr(YouTubeAdapter, "fetch", boom)
    summary = refresh(tenant_a, "crashy")

    assert list(summary.failed.values()) == ["The YouTube adapter failed: KeyError."]


def test_figures_that_fail_validation_fail_that_account_only(tenant_a, youtube, monkeypatch):
    good, bad = channel_id(70), channel_id(71)
    youtube.add(channel(good, subscribers=10))
    youtube.add(channel(bad, subscribers=20))
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "goodone", "external_id": good},
                    {"handle": "badone", "external_id": bad})  # fmt: skip
    real = YouTubeAdapter._figures

    def figures(item):
        result = real(item)
        if item["id"] == bad:  # a platform answering nonsense must not poison the batch
            return Figures(external_id=bad, values={"followers": -5})
        return result

    monkeypatch.setattr(YouTubeAdapter, "_figures", staticmethod(figures))
    summary = refresh(tenant_a, "goodone", "badone")

    goodone, badone = account_of(tenant_a, "goodone"), account_of(tenant_a, "badone")
    assert summary.refreshed == [goodone.pk] and goodone.followers == 10
    assert badone.refresh_error.startswith("The figures could not be saved:")
    assert badone.followers is None


def test_adapter_speaks_the_wire_without_a_database(youtube):
    """The adapter alone: plain objects in, outcomes out, nothing raised."""
    youtube.add(channel(channel_id(80), subscribers=1))
    reasons = [{"reason": "backendError"}]
    backend_error = {"code": 500, "message": "Backend Error", "errors": reasons}
    youtube.errors["@broken"] = (500, {"error": backend_error})
    credential = SimpleNamespace(api_key=API_KEY, base_url=youtube.base_url + "/")
    accounts = [
        SimpleNamespace(pk=1, handle="a", external_id=channel_id(80)),
        SimpleNamespace(pk=2, handle="b", external_id=channel_id(80)),  # same channel twice
        SimpleNamespace(pk=3, handle="broken", external_id=""),
        SimpleNamespace(pk=4, handle="later", external_id=""),
    ]
    youtube.add(channel(channel_id(81)), handle="later")

    outcomes = YouTubeAdapter().fetch(accounts, credential)

    assert isinstance(outcomes[1], Figures) and outcomes[1] == outcomes[2]
    assert outcomes[1].values == {"followers": 1, "avg_views": 5000}
    assert outcomes[1].title == "A channel"
    assert outcomes[3] == Failure(
        "The YouTube API refused the request (backendError, HTTP 500): Backend Error"
    )
    # A server error is about that request: the next lookup still goes out.
    assert isinstance(outcomes[4], Figures) and outcomes[4].external_id == channel_id(81)
    assert len(youtube.requests) == 3


def test_a_response_that_is_not_a_channel_list_is_a_failure(monkeypatch):
    class NotJson(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b"<html>captive portal</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotJson)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        credential = SimpleNamespace(
            api_key=API_KEY, base_url=f"http://127.0.0.1:{server.server_address[1]}"
        )
        outcomes = YouTubeAdapter().fetch(
            [SimpleNamespace(pk=1, handle="x", external_id=channel_id(1))], credential
        )
    finally:
        server.shutdown()
        server.server_close()
    assert "not JSON" in outcomes[1].reason


def test_a_base_url_that_is_not_http_is_refused_without_opening_it(tmp_path):
    (tmp_path / "channels").write_text('{"items": []}')
    credential = SimpleNamespace(api_key=API_KEY, base_url=f"file://{tmp_path}")
    outcomes = YouTubeAdapter().fetch(
        [SimpleNamespace(pk=1, handle="x", external_id=channel_id(1))], credential
    )
    assert outcomes[1].reason.endswith("is not an http(s) URL.")


def test_the_registry_knows_youtube():
    assert adapters.adapter_for(Platform.YOUTUBE).label == "YouTube"
    assert adapters.adapter_for(Platform.INSTAGRAM) is None
    assert adapters.adapter_platforms() == [Platform.YOUTUBE]


# --- stale selection ------------------------------------------------------------------------


def _set(tenant, handle: str, **fields) -> None:
    with tenant.context():
        SocialAccount.objects.filter(handle=handle).update(**fields)


def test_stale_accounts(tenant_a, tenant_b, youtube):
    now = timezone.now()
    set_key(tenant_a, youtube, stale_after_days=7)
    youtube_creator(
        tenant_a,
        *[{"handle": h} for h in ("never", "old", "recent", "failedlately", "failedlongago")],
    )
    with tenant_a.context():
        make_creator(tenant_a.organization, accounts=[{"platform": "instagram", "handle": "ig"}])
    _set(tenant_a, "old", last_refreshed_at=now - timedelta(days=8))
    _set(tenant_a, "recent", last_refreshed_at=now - timedelta(days=2))
    _set(tenant_a, "failedlately", refresh_failed_at=now - timedelta(hours=1), refresh_error="x")
    _set(tenant_a, "failedlongago", refresh_failed_at=now - timedelta(hours=7),
         refresh_error="x", last_refreshed_at=now - timedelta(days=30))  # fmt: skip
    # B has stale YouTube accounts but no key: nothing of B's is stale, and nothing of A's
    # shows up in B.
    youtube_creator(tenant_b, {"handle": "b_never"})

    with tenant_a.context():
        stale = list(
            selectors.stale_accounts(organization=tenant_a.organization).values_list(
                "handle", flat=True
            )
        )
    with tenant_b.context():
        assert not selectors.stale_accounts(organization=tenant_b.organization).exists()

    # Never refreshed first, then the oldest.
    assert stale == ["never", "failedlongago", "old"]

    # A shorter staleness makes "recent" due as well.
    set_key(tenant_a, youtube, stale_after_days=1)
    with tenant_a.context():
        assert "recent" in selectors.stale_accounts(organization=tenant_a.organization).values_list(
            "handle", flat=True
        )


def test_only_stale_leaves_fresh_accounts_alone_so_a_rerun_sends_nothing(tenant_a, youtube):
    cid = channel_id(90)
    youtube.add(channel(cid))
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "twice", "external_id": cid})
    account = account_of(tenant_a, "twice")

    first = tasks.refresh_accounts_task.delay(tenant_a.organization.pk, [account.pk], True).get()
    second = tasks.refresh_accounts_task.delay(tenant_a.organization.pk, [account.pk], True).get()

    assert first["refreshed"] == [account.pk]
    assert second == {"refreshed": [], "failed": {}, "skipped": []}
    assert len(youtube.requests) == 1


# --- tasks ----------------------------------------------------------------------------------


def test_the_task_runs_in_its_tenant_and_cannot_reach_another(tenant_a, tenant_b, youtube):
    cid = channel_id(100)
    youtube.add(channel(cid, subscribers=31_337))
    set_key(tenant_a, youtube)
    set_key(tenant_b, youtube)
    youtube_creator(tenant_a, {"handle": "a_only", "external_id": cid, "followers": 5})
    account = account_of(tenant_a, "a_only")

    # A's account id under B's organization: not found, so nothing is fetched or written.
    crossing = tasks.refresh_accounts_task.delay(tenant_b.organization.pk, [account.pk]).get()
    assert crossing == {"refreshed": [], "failed": {}, "skipped": []}
    assert youtube.requests == []
    assert account_of(tenant_a, "a_only").followers == 5

    result = tasks.refresh_accounts_task.delay(tenant_a.organization.pk, [account.pk]).get()
    assert result["refreshed"] == [account.pk]
    assert account_of(tenant_a, "a_only").followers == 31_337


def test_beat_task_enqueues_per_organization_in_chunks(
    tenant_a, tenant_b, youtube, monkeypatch, django_capture_on_commit_callbacks
):
    tenant_c = make_tenant("Capybara Gamma Tea", "capybara-gamma")  # no key: left alone
    set_key(tenant_a, youtube)
    set_key(tenant_b, youtube)
    youtube_creator(tenant_a, *[{"handle": f"a{n}"} for n in range(5)])
    youtube_creator(tenant_b, *[{"handle": f"b{n}"} for n in range(2)])
    youtube_creator(tenant_c, {"handle": "c0"})
    monkeypatch.setattr(services, "TASK_CHUNK", 2)
    sent: list[tuple] = []
    monkeypatch.setattr(tasks.refresh_accounts_task, "delay", lambda *args: sent.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.refresh_stale_accounts_task.delay().get()

    a, b = tenant_a.organization.pk, tenant_b.organization.pk
    assert result == {"organizations": 2, "accounts": 7, "queued": {str(a): 5, str(b): 2}}
    assert [(org, len(ids), only_stale) for org, ids, only_stale in sent] == [
        (a, 2, True), (a, 2, True), (a, 1, True), (b, 2, True),
    ]  # fmt: skip
    with tenant_a.context():
        a_ids = set(SocialAccount.objects.values_list("pk", flat=True))
    assert {i for org, ids, _ in sent if org == a for i in ids} == a_ids


KEY_A, KEY_B = "AIzaKeyOfOrganizationAlpha000000000000", "AIzaKeyOfBeta000000000000000000000000"


def test_beat_task_refreshes_every_organization_with_its_own_key(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    with FakeYouTube() as server:
        server.api_keys = {KEY_A, KEY_B}
        server.add(channel(channel_id(200), subscribers=111))
        server.add(channel(channel_id(201), subscribers=222))
        set_key(tenant_a, server, api_key=KEY_A)
        set_key(tenant_b, server, api_key=KEY_B)
        youtube_creator(tenant_a, {"handle": "alpha", "external_id": channel_id(200)})
        youtube_creator(tenant_b, {"handle": "beta", "external_id": channel_id(201)})

        with django_capture_on_commit_callbacks(execute=True):
            tasks.refresh_stale_accounts_task.delay().get()

        by_key = {r["key"][0]: r["id"][0] for r in server.requests}
    assert by_key == {KEY_A: channel_id(200),
                      KEY_B: channel_id(201)}  # fmt: skip
    assert account_of(tenant_a, "alpha").followers == 111
    assert account_of(tenant_b, "beta").followers == 222


def test_beat_schedule_runs_the_stale_refresh_hourly():
    entries = [e for e in app.conf.beat_schedule.values()
               if e["task"] == tasks.refresh_stale_accounts_task.name]  # fmt: skip
    assert entries and entries[0]["schedule"] == 60 * 60
    assert tasks.refresh_accounts_task.name == "creators.enrichment.tasks.refresh_accounts_task"
