"""A real worker runs an import: the task is registered, is enqueued only when the start
commits, commits batch by batch (others see the progress before it ends), and writes as
the tenant's database role. Committed data, a real broker, a real worker process."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from creators.imports import services
from creators.imports.tasks import import_creators_task
from creators.models import CreatorImport, SocialAccount
from kolhub.celery import app
from tests.kolhub.test_worker import live_worker, wait_for  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 5000


@pytest.fixture
def shared_media(tmp_path, settings, monkeypatch):
    # The worker is another process: it must find the uploaded file where the web saved it.
    media = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = str(media)
    return media


def test_a_worker_imports_in_committed_batches(shared_media, live_worker, tenant_a):  # noqa: F811
    registered = app.control.inspect(destination=[live_worker.name], timeout=5).registered() or {}
    assert import_creators_task.name in set(registered.get(live_worker.name, []))

    content = "Name,Platform,Handle,Followers\n" + "".join(
        f"Worker {i},instagram,worker{i},{-1 if i == 7 else i}\n" for i in range(ROWS)
    )
    org = tenant_a.organization
    with tenant_a.context():
        creator_import = services.import_upload(
            organization=org, uploaded_by=tenant_a.owner,
            upload=SimpleUploadedFile("worker.csv", content.encode()),
        )  # fmt: skip
        services.import_start(
            organization=org, creator_import=creator_import,
            mapping={"Name": "name", "Platform": "platform", "Handle": "handle",
                     "Followers": "followers"},
            on_duplicate="update", started_by=tenant_a.owner,
        )  # fmt: skip
        time.sleep(0.5)
        # Nothing runs before the start commits.
        assert CreatorImport.objects.get(pk=creator_import.pk).status == "queued"

    def progress() -> CreatorImport:
        with tenant_a.context():
            return CreatorImport.objects.get(pk=creator_import.pk)

    seen = set()

    def finished():
        current = progress()
        seen.add(current.processed_rows)
        return current.status in ("done", "failed") and current

    done = wait_for(finished, timeout=120)
    assert done.status == "done", done.failure
    assert (done.processed_rows, done.created_count, done.error_count) == (ROWS, ROWS - 1, 1)
    # Batches of 2,000 commit one by one: some poll saw a part-way count (or the import
    # was faster than the polls, in which case the counts still only ever move by batches).
    assert seen <= {0, 2000, 4000, ROWS}
    with tenant_a.context():
        assert SocialAccount.objects.count() == ROWS - 1
        assert done.row_errors.get().line == 9
