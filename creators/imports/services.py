"""Every write of the creator import: upload, start (with the mapping remembered), run,
retry. Reads (the mapping page, the preview, results) are in selectors.py."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from functools import partial
from typing import IO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from creators.imports.batches import Batch, ReadAhead, read_batches
from creators.imports.fields import mapping_problems, normalize_header
from creators.imports.reading import (
    CSV,
    XLSX,
    open_table,
    readable_upload,
)
from creators.imports.writing import CreatorIdentities, prepare_rows, write_batch
from creators.models import CreatorImport, ImportColumnMapping, ImportRowError
from kolhub.models import Organization
from kolhub.tenancy.context import tenant_context

logger = logging.getLogger(__name__)

# Rows per transaction: large enough that the fixed cost of a batch (a dozen statements
# and refresh_derived) is small per row, small enough that a batch holds its locks for
# well under a second and the progress bar moves.
BATCH_ROWS = 2000
Status = CreatorImport.Status


def _same_org(organization: Organization, creator_import: CreatorImport) -> None:
    if creator_import.organization_id != organization.pk:
        raise ValidationError("That import belongs to another organization.")


@transaction.atomic
def import_upload(
    *, organization: Organization, uploaded_by: AbstractBaseUser | None, upload: File
) -> CreatorImport:
    """Keep an uploaded CSV or XLSX for mapping, once it is known to be readable: a size
    within the limit, a known type, a header row and at least one row under it."""
    name, kind = readable_upload(upload)
    creator_import = CreatorImport(
        organization=organization, original_name=name[-255:], started_by=uploaded_by
    )
    # The stored name is ours: the person's file name is kept for display only.
    creator_import.file.save(f"{uuid.uuid4().hex}.{kind}", upload, save=False)
    creator_import.save()
    return creator_import


@transaction.atomic
def import_start(
    *, organization: Organization, creator_import: CreatorImport, mapping: Mapping[str, str],
    on_duplicate: str, started_by: AbstractBaseUser | None,
) -> CreatorImport:  # fmt: skip
    """Check the mapping {header: field or ""}, remember it for the organization's next
    import, and queue the import."""
    from creators.imports.selectors import import_headers
    from creators.imports.tasks import import_creators_task

    _same_org(organization, creator_import)
    creator_import = (
        CreatorImport.objects.for_org(organization).select_for_update().get(pk=creator_import.pk)
    )
    if creator_import.status != Status.UPLOADED:
        raise ValidationError("This import has already been started.")
    if on_duplicate not in CreatorImport.OnDuplicate.values:
        raise ValidationError({"on_duplicate": "Choose whether duplicates update or are skipped."})
    headers = import_headers(organization=organization, creator_import=creator_import)
    unknown = [h for h in mapping if h not in headers]
    if unknown:
        raise ValidationError(f"The file has no column called “{unknown[0]}”.")
    mapping = {header: mapping.get(header, "") for header in headers}
    problems = mapping_problems(mapping)
    if problems:
        raise ValidationError(problems)
    ImportColumnMapping.objects.bulk_create(
        [ImportColumnMapping(organization=organization, header=normalize_header(h), field=f)
         for h, f in mapping.items()],
        update_conflicts=True, unique_fields=["organization", "header"],
        update_fields=["field", "updated_at"],
    )  # fmt: skip
    creator_import.mapping = mapping
    creator_import.on_duplicate = on_duplicate
    creator_import.started_by = started_by or creator_import.started_by
    creator_import.status = Status.QUEUED
    creator_import.save()
    import_creators_task.delay_on_commit(organization.pk, creator_import.pk)
    return creator_import


@transaction.atomic
def import_retry(*, organization: Organization, creator_import: CreatorImport) -> CreatorImport:
    """Queue a failed import again. It resumes after the last batch that was committed, so
    nothing is imported twice (and a row imported twice would still only update its
    account: accounts are unique on organization, platform and handle)."""
    from creators.imports.tasks import import_creators_task

    _same_org(organization, creator_import)
    creator_import = (
        CreatorImport.objects.for_org(organization).select_for_update().get(pk=creator_import.pk)
    )
    if creator_import.status != Status.FAILED:
        raise ValidationError("Only a failed import can be retried.")
    creator_import.status = Status.QUEUED
    creator_import.failure = ""
    creator_import.finished_at = None
    creator_import.save()
    import_creators_task.delay_on_commit(organization.pk, creator_import.pk)
    return creator_import


class _Superseded(Exception):
    """Another run of the same import has moved past this one's position."""


