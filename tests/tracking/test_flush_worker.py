"""The click flush in a real Celery worker (prefork, one child), against the real broker,
Redis and PostgreSQL: killed mid-flush it loses nothing and duplicates nothing, and a
flush retried after its commit inserts nothing.

To stop the flush at a known point without a test hook in the code, the test holds a lock
on tracking_click: the child has taken the batch from the buffer (it sits in a processing
list, named in the pending set) and waits on the lock inside its transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from kolhub.celery import app
from tests.kolhub import live_worker
from tests.kolhub.live_worker import ROOT, LiveWorker
from tests.tracking.world import PHONE, linked
from tracking import clicks
from tracking.models import Click
from tracking.tasks import flush_clicks_task

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class PreforkWorker(LiveWorker):
    """LiveWorker with the prefork pool (one child) and this run's click buffer."""

    def start(self, timeout: float = 60) -> None:
        env = dict(
            os.environ,
            DATABASE_URL=live_worker.test_database_url(),
            DJANGO_SETTINGS_MODULE="kolhub.settings.test",
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
            KOLHUB_TEST_CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kolhub", "worker", "--pool", "prefork",
             "--concurrency", "1", "-n", self.name, "--without-gossip", "--without-mingle",
             "--loglevel", "INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=self.log_path.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early; see {self.log_path}")
            if app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise RuntimeError(f"worker did not answer a ping in {timeout}s; see {self.log_path}")

    def child_pids(self) -> list[int]:
        """The pool's child processes (from /proc: no ps needed)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended while we looked
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children


def wait_for(predicate, timeout: float = 60.0, what: str = "the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def no_eager():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def redis_client():
    client = clicks._redis()
    for key in client.keys(clicks._key("*")):
        client.delete(key)
    yield client
    client.execute_command("CLIENT", "UNPAUSE")


@pytest.fixture
def worker(tmp_path, no_eager):
    worker = PreforkWorker(tmp_path)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def table_lock():
    """A second connection holding tracking_click against inserts until released."""
    db = connection.settings_dict
    locker = psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db.get("PASSWORD") or None,
                             host=db["HOST"] or None, port=db.get("PORT") or None)  # fmt: skip
    locker.execute("LOCK TABLE tracking_click IN EXCLUSIVE MODE")
    yield locker
    locker.close()


def visit(code: str, visitors: range) -> None:
    for n in visitors:
        response = Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR=f"198.51.100.{n % 250}").get(
            f"/r/{code}"
        )
        assert response.status_code == 302


def waiting_on_the_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = 'tracking_click'::regclass"
            " AND NOT granted"
        )
        return cursor.fetchone()[0] > 0


def stored(tenant) -> tuple[int, int]:
    """(rows, distinct click ids) in tracking_click."""
    with tenant.context():
        rows = list(Click.objects.values_list("click_id", flat=True))
    return len(rows), len(set(rows))


def test_worker_killed_mid_flush_loses_nothing_and_duplicates_nothing(
    tenant_a, worker, redis_client, table_lock
):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    visit(link.code, range(40))
    buffer, pending = clicks._key(clicks.BUFFER), clicks._key(clicks.PENDING)
    assert redis_client.llen(buffer) == 40

    flush_clicks_task.apply_async()
    # The child took the batch out of the buffer and waits to insert it.
    wait_for(waiting_on_the_lock, what="the flush to wait on the table lock")
    (batch_id,) = redis_client.smembers(pending)
    assert redis_client.llen(buffer) == 0
    assert redis_client.llen(clicks._key(f"clicks:processing:{batch_id.decode()}")) == 40
    visit(link.code, range(40, 55))  # clicks keep arriving while the flush hangs

    children = worker.child_pids()
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    wait_for(lambda: worker.child_pids() and worker.child_pids() != children,
             what="the pool to replace the killed child")  # fmt: skip
    table_lock.rollback()  # the redelivered flush may insert now

    # Celery redelivers the flush (acks_late, reject_on_worker_lost): it runs the batch the
    # killed child left pending, then what the buffer gathered meanwhile.
    wait_for(lambda: stored(tenant_a)[0] == 55 and not redis_client.smembers(pending),
             what="the redelivered flush")  # fmt: skip
    log = worker.log_path.read_text()
    assert "WorkerLostError" in log or "exited with 'signal 9" in log, log[-3000:]
    assert stored(tenant_a) == (55, 55)
    assert redis_client.llen(buffer) == 0
    assert not redis_client.keys(clicks._key("clicks:processing:*"))
    assert flush_clicks_task.apply_async().get(timeout=60) == 0
    assert stored(tenant_a) == (55, 55)


def test_flush_retried_after_its_commit_inserts_nothing(tenant_a, worker, redis_client, table_lock):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    visit(link.code, range(30))
    pending = clicks._key(clicks.PENDING)

    first = flush_clicks_task.apply_async()
    wait_for(waiting_on_the_lock, what="the flush to wait on the table lock")
    (batch_id,) = redis_client.smembers(pending)
    # Redis refuses writes for 15 s: the flush commits, then cannot acknowledge the batch
    # (its client gives up after its 0.5 s timeout), so the batch stays pending; the
    # task's result is stored once the pause ends.
    redis_client.execute_command("CLIENT", "PAUSE", 15_000, "WRITE")
    table_lock.rollback()
    wait_for(lambda: stored(tenant_a)[0] == 30, what="the first flush's commit")
    assert first.get(timeout=60) == 30
    assert redis_client.smembers(pending) == {batch_id}

    # The next flush runs the pending batch again: ON CONFLICT, nothing twice.
    assert flush_clicks_task.apply_async().get(timeout=60) == 0
    assert not redis_client.smembers(pending)
    assert stored(tenant_a) == (30, 30)
    with tenant_a.context():
        assert set(Click.objects.values_list("batch_id", flat=True)) == {batch_id.decode()}
