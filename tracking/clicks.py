"""The /r/<code> fast path and the click buffer.

Request path: one Redis round trip (VISIT_SCRIPT) reads the code's target, decides the
30-minute dedupe and pushes the click to the buffer, atomically; the database is asked
only on a cache miss, and written only when Redis is down, when the click goes to the
ClickFallback table instead. Bots, link-preview fetchers and prefetches are redirected
but not recorded.

Dedupe (30 minutes per visitor and link): a Redis key per (code, visitor) holds the time
of the last counted click; a code belongs to one link for life, so this is per link. The
time comes from `timezone.now()` (not from the key's TTL alone), so tests can travel in
time. Clicks taken while Redis was down carry no decision (`\\N`) and the flush decides
with SQL against the clicks already stored. Every click is stored; repeats carry
is_unique=false, so "recorded" and "unique" are both counts over one table.

Wire format. The code's target is cached at `tracking:target:<code>` as
`<organization_id>\\t<link_id>\\t<url>`. A buffered click is one line of PostgreSQL's COPY
text format, so the flush hands the bytes to COPY untouched:
    click_id (32 hex) \\t organization_id \\t link_id \\t clicked_at (ISO 8601 with offset)
    \\t visitor_hash (64 hex) \\t user_agent_class \\t referrer_host (COPY-escaped)
    \\t is_unique (t, f, or \\N: undecided)
ClickFallback rows keep the same fields as JSON (click_id, org, link, at, visitor, ua,
ref, unique). Lines in the older JSON form are still accepted by the flush.

Flush: a Lua script moves up to BATCH_SIZE lines from the buffer to a processing list
named for a new batch id, records the id in a pending set, and returns the lines,
atomically; a second thread moves the next batch while one is stored. One transaction
per batch then (1) inserts the batch id into ClickBatch, ON CONFLICT DO NOTHING: a batch
found there was stored by an earlier run and is skipped;
(2) COPYs the lines straight into tracking_click (the batch id appended by the line
separator, no per-line work in Python; created_at and updated_at are database defaults);
(3) reads the distinct (organization, link, day) keys of the rows just copied, locking
their links FOR KEY SHARE, and deletes the clicks whose (organization, link) pair does
not exist; (4) marks those days' rollups dirty. Then the processing list is deleted. A
worker killed before the commit leaves the batch pending and the next flush runs it
again (nothing lost); killed after the commit and before the delete, the rerun finds its
ClickBatch row (nothing duplicated). Exactly-once is per batch, not per row: there is no
staging table and no ON CONFLICT on the click id in the normal path. The unique
(organization_id, click_id) index stays (attribution looks clicks up by it) and remains
the backstop: a COPY that meets a stored click id (a click both buffered and queued in
the fallback table when Redis timed out) fails, and the batch takes the staged path
below.

Slow paths, through a temporary staging table and INSERT ... ON CONFLICT DO NOTHING with
the same ClickBatch claim: lines without a dedupe decision (`\\N`, decided in SQL against
stored clicks), JSON lines (the fallback table, the older buffer format), and a batch
PostgreSQL refuses (a malformed line), which is parsed line by line: good lines are
stored, bad ones are moved to `tracking:clicks:rejected` and logged, so one bad line
never blocks the buffer.

Why tracking_click has no database foreign keys (and no index on organization_id or
link_id alone): it is the one table written a million rows at a time. A foreign key
costs an index probe of the parent per click, checked at commit, and the single-column
indexes only served those checks (the composite indexes lead with organization_id and
hold (organization_id, link_id)); together they halved the flush's rate. What the keys
guaranteed is kept, per batch instead of per row: the flush locks the batch's links FOR
KEY SHARE and stores a click only if its link exists and belongs to the click's
organization; tracking_link_delete locks the link FOR UPDATE before Django's collector
deletes its clicks (on_delete=CASCADE is Django's), so a flush commits before the delete
or finds the link gone. Not covered: a link deleted through a cascade from its
collaboration, campaign or organization while a flush holding its clicks commits can
leave those clicks behind; reads join clicks to their link (attribution's click lookup,
the rollups, the link pages), so such rows are never shown or counted. The flush runs as
the database owner (a platform job): COPY into a table with row-level security needs a
role that bypasses it."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import logging
import re
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import psycopg
import redis
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from kolhub.clients import client_ip
from tracking.click_ids import new_click_id
from tracking.models import ClickBatch, ClickFallback, LinkCode, UserAgentClass

log = logging.getLogger(__name__)

DEDUPE_WINDOW = timedelta(minutes=30)
CODE_TTL = 60 * 60
CODE_MAX_LENGTH = 16
# Lines per flush transaction: big enough that a backlog of a million clicks is twenty
# transactions, small enough that one batch stays far inside the task's time limit.
BATCH_SIZE = 50_000

# Crawlers, link unfurlers and HTTP libraries: redirected, never counted.
BOT_UA = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|facebookcatalog|embedly|preview|"
    r"whatsapp|telegram|skypeuripreview|vkshare|pinterest|bitlybot|quora link|"
    r"headlesschrome|lighthouse|curl|wget|python-requests|httpx|go-http-client|okhttp|"
    r"java/|libwww|scrapy|feedfetcher|monitor",
    re.IGNORECASE,
)

# KEYS: target:<code>, seen:<code>:<visitor>, the buffer.
# ARGV: 1 record ('1') or not ('0'), 2 now (epoch seconds), 3 window (s), 4 seen TTL (s),
# 5 click id, 6 the line's fields after the link id up to the referrer, 7 the target to
# cache when it is missing ('' leaves a miss a miss), 8 its TTL.
# Returns false on a miss, else {target, 't' | 'f' | ''}.
VISIT_SCRIPT = """
local target = redis.call('GET', KEYS[1])
if not target then
  if ARGV[7] == '' then return false end
  target = ARGV[7]
  redis.call('SET', KEYS[1], target, 'EX', ARGV[8])
