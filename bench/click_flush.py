"""Click flush: 1,000,000 buffered clicks through the real flush.

Pushes clicks for 50 links in the wire format the redirect writes (COPY text lines, see
tracking/clicks.py; click ids from the redirect's generator, tracking.click_ids), then
times, in the same run, BENCH_ROUNDS rounds (3) of three measures, each round from empty
tables and in a turned order (load from elsewhere and checkpoints fall on all three):

(a) tracking.clicks.flush_clicks, which moves the clicks in batches of 50,000 to
processing lists and COPYs each straight into tracking_click (with its ClickBatch row,
the per-batch link check and the rollup dirty marks, one transaction per batch), then
checks that every click was stored exactly once and that Redis holds nothing after;
(b) the baseline, issue 6's "raw COPY of the same rows": one COPY of the same lines into
a twin of tracking_click (LIKE ... INCLUDING ALL: its primary key and its two indexes,
no foreign keys since tracking 0010), with no Redis, no batches and no checks. That is
what storing these rows in the table they go to costs before any flush machinery, so
the ratio measures what the flush adds;
(c) for reference, a raw COPY of the same lines into a bare table with the click's
columns and no index at all, which no table the product reads from could match (the
rollups read clicks by (organization, link, time) and attribution by click id; session
5 measured the twin's own COPY at 0.25-0.38 of the bare one's rate).

Figures (medians over the rounds): rows_per_s for (a); copy_rows_per_s for (b) and
ratio = rows_per_s / copy_rows_per_s (target ≥ 0.5), with round_ratios for each round;
bare_copy_rows_per_s for (c) and bare_ratio; redis_s and database_s split one flush into
the time spent taking batches from Redis (now overlapped with storing, so they add up
to more than the flush) and the time spent storing them."""

from __future__ import annotations

import json
import os
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from common import bench_database, setup_django

