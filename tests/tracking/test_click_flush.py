"""The click flush's normal path (tracking.clicks): decided lines COPYed straight into
tracking_click once per batch (a ClickBatch row, not ON CONFLICT per row), the per-batch
link check that replaces the foreign keys, the rollup dirty marks from the rows just
stored, and time-ordered click ids."""

from __future__ import annotations

import datetime
import json
import threading
import time
import uuid
from datetime import UTC

import psycopg
import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.tracking.world import PHONE, linked
from tracking import clicks, services
from tracking.click_ids import new_click_id
from tracking.models import Click, ClickBatch, ClickFallback, RollupDirtyDay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_client")]


def line(organization_id: int, link_id: int, at: datetime.datetime, *, unique: str = "t",
         click_id: str | None = None) -> bytes:  # fmt: skip
    click_id = click_id or new_click_id(at).hex
    return (f"{click_id}\t{organization_id}\t{link_id}\t{at.isoformat()}\t{'d' * 64}\tmobile"
            f"\twww.tiktok.com\t{unique}").encode()  # fmt: skip


def stored_ids(tenant) -> list[str]:
    with tenant.context():
        return sorted(c.hex for c in Click.objects.values_list("click_id", flat=True))


def test_a_batch_flushed_twice_stores_each_click_once(tenant_a, redis_client):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    for n in range(6):
        Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR=f"192.0.2.{n}").get(f"/r/{link.code}")
    # The worker takes the batch and commits it, then dies before the Redis ack.
    batch_id, lines = clicks.take_batch(redis_client)
    assert clicks.copy_lines(lines, batch_id) == 6
    assert ClickBatch.objects.get(batch_id=batch_id).rows == 6
    # The rerun finds the batch id and stores nothing: no COPY, no staging table.
    with CaptureQueriesContext(connection) as queries:
        assert clicks.copy_lines(lines, batch_id) == 0
    assert not [q for q in queries if "tracking_click " in q["sql"] or "COPY" in q["sql"]]
    assert clicks.flush_clicks() == 0  # the pending batch, run again by the next flush
    assert not redis_client.smembers(clicks._key(clicks.PENDING))
    ids = stored_ids(tenant_a)
    assert len(ids) == len(set(ids)) == 6


def test_decided_lines_go_straight_into_tracking_click(tenant_a, redis_client):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    at = datetime.datetime(2026, 11, 3, 12, tzinfo=UTC)
    lines = [line(tenant_a.organization.pk, link.pk, at + datetime.timedelta(seconds=n),
                  unique="tf"[n % 2]) for n in range(10)]  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert clicks.copy_lines(lines, "batch-straight") == 10
    sql = " ".join(q["sql"] for q in queries)
    assert (
        "tracking_click_stage" not in sql and "ON CONFLICT (organization_id, click_id)" not in sql
    )
    # Savepoint, claim, sequence, (COPY: psycopg's, not counted here), keys and link lock,
    # dirty marks, release: fixed, whatever the batch's size.
    assert len(queries) == 6, [q["sql"] for q in queries]
    with tenant_a.context():
        stored = Click.objects.order_by("clicked_at")
        assert [c.is_unique for c in stored] == [n % 2 == 0 for n in range(10)]
        assert {c.batch_id for c in stored} == {"batch-straight"}
        assert all(c.created_at == c.updated_at for c in stored)