end
if ARGV[1] == '0' then return {target, ''} end
local org, link = string.match(target, '^(%d+)\\t(%d+)\\t')
local unique = 't'
local last = redis.call('GET', KEYS[2])
if last and tonumber(ARGV[2]) - tonumber(last) < tonumber(ARGV[3]) then
  unique = 'f'
else
  redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[4])
end
redis.call('RPUSH', KEYS[3], ARGV[5] .. '\\t' .. org .. '\\t' .. link .. '\\t' .. ARGV[6]
                             .. '\\t' .. unique)
return {target, unique}
"""

# KEYS: the buffer, the new processing list, the pending set. ARGV: batch size, batch id.
# Run twice for one batch id (a retried call), it returns the batch it already moved.
# RPUSH takes the items in slices: Lua's unpack() stops near 8000 values.
MOVE_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.call('LRANGE', KEYS[2], 0, -1) end
local size = tonumber(ARGV[1])
local items
if redis.call('LLEN', KEYS[1]) <= size then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
  items = redis.call('LRANGE', KEYS[2], 0, -1)
else
  items = redis.call('LRANGE', KEYS[1], 0, size - 1)
  redis.call('LTRIM', KEYS[1], size, -1)
  for i = 1, #items, 5000 do
    redis.call('RPUSH', KEYS[2], unpack(items, i, math.min(i + 4999, #items)))
  end
end
redis.call('SADD', KEYS[3], ARGV[2])
return items
"""

_clients: dict[str, redis.Redis] = {}
_scripts: dict[str, redis.commands.core.Script] = {}


def _redis() -> redis.Redis:
    # The Django cache's Redis (settings.CACHES), with short timeouts and no retries: a
    # dead Redis must cost a redirect half a second at most, not a hang (redis-py would
    # try four times), and a click or a batch move is never run twice by a retry.
    url = settings.CACHES["default"]["LOCATION"]
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5,
                                             retry=Retry(NoBackoff(), 0))  # fmt: skip
    return _clients[url]


def _script(client: redis.Redis, source: str):
    # EVALSHA, falling back to EVAL once after a Redis restart (redis-py's Script).
    key = f"{id(client)}:{hash(source)}"
    if key not in _scripts:
        _scripts[key] = client.register_script(source)
    return _scripts[key]


def _key(name: str) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:tracking:{name}"


