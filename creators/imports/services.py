"""Every write of the creator import: upload, start (with the mapping remembered), run,
retry. Reads (the mapping page, the preview, results) are in selectors.py."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from creators.imports.fields import mapping_problems, normalize_header
from creators.imports.reading import MAX_UPLOAD_BYTES, XLSX, file_kind, open_table
from creators.imports.rows import RowResult, Validator
from creators.imports.writing import write_batch
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
    name = upload.name or "upload"
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": f"“{name}” is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                     f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split it into smaller files."}
        )  # fmt: skip
    if not upload.size:
        raise ValidationError({"file": f"“{name}” is empty."})
    upload.seek(0)
    kind = file_kind(name, upload.read(8))
    with open_table(upload, kind) as table:
        if next(table.rows, None) is None:
            raise ValidationError({"file": "The file has a header row but no rows under it."})
    upload.seek(0)
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


@dataclass
class _Batch:
    first_line: int
    last_line: int
    results: list[RowResult]


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
    position = creator_import.processed_rows
    batch: _Batch | None = None
    try:
        with creator_import.file.open("rb") as fileobj:
            kind = XLSX if creator_import.file.name.endswith(".xlsx") else "csv"
            if not creator_import.total_rows:
                _set_total(organization, import_id, _count_rows(fileobj, kind))
            with open_table(fileobj, kind) as table:
                problems = mapping_problems(creator_import.mapping) + [
                    f"The file has no column called “{h}” any more."
                    for h, f in creator_import.mapping.items()
                    if f and h not in table.headers
                ]
                if problems:
                    raise ValidationError(problems)
                validator = Validator(table.headers, creator_import.mapping)
                seen = 0
                for line, cells in table.rows:
                    seen += 1
                    if seen <= position:
                        validator.remember(line, cells)
                        continue
                    if batch is None:
                        batch = _Batch(line, line, [])
                    batch.results.append(validator.validate(line, cells))
                    batch.last_line = line
                    if len(batch.results) >= BATCH_ROWS:
                        position = _commit_batch(organization, import_id, position, batch)
                        batch = None
                if batch is not None:
                    position = _commit_batch(organization, import_id, position, batch)
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


def _commit_batch(organization: Organization, import_id: int, position: int, batch: _Batch) -> int:
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
            organization=organization, rows=good, on_duplicate=locked.on_duplicate, now=now
        )
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


def _count_rows(fileobj, kind: str) -> int:
    """Rows under the header, for the progress bar. A CSV is counted (a fast pass of the
    csv module); an XLSX says how many it has, or is counted as it goes."""
    with open_table(fileobj, kind) as table:
        if table.row_hint is not None:
            return table.row_hint
        return sum(1 for _ in table.rows)


def _set_total(organization: Organization, import_id: int, total: int) -> None:
    with tenant_context(organization):
        CreatorImport.objects.for_org(organization).filter(pk=import_id).update(
            total_rows=total, updated_at=timezone.now()
        )


def _failure_reason(error: Exception, batch: _Batch | None) -> str:
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
