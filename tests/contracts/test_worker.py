"""A real Celery worker renders and seals the PDF; SIGKILL it mid-render and the task is
delivered again (acks_late + reject_on_worker_lost) and exactly one PDF results.

The worker runs the prefork pool with one child, so killing the child is a worker lost
mid-task, which the parent reports and Celery redelivers at once. To kill it at a known
point without any test hook in the code, the test holds a lock on the register of issued
PDFs: the child renders, seals and stores the file, then waits on that lock, where it is
killed, with a file in storage and nothing committed."""

from __future__ import annotations

import hashlib
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

from contracts.models import Contract, IssuedDocument, PdfStatus
from contracts.seal import DEV_PASSPHRASE
from contracts.verification import verify_pdf
from kolhub.celery import app
from tests.contracts.factories import completed_contract, seal_for_tests_path
from tests.kolhub import live_worker
from tests.kolhub.live_worker import ROOT, LiveWorker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class PreforkWorker(LiveWorker):
    """LiveWorker with the prefork pool (one child) and this run's test seal."""

    def start(self, timeout: float = 60) -> None:
        env = dict(
            os.environ,
            DATABASE_URL=live_worker.test_database_url(),
            DJANGO_SETTINGS_MODULE="kolhub.settings.test",
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            CONTRACTS_SEAL_PKCS12_PATH=str(seal_for_tests_path()),
            CONTRACTS_SEAL_PKCS12_PASSPHRASE=DEV_PASSPHRASE,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kolhub",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "-n",
                self.name,
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
        )
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
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def no_eager():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


def test_worker_killed_mid_render_is_retried_and_leaves_exactly_one_pdf(
    tenant_a, tmp_path, no_eager
):
    db = connection.settings_dict
    locker = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db["HOST"] or None,
        port=db.get("PORT") or None,
        autocommit=False,
    )
    locker.execute("LOCK TABLE contracts_issueddocument IN EXCLUSIVE MODE")

    # Completing the contract enqueues the render on commit; no worker is running yet.
    with tenant_a.context():
        contract = completed_contract(tenant_a, render=False)
    name = f"contracts/{contract.organization_id}/contract-{contract.pk}-v{contract.version}.pdf"
    stored = Path(settings.MEDIA_ROOT) / name

    worker = PreforkWorker(tmp_path)
    try:
        worker.start()
        # The child rendered, sealed and stored the file, and now waits on our lock.
        wait_for(stored.exists, what="the stored PDF of the first attempt")
        with tenant_a.context():
            first = Contract.objects.get(pk=contract.pk)
            assert first.pdf_status == PdfStatus.RENDERING and first.pdf_attempts == 1
        children = worker.child_pids()
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        wait_for(
            lambda: worker.child_pids() and worker.child_pids() != children,
            what="the pool to replace the killed child",
        )
        locker.rollback()  # release the lock: the redelivered task can finish

        def ready():
            with tenant_a.context():
                row = Contract.objects.get(pk=contract.pk)
            return row if row.pdf_status == PdfStatus.READY else None

        done = wait_for(ready, what="the redelivered render")
    finally:
        locker.close()
        worker.stop()

    log = worker.log_path.read_text()
    assert "WorkerLostError" in log or "exited with 'signal 9" in log, log[-3000:]
    assert done.pdf_attempts == 2
    assert sorted(p.name for p in stored.parent.iterdir()) == [stored.name]
    data = stored.read_bytes()
    assert hashlib.sha256(data).hexdigest() == done.pdf_sha256
    assert IssuedDocument.objects.filter(contract_id=contract.pk).count() == 1
    assert verify_pdf(data).status == "valid"