BUFFER = "clicks:buffer"
PENDING = "clicks:pending"
REJECTED = "clicks:rejected"


def forget_code(code: str) -> None:
    try:
        _redis().delete(_key(f"target:{code}"))
    except redis.RedisError:
        log.warning("tracking: could not drop cached code %s", code)


def _issuable(code: str) -> bool:
    # Anything we never issue is not looked up: no junk keys in Redis, no query.
    return len(code) <= CODE_MAX_LENGTH and code.isalnum()


def _target_from_db(code: str) -> dict | None:
    row = (
        LinkCode.objects.filter(code=code)
        .values("target_url", "organization_id", "link_id")
        .first()
    )
    if row is None:
        return None
    return {"url": row["target_url"], "org": row["organization_id"], "link": row["link_id"],
            "code": code}  # fmt: skip


def _encode_target(target: dict) -> str:
    return f"{target['org']}\t{target['link']}\t{target['url']}"


def _decode_target(code: str, value: bytes) -> dict:
    org, link, url = value.decode().split("\t", 2)
    return {"url": url, "org": int(org), "link": int(link), "code": code}


def resolve_code(code: str) -> dict | None:
    """{"url", "org", "link", "code"} for a code, or None."""
    if not _issuable(code):
        return None
    try:
        cached = _redis().get(_key(f"target:{code}"))
        if cached:
            return _decode_target(code, cached)
        up = True
    except redis.RedisError:
        up = False
    target = _target_from_db(code)
    if target is not None and up:
        with contextlib.suppress(redis.RedisError):
            _redis().set(_key(f"target:{code}"), _encode_target(target), ex=CODE_TTL)
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


@functools.cache
def _visitor_key(secret: str) -> bytes:
    return hashlib.sha256(b"kolhub-tracking-visitor:" + secret.encode()).digest()


def visitor_hash(ip: str, agent: str) -> str:
    # Keyed by a secret derived from SECRET_KEY: a leaked table cannot be reversed by
    # hashing the IPv4 space.
    key = _visitor_key(settings.SECRET_KEY)
    return hmac.new(key, f"{ip}\n{agent}".encode(), hashlib.sha256).hexdigest()


def _copy_text(value: str) -> str:
    """A value escaped for COPY's text format (the referrer is the one free-text field)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t")
        value = value.replace("\n", "\\n").replace("\r", "\\r")
    return value


@dataclass(frozen=True)
class _Click:
    click_id: str
    at: datetime
    visitor: str
    ua: str
    ref: str

    def rest(self) -> str:
        """The line's fields between the link id and the dedupe decision."""
        return f"{self.at.isoformat()}\t{self.visitor}\t{self.ua}\t{_copy_text(self.ref)}"

    def fallback_row(self, target: dict) -> dict:
        return {"click_id": self.click_id, "org": target["org"], "link": target["link"],
                "at": self.at.isoformat(), "visitor": self.visitor, "ua": self.ua,
                "ref": self.ref, "unique": None}  # fmt: skip


def _click_of(request, click_id: str) -> _Click:
    agent = request.headers.get("User-Agent", "")[:500]
    return _Click(
        click_id=click_id,
        at=timezone.now(),
        # Behind the TLS proxy REMOTE_ADDR is the proxy's: every visitor would be one.
        visitor=visitor_hash(client_ip(request) or "", agent),
        ua=user_agent_class(agent),
        ref=(urlsplit(request.headers.get("Referer", "")).hostname or "")[:255],
    )


def _run_visit(client: redis.Redis, code: str, click: _Click | None, cache: str) -> list | None:
    args = ["0", "0", "0", "0", "", "", cache, CODE_TTL]
    visitor = "-"
    if click is not None:
        window = int(DEDUPE_WINDOW.total_seconds())
        args[:6] = ["1", repr(click.at.timestamp()), window, window + 60, click.click_id,
                    click.rest()]  # fmt: skip
        visitor = click.visitor
    keys = [_key(f"target:{code}"), _key(f"seen:{code}:{visitor}"), _key(BUFFER)]
    return _script(client, VISIT_SCRIPT)(keys=keys, args=args, client=client)


@dataclass(frozen=True)
class Visit:
    url: str
    click_id: str


