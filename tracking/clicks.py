"""The /r/<code> fast path and the click buffer.

Request path: code → URL from Redis (database on a miss or when Redis is down), click
pushed to a Redis list; no PostgreSQL write unless Redis is down, when the click goes to
the ClickFallback table instead. Bots, link-preview fetchers and prefetches are
redirected but not recorded.

Dedupe (30 minutes per visitor and link) happens at request time: a Redis key per
(link, visitor) holds the time of the last counted click. The time is compared in Python
(not left to the key's TTL alone) so the rule follows `timezone.now()` and tests can
travel in time. Clicks taken while Redis was down carry `unique=None` and the flush
decides with SQL against the clicks already stored. Every click is stored; repeats carry
is_unique=false, so "recorded" and "unique" are both counts over one table.

Flush: a Lua script moves up to N items from the buffer to a processing list named for
a new batch id and records the id in a pending set, atomically. The batch is COPYed into
a temporary staging table and inserted ON CONFLICT (organization_id, click_id) DO NOTHING, then the
processing list is deleted. A worker killed before the commit leaves the batch in the
pending set, and the next flush runs it again (nothing lost); killed after the commit
and before the delete, the rerun inserts nothing (nothing duplicated)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import re
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tracking.models import ClickFallback, LinkCode, UserAgentClass

log = logging.getLogger(__name__)

DEDUPE_WINDOW = timedelta(minutes=30)
CODE_TTL = 60 * 60
CODE_MAX_LENGTH = 16
BATCH_SIZE = 5000  # Lua's unpack() takes up to ~8000 values

# Crawlers, link unfurlers and HTTP libraries: redirected, never counted.
BOT_UA = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|facebookcatalog|embedly|preview|"
    r"whatsapp|telegram|skypeuripreview|vkshare|pinterest|bitlybot|quora link|"
    r"headlesschrome|lighthouse|curl|wget|python-requests|httpx|go-http-client|okhttp|"
    r"java/|libwww|scrapy|feedfetcher|monitor",
    re.IGNORECASE,
)

MOVE_SCRIPT = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return 0 end
redis.call('LTRIM', KEYS[1], #items, -1)
redis.call('RPUSH', KEYS[2], unpack(items))
redis.call('SADD', KEYS[3], ARGV[2])
return #items
"""

_clients: dict[str, redis.Redis] = {}


def _redis() -> redis.Redis:
    # The Django cache's Redis (settings.CACHES), with short timeouts: a dead Redis must
    # cost a redirect half a second at most, not a hang.
    url = settings.CACHES["default"]["LOCATION"]
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _clients[url]


def _key(name: str) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:tracking:{name}"


BUFFER = "clicks:buffer"
PENDING = "clicks:pending"


def forget_code(code: str) -> None:
    try:
        _redis().delete(_key(f"code:{code}"))
    except redis.RedisError:
        log.warning("tracking: could not drop cached code %s", code)


def resolve_code(code: str) -> dict | None:
    """{"url", "org", "link"} for a code, or None."""
    if len(code) > CODE_MAX_LENGTH or not code.isalnum():
        # Anything we never issue is not looked up: no junk keys in Redis, no query.
        return None
    try:
        cached = _redis().get(_key(f"code:{code}"))
        if cached:
            return json.loads(cached)
        up = True
    except redis.RedisError:
        up = False
    row = (
        LinkCode.objects.filter(code=code)
        .values("target_url", "organization_id", "link_id")
        .first()
    )
    if row is None:
        return None
    target = {"url": row["target_url"], "org": row["organization_id"], "link": row["link_id"]}
    if up:
        with contextlib.suppress(redis.RedisError):
            _redis().set(_key(f"code:{code}"), json.dumps(target), ex=CODE_TTL)
    return target


def is_not_counted(request) -> bool:
    if request.method == "HEAD":
        return True
    purpose = (request.headers.get("Purpose", "") + request.headers.get("Sec-Purpose", "")).lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return True
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOT_UA.search(agent))


def user_agent_class(agent: str) -> str:
    agent = agent.lower()
    if "ipad" in agent or "tablet" in agent:
        return UserAgentClass.TABLET
    if "mobi" in agent or "android" in agent or "iphone" in agent:
        return UserAgentClass.MOBILE
    if "windows" in agent or "macintosh" in agent or "x11" in agent or "cros" in agent:
        return UserAgentClass.DESKTOP
    return UserAgentClass.OTHER


def visitor_hash(ip: str, agent: str) -> str:
    # Keyed by a secret derived from SECRET_KEY: a leaked table cannot be reversed by
    # hashing the IPv4 space.
    key = hashlib.sha256(b"kolhub-tracking-visitor:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{ip}\n{agent}".encode(), hashlib.sha256).hexdigest()


def _first_in_window(client: redis.Redis, link_id: int, visitor: str, now) -> bool:
    key = _key(f"seen:{link_id}:{visitor}")
    stamp = now.timestamp()
    ttl = int(DEDUPE_WINDOW.total_seconds()) + 60
    if client.set(key, stamp, nx=True, ex=ttl):
        return True
    last = client.get(key)
    if last is None or stamp - float(last) >= DEDUPE_WINDOW.total_seconds():
        client.set(key, stamp, ex=ttl)
        return True
    return False


