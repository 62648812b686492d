"""Click flush: 1,000,000 buffered clicks through the real flush.

Pushes clicks for 50 links in the wire format the redirect writes (COPY text lines, see
tracking/clicks.py; click ids from the redirect's generator, tracking.click_ids), then
(a) times tracking.clicks.flush_clicks, which moves them in batches of 50,000 to
processing lists and COPYs each straight into tracking_click (with its ClickBatch row,
the per-batch link check and the rollup dirty marks, one transaction per batch), and
checks that every click was stored exactly once; (b) the baseline, in the same run: a
raw COPY of the same rows into a bare table with the click's columns (no Redis, no
index, no batch bookkeeping); and (c) for reference, a raw COPY of the same rows into a
twin of tracking_click (LIKE ... INCLUDING ALL: its primary key and two indexes; the
table has no foreign keys since migration tracking 0009), which is what storing a click
costs in this schema before any flush machinery.

Figures: rows_per_s for (a), copy_rows_per_s for (b), ratio = rows_per_s /
copy_rows_per_s, the share of raw COPY's rate the flush keeps (issue 6's target: ≥ 0.5);
table_copy_rows_per_s for (c) and table_ratio = rows_per_s / table_copy_rows_per_s;
redis_s and database_s split (a) into the time spent taking batches from Redis and the
time spent storing them."""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from common import bench_database, setup_django

ROWS = int(os.environ.get("BENCH_ROWS", 1_000_000))
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
        print(f"pushing {ROWS:,} clicks to the buffer", flush=True)
        # The line format is built by the real code (the fallback's conversion, the same
        # fields the redirect's Lua script joins).
        lines = [clicks.click_line(row) for row in wire_rows(organization.pk, link_ids)]
        pipe = redis.pipeline(transaction=False)
        for n in range(0, ROWS, 10_000):
            pipe.rpush(clicks._key(clicks.BUFFER), *lines[n : n + 10_000])
            pipe.execute()
        data = b"\n".join(lines) + b"\n"
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_click_ids (click_id uuid)")
            with cursor.cursor.copy("COPY bench_click_ids FROM STDIN") as copy:
                copy.write(b"".join(line[:32] + b"\n" for line in lines))
        del lines

        print("flush_clicks", flush=True)
        spent = {"redis": 0.0, "database": 0.0}
        clicks.take_batch = _timed(clicks.take_batch, spent, "redis")
        clicks.copy_lines = _timed(clicks.copy_lines, spent, "database")
        start = time.perf_counter()
        inserted = clicks.flush_clicks()
        seconds = time.perf_counter() - start
        print(
            f"{inserted:,} rows in {seconds:.1f}s ({spent['redis']:.1f}s taking batches"
            f" from Redis, {spent['database']:.1f}s storing them)",
            flush=True,
        )
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

        with connection.cursor() as cursor:
            print("baseline: raw COPY of the same rows into a bare table", flush=True)
            cursor.execute(
                "CREATE TABLE bench_click_copy (click_id uuid, organization_id bigint,"
                " link_id bigint, clicked_at timestamptz, visitor_hash varchar(64),"
                " user_agent_class varchar(8), referrer_host varchar(255), is_unique boolean)"
            )
            copy_seconds = timed_copy(cursor, "bench_click_copy", data)
            print(f"raw COPY {copy_seconds:.1f}s", flush=True)

            print("reference: raw COPY into a twin of tracking_click", flush=True)
            cursor.execute(
                "CREATE TABLE bench_click_table (LIKE tracking_click INCLUDING ALL);"
                " ALTER TABLE bench_click_table ALTER COLUMN batch_id SET DEFAULT 'bench',"
                " ALTER COLUMN created_at SET DEFAULT now(),"
                " ALTER COLUMN updated_at SET DEFAULT now()"
            )
        with transaction.atomic(), connection.cursor() as cursor:
            start = time.perf_counter()
            timed_copy(cursor, "bench_click_table", data)
        table_seconds = time.perf_counter() - start
        print(f"raw COPY into the table's twin {table_seconds:.1f}s", flush=True)
        print(
            json.dumps(
                {
                    "benchmark": "click_flush",
                    "rows": ROWS,
                    "seconds": round(seconds, 2),
                    "rows_per_s": round(ROWS / seconds),
                    "copy_seconds": round(copy_seconds, 2),
                    "copy_rows_per_s": round(ROWS / copy_seconds),
                    "ratio": round(copy_seconds / seconds, 2),
                    "table_copy_rows_per_s": round(ROWS / table_seconds),
                    "table_ratio": round(table_seconds / seconds, 2),
                    "redis_s": round(spent["redis"], 2),
                    "database_s": round(spent["database"], 2),
                }
            )
        )


def _timed(fn, spent: dict[str, float], what: str):
    """fn, adding the time each call takes to spent[what]."""

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[what] += time.perf_counter() - start

    return timed


def timed_copy(cursor, table: str, data: bytes) -> float:
    start = time.perf_counter()
    with cursor.cursor.copy(f"COPY {table} (click_id, organization_id, link_id, clicked_at,"
                            " visitor_hash, user_agent_class, referrer_host, is_unique)"
                            " FROM STDIN") as copy:  # fmt: skip
        copy.write(data)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