def visit_link(request, code: str) -> Visit | None:
    """Resolve the code and queue the click (unless it is a bot or prefetch): one Redis
    round trip when the code is cached. None for a code that leads nowhere."""
    if not _issuable(code):
        return None
    click_id = new_click_id().hex
    click = None if is_not_counted(request) else _click_of(request, click_id)
    target = None
    try:
        client = _redis()
        found = _run_visit(client, code, click, cache="")
        if not found:
            target = _target_from_db(code)
            if target is None:
                return None
            found = _run_visit(client, code, click, cache=_encode_target(target))
        return Visit(url=found[0].decode().split("\t", 2)[2], click_id=click_id)
    except redis.RedisError:
        log.warning("tracking: Redis unavailable, click %s to the fallback queue", click_id)
    target = target or _target_from_db(code)
    if target is None:
        return None
    if click is not None:
        try:
            ClickFallback.objects.create(payload=click.fallback_row(target))
        except Exception:  # noqa: BLE001 — the redirect must still happen
            log.exception("tracking: click %s lost (Redis and database both failed)", click_id)
    return Visit(url=target["url"], click_id=click_id)


def record_click(request, target: dict) -> str:
    """Queue the click on a resolved target (from resolve_code) and return its click id."""
    click_id = new_click_id().hex
    if is_not_counted(request):
        return click_id
    click = _click_of(request, click_id)
    try:
        _run_visit(_redis(), target["code"], click, cache=_encode_target(target))
    except redis.RedisError:
        log.warning("tracking: Redis unavailable, click %s to the fallback queue", click_id)
        ClickFallback.objects.create(payload=click.fallback_row(target))
    return click_id


# --- flush -------------------------------------------------------------------------

_LINE_COLUMNS = (
    "click_id, organization_id, link_id, clicked_at, visitor_hash, user_agent_class,"
    " referrer_host, is_unique"
)

# First statement of every batch's transaction. A batch stored before conflicts and is
# skipped; a second flusher running the same batch at the same time waits on the first's
# row here, then finds it.
_CLAIM_BATCH = """
INSERT INTO tracking_clickbatch (batch_id, rows, stored_at) VALUES (%(batch)s, %(rows)s, now())
ON CONFLICT (batch_id) DO NOTHING
"""

# The (organization, link, day) keys of the rows the COPY just stored, one pass over
# them, with their links locked FOR KEY SHARE: a link deleted meanwhile, or of another
# organization (a forged line), comes back with no collaboration and its clicks are
# dropped; a link kept cannot be deleted before this transaction commits. Every id the
# COPY allocated is above %(first)s (taken from the sequence before it); the batch id
# leaves out a concurrent flusher's rows.
_BATCH_KEYS = """
WITH k AS (
    SELECT DISTINCT c.organization_id, c.link_id,
           (c.clicked_at AT TIME ZONE o.timezone)::date AS day
    FROM tracking_click c
    LEFT JOIN kolhub_organization o ON o.id = c.organization_id
    WHERE c.id > %(first)s AND c.batch_id = %(batch)s
), l AS MATERIALIZED (
    SELECT id, organization_id, collaboration_id FROM tracking_trackinglink
    WHERE id IN (SELECT link_id FROM k)
    FOR KEY SHARE
)
SELECT k.organization_id, k.link_id, k.day, l.collaboration_id
FROM k LEFT JOIN l ON l.id = k.link_id AND l.organization_id = k.organization_id
"""

# The slow paths' check: the same lock, before the inserts that join on the links.
_LOCK_STAGED_LINKS = """
SELECT 1 FROM tracking_trackinglink
WHERE id IN (SELECT DISTINCT link_id FROM tracking_click_stage)
FOR KEY SHARE
"""

# A link deleted since the click takes its clicks with it; the organization must match
# the link's, so a forged buffer entry cannot file a click under another tenant.
_INSERT_DECIDED = """
INSERT INTO tracking_click (organization_id, link_id, click_id, clicked_at, visitor_hash,
                            user_agent_class, referrer_host, is_unique, batch_id,
                            created_at, updated_at)
SELECT s.organization_id, s.link_id, s.click_id, s.clicked_at, s.visitor_hash,
       s.user_agent_class, s.referrer_host, s.is_unique, %(batch)s, now(), now()
FROM tracking_click_stage s
JOIN tracking_trackinglink l ON l.id = s.link_id AND l.organization_id = s.organization_id
WHERE s.is_unique IS NOT NULL
ON CONFLICT (organization_id, click_id) DO NOTHING
"""