def import_run(*, organization: Organization, import_id: int) -> str:
    """Read, validate and write the whole file; returns the final status.

    Not one transaction, on purpose: each batch of BATCH_ROWS rows is its own tenant
    transaction that writes the rows, their errors and the progress counters together.
    So the progress bar moves, a crash keeps every finished batch, and a rerun (a retry,
    or Celery redelivering the task after a lost worker) resumes after the last committed
    batch. Bad rows are recorded and skipped; they never stop the import."""
    now = timezone.now()
    with tenant_context(organization):
        creator_import = (
            CreatorImport.objects.for_org(organization).select_for_update().get(pk=import_id)
        )
        # RUNNING is a redelivered task whose worker was lost: it resumes.
        if creator_import.status not in (Status.QUEUED, Status.RUNNING):
            return creator_import.status
        creator_import.status = Status.RUNNING
        creator_import.started_at = creator_import.started_at or now
        creator_import.failure = ""
        creator_import.save(update_fields=["status", "started_at", "failure", "updated_at"])
        identities = CreatorIdentities.at_start(organization)
    position = creator_import.processed_rows
    batch: Batch | None = None
    try:
        with creator_import.file.open("rb") as fileobj:
            kind = XLSX if creator_import.file.name.endswith(".xlsx") else CSV
            if not creator_import.total_rows:
                _set_total(organization, import_id, estimate_rows(fileobj, kind))
            batches = read_batches(
                fileobj, kind, creator_import.mapping, size=BATCH_ROWS, skip=position,
                prepare=partial(prepare_rows, organization_id=organization.pk, now=now),
            )  # fmt: skip
            with ReadAhead(batches) as ahead:
                for batch in ahead:
                    position = _commit_batch(
                        organization, import_id, position, batch, identities,
                        before_writes=ahead.prefetch,
                    )  # fmt: skip
                batch = None
        with tenant_context(organization):
            CreatorImport.objects.for_org(organization).filter(pk=import_id).update(
                status=Status.DONE, total_rows=F("processed_rows"),
                finished_at=timezone.now(), updated_at=timezone.now(),
            )  # fmt: skip
        return Status.DONE
    except _Superseded:
        return Status.RUNNING
    except Exception as error:
        # Any failure, expected or not, ends with a reason on the import for the person
        # to act on; the log keeps the traceback.
        logger.exception("creator import %s failed", import_id)
        reason = _failure_reason(error, batch)
        with tenant_context(organization):
            CreatorImport.objects.for_org(organization).filter(pk=import_id).update(
                status=Status.FAILED, failure=reason, finished_at=timezone.now(),
                updated_at=timezone.now(),
            )  # fmt: skip
        return Status.FAILED


def _commit_batch(
    organization: Organization, import_id: int, position: int, batch: Batch,
    identities: CreatorIdentities, before_writes: Callable[[], None],
) -> int:  # fmt: skip
    now = timezone.now()
    results = batch.results
    with tenant_context(organization):
        locked = (
            CreatorImport.objects.for_org(organization)
            .select_for_update()
            .only("id", "status", "processed_rows", "on_duplicate")
            .get(pk=import_id)
        )
        if locked.status != Status.RUNNING or locked.processed_rows != position:
            raise _Superseded
        good = [r for r in results if r.ok]
        outcome = write_batch(
            organization=organization, rows=good, on_duplicate=locked.on_duplicate, now=now,
            identities=identities, before_writes=before_writes,
        )  # fmt: skip
        ImportRowError.objects.bulk_create(
            ImportRowError(organization=organization, creator_import_id=import_id, line=e.line,
                           column=e.column[:200], value=e.value, reason=e.reason)
            for r in results for e in r.errors
        )  # fmt: skip
        CreatorImport.objects.for_org(organization).filter(pk=import_id).update(
            processed_rows=F("processed_rows") + len(results),
            created_count=F("created_count") + outcome.created,
            updated_count=F("updated_count") + outcome.updated,
            skipped_count=F("skipped_count") + outcome.skipped,
            error_count=F("error_count") + (len(results) - len(good)),
            updated_at=now,
        )  # fmt: skip
    return position + len(results)


def estimate_rows(fileobj: IO[bytes], kind: str) -> int:
    """Rows under the header, for the progress bar: the line breaks of a CSV (a cell with
    a line break in it counts twice), the dimension an XLSX records. The exact count
    replaces it when the import is done."""
    if kind == XLSX:
        with open_table(fileobj, kind) as table:
            return table.row_hint or 0
    fileobj.seek(0)
    breaks, last = 0, b""
    while chunk := fileobj.read(1 << 20):
        breaks += chunk.count(b"\n")
        last = chunk
    fileobj.seek(0)
    return max(0, breaks - (1 if last.endswith(b"\n") else 0))


def _set_total(organization: Organization, import_id: int, total: int) -> None:
    with tenant_context(organization):
        CreatorImport.objects.for_org(organization).filter(pk=import_id).update(
            total_rows=total, updated_at=timezone.now()
        )


def _failure_reason(error: Exception, batch: Batch | None) -> str:
    if isinstance(error, ValidationError):
        text = " ".join(error.messages)
    elif isinstance(error, FileNotFoundError):
        text = "The uploaded file is no longer available; upload it again."
    else:
        text = f"{type(error).__name__}: {error}"
    if batch is not None:
        text = (
            f"Stopped while importing lines {batch.first_line}–{batch.last_line}: {text} "
            f"Rows before line {batch.first_line} were imported; retrying continues from "
            "there."
        )
    return text[:2000]