def test_lines_naming_a_deleted_or_foreign_link_are_dropped_and_the_rest_stored(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    with tenant_a.context():
        _c, kept = linked(tenant_a.organization)
        _c, gone = linked(tenant_a.organization, handle="gone_handle")
    with tenant_b.context():
        _c, theirs = linked(tenant_b.organization, handle="b_handle")
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        services.tracking_link_delete(organization=tenant_a.organization, link=gone)
    a, b = tenant_a.organization.pk, tenant_b.organization.pk
    at = datetime.datetime(2026, 11, 3, 12, tzinfo=UTC)
    good = [line(a, kept.pk, at), line(a, kept.pk, at, unique="f")]
    lines = [
        good[0],
        line(a, gone.pk, at),  # deleted link
        line(a, theirs.pk, at),  # B's link filed under A
        line(b, kept.pk, at),  # A's link filed under B
        line(a, 987_654_321, at),  # no such link at all
        good[1],
    ]
    assert clicks.copy_lines(lines, "batch-mixed") == 2
    assert stored_ids(tenant_a) == sorted(x[:32].decode() for x in good)
    assert stored_ids(tenant_b) == []
    assert ClickBatch.objects.get(batch_id="batch-mixed").rows == 2


def test_dirty_marks_land_for_the_batch_days_in_the_organizations_timezone(tenant_a):
    organization = tenant_a.organization
    organization.timezone = "America/Los_Angeles"
    organization.save()
    with tenant_a.context():
        first, link_1 = linked(organization)
        second, link_2 = linked(organization, handle="other_handle")
    lines = [
        # 2026-11-03 06:00 UTC is the 2nd in Los Angeles, 09:00 UTC the 3rd.
        line(organization.pk, link_1.pk, datetime.datetime(2026, 11, 3, 6, tzinfo=UTC)),
        line(organization.pk, link_1.pk, datetime.datetime(2026, 11, 3, 9, tzinfo=UTC)),
        line(organization.pk, link_2.pk, datetime.datetime(2026, 11, 3, 9, 30, tzinfo=UTC)),
    ]
    assert clicks.copy_lines(lines, "batch-days") == 3
    with tenant_a.context():
        marked = set(RollupDirtyDay.objects.values_list("collaboration_id", "day"))
    assert marked == {
        (first.pk, datetime.date(2026, 11, 2)),
        (first.pk, datetime.date(2026, 11, 3)),
        (second.pk, datetime.date(2026, 11, 3)),
    }


def test_a_click_both_buffered_and_in_the_fallback_queue_is_stored_once(tenant_a, redis_client):
    # Redis timed out after it had pushed the click: the redirect also queued it in the
    # fallback table, under the same click id.
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    org = tenant_a.organization.pk
    at = datetime.datetime(2026, 11, 3, 12, tzinfo=UTC)
    twice = new_click_id(at).hex
    ClickFallback.objects.create(payload={"click_id": twice, "org": org, "link": link.pk,
                                          "at": at.isoformat(), "visitor": "e" * 64,
                                          "ua": "mobile", "ref": "", "unique": None})  # fmt: skip
    assert clicks.flush_fallback() == 1
    others = [line(org, link.pk, at) for _ in range(3)]
    redis_client.rpush(clicks._key(clicks.BUFFER), *others, line(org, link.pk, at, click_id=twice))
    # The direct COPY meets the stored id; the batch goes the staged way instead.
    assert clicks.flush_clicks() == 3
    ids = stored_ids(tenant_a)
    assert len(ids) == len(set(ids)) == 4 and twice in ids


def test_a_batch_taken_ahead_of_a_failed_store_waits_for_the_next_flush(
    tenant_a, redis_client, monkeypatch
):
    # The flush moves the next batch out of the buffer while it stores one. When storing
    # fails, both the failed batch and the one moved ahead stay pending: nothing is lost,
    # and the next flush stores each click once.
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    at = datetime.datetime(2026, 11, 3, 12, tzinfo=UTC)
    sent = [line(tenant_a.organization.pk, link.pk, at + datetime.timedelta(seconds=n))
            for n in range(5)]  # fmt: skip
    redis_client.rpush(clicks._key(clicks.BUFFER), *sent)
    store, calls = clicks.copy_lines, []

    def second_store_fails(lines, batch_id):
        calls.append(batch_id)
        if len(calls) == 2:
            raise DatabaseError("the database went away")
        return store(lines, batch_id)

    monkeypatch.setattr(clicks, "copy_lines", second_store_fails)
    with pytest.raises(DatabaseError):
        clicks.flush_clicks(batch_size=2)
    pending = {b.decode() for b in redis_client.smembers(clicks._key(clicks.PENDING))}
    assert calls[1] in pending and len(pending) == 2  # the failed batch, the one ahead
    assert not redis_client.llen(clicks._key(clicks.BUFFER))
    assert len(stored_ids(tenant_a)) == 2
    monkeypatch.setattr(clicks, "copy_lines", store)
    assert clicks.flush_clicks(batch_size=2) == 3
    assert stored_ids(tenant_a) == sorted(x[:32].decode() for x in sent)
    assert not redis_client.smembers(clicks._key(clicks.PENDING))


def test_undecided_and_json_lines_still_take_the_staged_path(tenant_a):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    org, at = tenant_a.organization.pk, datetime.datetime(2026, 11, 3, 12, tzinfo=UTC)
    undecided = [line(org, link.pk, at + datetime.timedelta(minutes=n), unique="\\N")
                 for n in (0, 10, 45)]  # fmt: skip
    assert clicks.copy_lines(undecided, "batch-undecided") == 3
    old = json.dumps({"click_id": uuid.uuid4().hex, "org": org, "link": link.pk,
                      "at": at.isoformat(), "visitor": "f" * 64, "ua": "desktop", "ref": "",
                      "unique": True}).encode()  # fmt: skip
    assert clicks.copy_lines([old], "batch-json") == 1
    assert clicks.copy_lines([old], "batch-json") == 0
    with tenant_a.context():
        decided = Click.objects.filter(batch_id="batch-undecided").order_by("clicked_at")
        assert [c.is_unique for c in decided] == [True, False, True]
    assert ClickBatch.objects.get(batch_id="batch-undecided").rows == 3


def test_click_ids_are_time_ordered_uuid7(tenant_a):
    start = datetime.datetime(2026, 11, 3, 12, tzinfo=UTC)
    ids = [new_click_id(start + datetime.timedelta(milliseconds=n)) for n in range(200)]
    assert ids == sorted(ids) and len(set(ids)) == 200
    for n, click_id in enumerate(ids):
        assert click_id.version == 7 and click_id.variant == uuid.RFC_4122
        assert int(click_id.hex[:12], 16) == int(start.timestamp() * 1000) + n
        assert uuid.UUID(hex=click_id.hex) == click_id and len(click_id.hex) == 32
    # Same millisecond: still distinct (74 random bits).
    assert len({new_click_id(start) for _ in range(1000)}) == 1000
    # The redirect hands them out.
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    response = Client(HTTP_USER_AGENT=PHONE).get(f"/r/{link.code}")
    given = uuid.UUID(hex=response["Location"].rsplit("kh_click=", 1)[1])
    assert given.version == 7
    assert abs(int(given.hex[:12], 16) / 1000 - datetime.datetime.now(UTC).timestamp()) < 60


def test_click_table_has_no_foreign_keys_and_no_single_column_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT contype FROM pg_constraint"
                       " WHERE conrelid = 'tracking_click'::regclass")  # fmt: skip
        assert sorted(row[0] for row in cursor.fetchall()) == ["p", "u"]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'tracking_click'")
        columns = sorted(row[0].split("(", 1)[1] for row in cursor.fetchall())
    assert columns == ["id)", "organization_id, click_id)", "organization_id, link_id, clicked_at)"]