# Clicks taken while Redis was down: the first of this visitor on this link within the
# window, among stored clicks (those just inserted above included) and this batch.
_INSERT_UNDECIDED = """
INSERT INTO tracking_click (organization_id, link_id, click_id, clicked_at, visitor_hash,
                            user_agent_class, referrer_host, is_unique, batch_id,
                            created_at, updated_at)
SELECT s.organization_id, s.link_id, s.click_id, s.clicked_at, s.visitor_hash,
       s.user_agent_class, s.referrer_host,
       (s.prev_at IS NULL OR s.clicked_at - s.prev_at >= %(window)s)
       AND NOT EXISTS (
           SELECT 1 FROM tracking_click c
           WHERE c.link_id = s.link_id AND c.visitor_hash = s.visitor_hash
             AND c.is_unique AND c.clicked_at <= s.clicked_at
             AND c.clicked_at > s.clicked_at - %(window)s),
       %(batch)s, now(), now()
FROM (
    SELECT st.*, lag(st.clicked_at) OVER (PARTITION BY st.link_id, st.visitor_hash
                                          ORDER BY st.clicked_at) AS prev_at
    FROM tracking_click_stage st
    WHERE st.is_unique IS NULL
) s
JOIN tracking_trackinglink l ON l.id = s.link_id AND l.organization_id = s.organization_id
ON CONFLICT (organization_id, click_id) DO NOTHING
"""

# How long a stored batch id is remembered. A batch is rerun only while it sits in the
# pending set, which every flush (each 15 s) works through first; past this, a rerun
# would still store nothing twice (the unique click id sends it down the staged path).
BATCH_MEMORY = timedelta(days=7)

_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"t": "\t", "n": "\n", "r": "\r"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_BIGINT = 2**63


def click_line(row: dict) -> bytes:
    """A click in the fallback queue's (or the older buffer's) JSON form, as a COPY line."""
    unique = {True: "t", False: "f", None: "\\N"}[row["unique"]]
    return (
        f"{uuid.UUID(str(row['click_id'])).hex}\t{int(row['org'])}\t{int(row['link'])}\t"
        f"{row['at']}\t{row['visitor']}\t{row['ua']}\t{_copy_text(row['ref'])}\t{unique}"
    ).encode()


def _row_of(line: bytes) -> tuple:
    """The typed values of one line; ValueError (and kin) when it is not a click."""
    if line.startswith(b"{"):
        line = click_line(json.loads(line))
    click_id, org, link, at, visitor, ua, ref, unique = line.decode().split("\t")
    when = datetime.fromisoformat(at)
    ref = _UNESCAPE.sub(lambda m: _UNESCAPED.get(m[1], m[1]), ref)
    if (
        when.tzinfo is None
        or not 0 < int(org) < _BIGINT
        or not 0 < int(link) < _BIGINT
        or not _HEX64.fullmatch(visitor)
        or ua not in UserAgentClass.values
        or len(ref) > 255
        or unique not in ("t", "f", "\\N")
    ):
        raise ValueError("not a click line")
    decided = {"t": True, "f": False, "\\N": None}[unique]
    return (uuid.UUID(hex=click_id), int(org), int(link), when, visitor, ua, ref, decided)


def _parsed(lines: list[bytes]) -> tuple[list[tuple], list[bytes]]:
    """(rows, bad lines), each line parsed on its own: the slow path."""
    rows, bad = [], []
    for line in lines:
        try:
            rows.append(_row_of(line))
        except (ValueError, KeyError, TypeError, AttributeError):
            bad.append(line)
    return rows, bad


def _mark_dirty(cursor, days) -> None:
    # Imported here: tracking.services imports this module (forget_code).
    from tracking.services.rollups import rollups_mark_dirty_days

    rollups_mark_dirty_days(cursor, days)


