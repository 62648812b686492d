"""A real Celery worker process for tests, against the test database and the real broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from kolhub.devstack import database_url

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    return database_url(connection.settings_dict)


class LiveWorker:
    def __init__(self, log_dir: Path) -> None:
        self.name = f"kolhub-test-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = log_dir / "celery-worker.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        from kolhub.celery import app

        env = dict(
            os.environ,
            DATABASE_URL=test_database_url(),
            DJANGO_SETTINGS_MODULE="kolhub.settings.test",
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
            # Uploads saved by the test process must be where the worker reads them.
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            # The same Redis keys as the test process (the click buffer, rate counters).
            KOLHUB_TEST_CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
        )
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "kolhub", "worker",
                "--pool", "solo", "-n", self.name, "--without-gossip", "--without-mingle",
                "--loglevel", "INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
            ],
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

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