@pytest.mark.django_db(transaction=True)
def test_a_link_deleted_while_a_flush_holds_it_takes_the_flushed_clicks_with_it(tenant_a):
    # No foreign key guards tracking_click: tracking_link_delete must wait for a flush
    # holding the link FOR KEY SHARE, then delete the clicks that flush committed.
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    link_id = link.pk
    db = connection.settings_dict
    flush = psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db.get("PASSWORD") or None,
                            host=db["HOST"] or None, port=db.get("PORT") or None)  # fmt: skip
    at = datetime.datetime(2026, 11, 3, 12, tzinfo=UTC)
    with flush.cursor() as cursor:  # what _copy_direct does, stopped before its commit
        cursor.execute("SELECT 1 FROM tracking_trackinglink WHERE id = %s FOR KEY SHARE",
                       [link.pk])  # fmt: skip
        with cursor.copy(
            f"COPY tracking_click ({clicks._LINE_COLUMNS}, batch_id) FROM STDIN"
        ) as copy:
            copy.write(line(tenant_a.organization.pk, link.pk, at) + b"\tbatch-race\n")

    def delete() -> None:
        try:
            with tenant_a.context():
                services.tracking_link_delete(organization=tenant_a.organization, link=link)
        finally:
            connection.close()

    deleting = threading.Thread(target=delete)
    deleting.start()
    try:
        deadline = time.monotonic() + 30
        while not waiting_on_a_lock() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting_on_a_lock(), "the delete did not wait for the flush"
    finally:
        flush.commit()
        flush.close()
        deleting.join(30)
    with connection.cursor() as cursor:
        # link.pk is None by now (Model.delete clears it): the id kept above.
        cursor.execute("SELECT count(*) FROM tracking_click WHERE link_id = %s", [link_id])
        assert cursor.fetchone()[0] == 0


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                       " AND datname = current_database()")  # fmt: skip
        return cursor.fetchone()[0] > 0