def _copy_direct(batch_id: str, lines: list[bytes]) -> int:
    """The normal path, for decided lines: COPY them straight into tracking_click, no
    staging and no conflict check (the batch's ClickBatch row is what makes a rerun
    harmless). Returns the rows stored, 0 for a batch stored before."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM_BATCH, {"batch": batch_id, "rows": len(lines)})
        if cursor.rowcount == 0:
            return 0
        cursor.execute("SELECT nextval(pg_get_serial_sequence('tracking_click', 'id'))")
        (first,) = cursor.fetchone()
        # The batch id, appended by the line separator: no per-line work. created_at and
        # updated_at are left to their database default, now().
        tail = f"\t{_copy_text(batch_id)}\n".encode()
        with cursor.cursor.copy(
            f"COPY tracking_click ({_LINE_COLUMNS}, batch_id) FROM STDIN"
        ) as copy:
            copy.write(tail.join(lines))
            copy.write(tail)
        cursor.execute(_BATCH_KEYS, {"first": first, "batch": batch_id})
        keys = cursor.fetchall()
        stored = len(lines)
        for organization_id, link_id in sorted({(k[0], k[1]) for k in keys if k[3] is None}):
            cursor.execute(
                "DELETE FROM tracking_click WHERE id > %s AND batch_id = %s"
                " AND organization_id = %s AND link_id = %s",
                [first, batch_id, organization_id, link_id],
            )
            stored -= cursor.rowcount
            log.warning("tracking: batch %s: %d clicks dropped, link %s is not organization"
                        " %s's (deleted, or a forged line)", batch_id, cursor.rowcount, link_id,
                        organization_id)  # fmt: skip
        if stored != len(lines):
            cursor.execute("UPDATE tracking_clickbatch SET rows = %s WHERE batch_id = %s",
                           [stored, batch_id])  # fmt: skip
        _mark_dirty(cursor, [(k[0], k[3], k[2]) for k in keys if k[3] is not None])
    return stored


def _copy_staged(batch_id: str, data: bytes = b"", rows: Sequence[tuple] = ()) -> int | None:
    """The slow paths (undecided lines, JSON lines, a batch parsed line by line): COPY
    into a staging table, insert ON CONFLICT DO NOTHING with the SQL dedupe. None for a
    batch stored before."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM_BATCH, {"batch": batch_id, "rows": 0})
        if cursor.rowcount == 0:
            return None
        cursor.execute(
            "CREATE TEMP TABLE tracking_click_stage (click_id uuid, organization_id bigint,"
            " link_id bigint, clicked_at timestamptz, visitor_hash varchar(64),"
            " user_agent_class varchar(8), referrer_host varchar(255), is_unique boolean)"
            " ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY tracking_click_stage ({_LINE_COLUMNS}) FROM STDIN") as copy:
            if data:
                copy.write(data)  # the lines as they are: no per-row work in Python
            for row in rows:
                copy.write_row(row)
        cursor.execute(_LOCK_STAGED_LINKS)
        params = {"window": DEDUPE_WINDOW, "batch": batch_id}
        cursor.execute(_INSERT_DECIDED, params)
        inserted = cursor.rowcount
        cursor.execute(_INSERT_UNDECIDED, params)
        inserted += cursor.rowcount
        cursor.execute("UPDATE tracking_clickbatch SET rows = %s WHERE batch_id = %s",
                       [inserted, batch_id])  # fmt: skip
        # The batch's (collaboration, day) rollups are marked dirty in this transaction,
        # while tracking_click_stage still holds the batch. Imported here: tracking.services
        # imports this module (forget_code).
        from tracking.services.rollups import rollups_mark_dirty_from_stage

        rollups_mark_dirty_from_stage(cursor, "tracking_click_stage")
        cursor.execute("DROP TABLE tracking_click_stage")
    return inserted