ROWS = int(os.environ.get("BENCH_ROWS", 1_000_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
LINKS = 50
SEED = 20261126


def wire_rows(org_id: int, link_ids: list[int]):
    from tracking.click_ids import new_click_id

    rng = random.Random(SEED)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(ROWS):
        at = start + timedelta(seconds=n)
        yield {
            "click_id": new_click_id(at).hex, "org": org_id,
            "link": link_ids[n % LINKS], "at": at.isoformat(),
            "visitor": f"{rng.getrandbits(256):064x}", "ua": rng.choice(["mobile", "desktop"]),
            "ref": rng.choice(["", "www.instagram.com", "www.tiktok.com"]),
            "unique": rng.random() < 0.7,
        }  # fmt: skip


def main() -> None:
    setup_django()
    from django.conf import settings

    # A key prefix of the bench's own: a dev server's buffer on the same Redis is not ours.
    settings.CACHES["default"]["KEY_PREFIX"] = f"kolhub-bench-{uuid.uuid4().hex[:8]}"
    from django.db import connection, transaction

    from kolhub.models import Organization, User
    from kolhub.tenancy.context import tenant_context
    from tests.campaigns.factories import make_campaign, make_collaboration
    from tracking import clicks, services
    from tracking.models import Click

    with bench_database("click_flush"):
        organization = Organization.objects.create(name="Bench brand", slug="bench-clicks")
        user = User.objects.create_user(email="bench@clicks.test")
        with tenant_context(organization):
            campaign = make_campaign(organization, name="Bench clicks")
            link_ids = [
                services.tracking_link_create(
                    organization=organization, by=user, platform="instagram",
                    collaboration=make_collaboration(organization, campaign),
                    destination_url=f"https://shop.example/p{n}",
                ).pk
                for n in range(LINKS)
            ]  # fmt: skip
        redis = clicks._redis()
        # The line format is built by the real code (the fallback's conversion, the same
        # fields the redirect's Lua script joins).
        lines = [clicks.click_line(row) for row in wire_rows(organization.pk, link_ids)]
        data = b"\n".join(lines) + b"\n"
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_click_ids (click_id uuid)")
            with cursor.cursor.copy("COPY bench_click_ids FROM STDIN") as copy:
                copy.write(b"".join(line[:32] + b"\n" for line in lines))
            cursor.execute(
                "CREATE TABLE bench_click_copy (click_id uuid, organization_id bigint,"
                " link_id bigint, clicked_at timestamptz, visitor_hash varchar(64),"
                " user_agent_class varchar(8), referrer_host varchar(255), is_unique boolean);"
                " CREATE TABLE bench_click_table (LIKE tracking_click INCLUDING ALL);"
                " ALTER TABLE bench_click_table ALTER COLUMN batch_id SET DEFAULT 'bench',"
                " ALTER COLUMN created_at SET DEFAULT now(),"
                " ALTER COLUMN updated_at SET DEFAULT now()"
            )

        def flush() -> float:
            print(f"  pushing {ROWS:,} clicks to the buffer", flush=True)
            pipe = redis.pipeline(transaction=False)
            for n in range(0, ROWS, 10_000):
                pipe.rpush(clicks._key(clicks.BUFFER), *lines[n : n + 10_000])
                pipe.execute()
            start = time.perf_counter()
            inserted = clicks.flush_clicks()
            seconds = time.perf_counter() - start
            with tenant_context(organization):
                stored = Click.objects.count()
                distinct = Click.objects.values("click_id").distinct().count()
            # Nothing lost, nothing twice, nothing left behind in Redis.
            assert inserted == stored == distinct == ROWS, (inserted, stored, distinct)
            assert not redis.llen(clicks._key(clicks.BUFFER)), "clicks left in the buffer"
            assert not redis.smembers(clicks._key(clicks.PENDING)), "batches left pending"
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM tracking_click c JOIN bench_click_ids b"
                               " ON b.click_id = c.click_id")  # fmt: skip
                assert cursor.fetchone()[0] == ROWS, "stored click ids differ from those sent"
            return seconds

        def raw_copy(table: str) -> float:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1")  # the transaction's BEGIN, outside the timing
                start = time.perf_counter()
                with cursor.cursor.copy(
                    f"COPY {table} (click_id, organization_id, link_id, clicked_at,"
                    " visitor_hash, user_agent_class, referrer_host, is_unique) FROM STDIN"
                ) as copy:
                    copy.write(data)
                return time.perf_counter() - start

        measures = {
            "flush": flush,
            "table": lambda: raw_copy("bench_click_table"),
            "bare": lambda: raw_copy("bench_click_copy"),
        }
        spent = {"redis": 0.0, "database": 0.0}
        clicks.take_batch = _timed(clicks.take_batch, spent, "redis")
        clicks.copy_lines = _timed(clicks.copy_lines, spent, "database")
        times: dict[str, list[float]] = {name: [] for name in measures}
        order = list(measures)
        for round_number in range(ROUNDS):
            # Every round starts from empty tables, and the order turns each round, so
            # that load from elsewhere and checkpoints fall on all three alike.
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE tracking_click, tracking_clickbatch,"
                               " tracking_rollupdirtyday, bench_click_table, bench_click_copy;"
                               " CHECKPOINT")  # fmt: skip
            print(f"round {round_number + 1}/{ROUNDS}", flush=True)
            for name in order:
                times[name].append(measures[name]())
                print(f"  {name}: {ROWS / times[name][-1]:,.0f} rows/s", flush=True)
            order = order[1:] + order[:1]
        seconds, table_seconds, copy_seconds = (
            statistics.median(times[name]) for name in ("flush", "table", "bare")
        )
        print(
            json.dumps(
                {
                    "benchmark": "click_flush",
                    "rows": ROWS,
                    "rounds": ROUNDS,
                    "seconds": round(seconds, 2),
                    "rows_per_s": round(ROWS / seconds),
                    "copy_seconds": round(table_seconds, 2),
                    "copy_rows_per_s": round(ROWS / table_seconds),
                    "ratio": round(table_seconds / seconds, 2),
                    "round_ratios": [round(t / f, 2) for t, f in
                                     zip(times["table"], times["flush"], strict=True)],
                    "bare_copy_rows_per_s": round(ROWS / copy_seconds),
                    "bare_ratio": round(copy_seconds / seconds, 2),
                    "redis_s": round(spent["redis"] / ROUNDS, 2),
                    "database_s": round(spent["database"] / ROUNDS, 2),
                }
            )
        )  # fmt: skip


def _timed(fn, spent: dict[str, float], what: str):
    """fn, adding the time each call takes to spent[what]."""

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[what] += time.perf_counter() - start

    return timed


if __name__ == "__main__":
    main()