def record_click(request, target: dict) -> str:
    """Queue the click (unless it is a bot or prefetch) and return its click id."""
    click_id = uuid.uuid4().hex
    if is_not_counted(request):
        return click_id
    agent = request.headers.get("User-Agent", "")[:500]
    now = timezone.now()
    visitor = visitor_hash(request.META.get("REMOTE_ADDR", ""), agent)
    referrer = (urlsplit(request.headers.get("Referer", "")).hostname or "")[:255]
    row = {"click_id": click_id, "org": target["org"], "link": target["link"],
           "at": now.isoformat(), "visitor": visitor, "ua": user_agent_class(agent),
           "ref": referrer, "unique": None}  # fmt: skip
    try:
        client = _redis()
        row["unique"] = _first_in_window(client, target["link"], visitor, now)
        client.rpush(_key(BUFFER), json.dumps(row))
    except redis.RedisError:
        log.warning("tracking: Redis unavailable, click %s to the fallback queue", click_id)
        try:
            ClickFallback.objects.create(payload=row)
        except Exception:  # noqa: BLE001 — the redirect must still happen
            log.exception("tracking: click %s lost (Redis and database both failed)", click_id)
    return click_id


# --- flush -------------------------------------------------------------------------

_STAGE_COLUMNS = (
    "click_id, organization_id, link_id, clicked_at, visitor_hash, user_agent_class,"
    " referrer_host, is_unique"
)

_INSERT = """
INSERT INTO tracking_click (organization_id, link_id, click_id, clicked_at, visitor_hash,
                            user_agent_class, referrer_host, is_unique, batch_id,
                            created_at, updated_at)
SELECT s.organization_id, s.link_id, s.click_id, s.clicked_at, s.visitor_hash,
       s.user_agent_class, s.referrer_host,
       COALESCE(s.is_unique,
                -- Taken while Redis was down: the first of this visitor on this link
                -- within the window, among stored clicks and this batch.
                (s.prev_at IS NULL OR s.clicked_at - s.prev_at >= %(window)s)
                AND NOT EXISTS (
                    SELECT 1 FROM tracking_click c
                    WHERE c.link_id = s.link_id AND c.visitor_hash = s.visitor_hash
                      AND c.is_unique AND c.clicked_at <= s.clicked_at
                      AND c.clicked_at > s.clicked_at - %(window)s)),
       s.batch_id, now(), now()
FROM (
    SELECT st.*, %(batch)s AS batch_id,
           lag(st.clicked_at) OVER (PARTITION BY st.link_id, st.visitor_hash
                                    ORDER BY st.clicked_at) AS prev_at
    FROM tracking_click_stage st
) s
-- A link deleted since the click takes its clicks with it; the organization must match
-- the link's, so a forged buffer entry cannot file a click under another tenant.
JOIN tracking_trackinglink l ON l.id = s.link_id AND l.organization_id = s.organization_id
ON CONFLICT (organization_id, click_id) DO NOTHING
"""


def copy_rows(rows: list[dict], batch_id: str) -> int:
    """COPY rows into staging and insert them; idempotent on click_id. Returns inserted."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.tracking_click_stage")
        cursor.execute(
            "CREATE TEMP TABLE tracking_click_stage (click_id uuid, organization_id bigint,"
            " link_id bigint, clicked_at timestamptz, visitor_hash varchar(64),"
            " user_agent_class varchar(8), referrer_host varchar(255), is_unique boolean)"
            " ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY tracking_click_stage ({_STAGE_COLUMNS}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r["click_id"], r["org"], r["link"], r["at"], r["visitor"],
                                r["ua"], r["ref"], r["unique"]))  # fmt: skip
        cursor.execute(_INSERT, {"window": DEDUPE_WINDOW, "batch": batch_id})
        inserted = cursor.rowcount
        # Imported here: tracking.services imports this module (forget_code).
        from tracking.services.rollups import rollups_mark_dirty_from_stage

        rollups_mark_dirty_from_stage(cursor, "pg_temp.tracking_click_stage")
        cursor.execute("DROP TABLE IF EXISTS pg_temp.tracking_click_stage")
    return inserted


def _flush_batch(client: redis.Redis, batch_id: str) -> int:
    processing = _key(f"clicks:processing:{batch_id}")
    rows = [json.loads(item) for item in client.lrange(processing, 0, -1)]
    inserted = copy_rows(rows, batch_id) if rows else 0
    # Acknowledge only after the commit: a crash before this line reruns the batch, and
    # ON CONFLICT makes the rerun insert nothing twice.
    client.delete(processing)
    client.srem(_key(PENDING), batch_id)
    return inserted


def take_batch(client: redis.Redis, batch_size: int = BATCH_SIZE) -> str | None:
    batch_id = uuid.uuid4().hex
    moved = client.eval(MOVE_SCRIPT, 3, _key(BUFFER), _key(f"clicks:processing:{batch_id}"),
                        _key(PENDING), batch_size, batch_id)  # fmt: skip
    return batch_id if moved else None


def flush_fallback(batch_size: int = BATCH_SIZE) -> int:
    inserted = 0
    while True:
        with transaction.atomic():
            # Row locks, deleted in the same transaction as the insert: a second flusher
            # skips them, a crash rolls both back.
            taken = list(
                ClickFallback.objects.select_for_update(skip_locked=True)
                .order_by("id").values_list("id", "payload")[:batch_size]
            )  # fmt: skip
            if not taken:
                return inserted
            inserted += copy_rows([p for _, p in taken], f"fallback-{taken[0][0]}-{taken[-1][0]}")
            ClickFallback.objects.filter(id__in=[i for i, _ in taken]).delete()


def flush_clicks(batch_size: int = BATCH_SIZE) -> int:
    """Flush every buffered click (Redis, then the fallback table). Returns rows inserted."""
    inserted = 0
    try:
        client = _redis()
        # Batches a killed flush left behind go first.
        for batch_id in client.smembers(_key(PENDING)):
            inserted += _flush_batch(client, batch_id.decode())
        while (batch_id := take_batch(client, batch_size)) is not None:
            inserted += _flush_batch(client, batch_id)
    except redis.RedisError:
        log.warning("tracking: Redis unavailable, flushing only the fallback queue")
    return inserted + flush_fallback(batch_size)