def copy_lines(lines: list[bytes], batch_id: str) -> int:
    """Store a batch of click lines in one transaction, once: a batch id stored before
    stores nothing. Lines PostgreSQL refuses are set aside (REJECTED), never retried
    forever. Returns the rows stored."""
    if not lines:
        return 0
    data = b"\n".join(lines) + b"\n"
    if data.startswith(b"{") or b"\n{" in data:
        rows, bad = _parsed(lines)  # JSON: clicks buffered before the line format
    else:
        try:
            if b"\t\\N\n" not in data:
                try:
                    return _copy_direct(batch_id, lines)
                except (DatabaseError, psycopg.Error) as error:
                    # A click id stored already (a click both buffered and queued in the
                    # fallback table when Redis timed out), a line PostgreSQL refuses, or
                    # a caller inside tenant_context (COPY FROM is refused under row-level
                    # security): the staged path's ON CONFLICT and checks sort it out.
                    log.info("tracking: batch %s staged (%s)", batch_id, type(error).__name__)
            return _copy_staged(batch_id, data=data) or 0
        except (DatabaseError, psycopg.Error):
            rows, bad = _parsed(lines)
            if not bad:
                raise  # not the lines' fault (the database went away, say): retry later
    inserted = _copy_staged(batch_id, rows=rows) if rows else 0
    if inserted is None:
        return 0  # stored (and its bad lines set aside) by an earlier run
    if bad:
        log.error("tracking: %d malformed click lines of batch %s set aside in %s: %r",
                  len(bad), batch_id, _key(REJECTED), bad[:10])  # fmt: skip
        with contextlib.suppress(redis.RedisError):
            _redis().rpush(_key(REJECTED), *bad)
    return inserted


def _flush_batch(client: redis.Redis, batch_id: str, lines: list[bytes] | None = None) -> int:
    processing = _key(f"clicks:processing:{batch_id}")
    if lines is None:
        lines = client.lrange(processing, 0, -1)
    inserted = copy_lines(lines, batch_id)
    # Acknowledge only after the commit: a crash before this line reruns the batch, and
    # its ClickBatch row makes the rerun store nothing twice.
    try:
        pipe = client.pipeline()
        pipe.delete(processing)
        pipe.srem(_key(PENDING), batch_id)
        pipe.execute()
    except redis.RedisError:
        log.warning("tracking: batch %s stored, not acknowledged: the next flush reruns it",
                    batch_id)  # fmt: skip
    return inserted


def take_batch(client: redis.Redis, batch_size: int = BATCH_SIZE) -> tuple[str, list[bytes]] | None:
    """Move up to batch_size lines to a new processing list: (batch id, lines), or None."""
    batch_id = uuid.uuid4().hex
    keys = [_key(BUFFER), _key(f"clicks:processing:{batch_id}"), _key(PENDING)]
    lines = _script(client, MOVE_SCRIPT)(keys=keys, args=[batch_size, batch_id], client=client)
    return (batch_id, lines) if lines else None


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
            # Rare and small: these go through the line-by-line path.
            lines = [json.dumps(payload).encode() for _, payload in taken]
            inserted += copy_lines(lines, f"fallback-{taken[0][0]}-{taken[-1][0]}")
            ClickFallback.objects.filter(id__in=[i for i, _ in taken]).delete()


def flush_clicks(batch_size: int = BATCH_SIZE) -> int:
    """Flush every buffered click (Redis, then the fallback table). Returns rows inserted."""
    inserted = 0
    try:
        client = _redis()
        # Batches a killed flush left behind go first.
        for batch_id in client.smembers(_key(PENDING)):
            inserted += _flush_batch(client, batch_id.decode())
        # The next batch is taken from Redis while this one is stored, so Redis and
        # PostgreSQL work at the same time (taking a backlog is ~1.5 s a million lines).
        # A batch taken and then not stored (an error below) stays in the pending set
        # and the next flush runs it first, as after a crash.
        with ThreadPoolExecutor(max_workers=1) as ahead:
            taking = ahead.submit(take_batch, client, batch_size)
            while (taken := taking.result()) is not None:
                taking = ahead.submit(take_batch, client, batch_size)
                inserted += _flush_batch(client, *taken)
    except redis.RedisError:
        log.warning("tracking: Redis unavailable, flushing only the fallback queue")
    inserted += flush_fallback(batch_size)
    ClickBatch.objects.filter(stored_at__lt=timezone.now() - BATCH_MEMORY).delete()
    return inserted
