"""Every write of the orders import: upload, start (with the mapping remembered), run.
The file handling is creators' import's (reading, read_batches, estimate_rows); each
good row is recorded through the one recording path, conversion_record (source "csv"),
so an order imported twice is the same order and its attribution follows."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Mapping
from decimal import Decimal
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from creators.imports.batches import Batch, read_batches
from creators.imports.fields import normalize_header
from creators.imports.reading import (
    CSV,
    XLSX,
    readable_upload,
)
from creators.imports.rows import RowError
from creators.imports.services import estimate_rows
from kolhub.models import Organization
from kolhub.tenancy.context import tenant_context
from tracking.imports.fields import order_mapping_problems
from tracking.imports.rows import BLAME, OrderRow, OrderValidator
from tracking.models import (
    Conversion,
    ConversionSource,
    OrderImport,
    OrderImportColumnMapping,
    OrderImportRowError,
)
from tracking.services.conversions import ConversionInvalid, RefundInput, conversion_record

logger = logging.getLogger(__name__)
# Each row runs the attribution (a handful of queries), so batches are smaller than the
# creators import's: the progress bar moves, and a batch's transaction stays short.
BATCH_ROWS = 200
Status = OrderImport.Status


def _same_org(organization: Organization, order_import: OrderImport) -> None:
    if order_import.organization_id != organization.pk:
        raise ValidationError("That import belongs to another organization.")


@transaction.atomic
def order_import_upload(
    *, organization: Organization, uploaded_by: AbstractBaseUser | None, upload: File
) -> OrderImport:
    """Keep an uploaded CSV or XLSX of orders for mapping, once it is known to be
    readable: within the size limit, a known type, a header row and a row under it."""
    name, kind = readable_upload(upload)
    order_import = OrderImport(
        organization=organization, original_name=name[-255:],
        started_by=uploaded_by if uploaded_by is not None and uploaded_by.pk else None,
    )  # fmt: skip
    # The stored name is ours: the person's file name is kept for display only.
    order_import.file.save(f"{uuid.uuid4().hex}.{kind}", upload, save=False)
    order_import.save()
    return order_import


@transaction.atomic
def order_import_start(
    *, organization: Organization, order_import: OrderImport, mapping: Mapping[str, str],
    started_by: AbstractBaseUser | None,
) -> OrderImport:  # fmt: skip
    """Check the mapping {header: field or ""}, remember it for the organization's next
    import, and queue the import (the task is sent when this transaction commits)."""
    from tracking.imports.selectors import order_import_headers
    from tracking.imports.tasks import import_orders_task

    _same_org(organization, order_import)
    order_import = (
        OrderImport.objects.for_org(organization).select_for_update().get(pk=order_import.pk)
    )
    if order_import.status != Status.UPLOADED:
        raise ValidationError("This import has already been started.")
    headers = order_import_headers(organization=organization, order_import=order_import)
    unknown = [h for h in mapping if h not in headers]
    if unknown:
        raise ValidationError(f"The file has no column called “{unknown[0]}”.")
    mapping = {header: mapping.get(header, "") for header in headers}
    problems = order_mapping_problems(mapping)
    if problems:
        raise ValidationError(problems)
    OrderImportColumnMapping.objects.bulk_create(
        [OrderImportColumnMapping(organization=organization, header=normalize_header(h), field=f)
         for h, f in mapping.items()],
        update_conflicts=True, unique_fields=["organization", "header"],
        update_fields=["field", "updated_at"],
    )  # fmt: skip
    order_import.mapping = mapping
    if started_by is not None and started_by.pk:
        order_import.started_by = started_by
    order_import.status = Status.QUEUED
    order_import.save()
    import_orders_task.delay_on_commit(organization.pk, order_import.pk)
    return order_import


class _Superseded(Exception):
    """Another run of the same import has moved past this one's position."""


def order_import_run(*, organization: Organization, import_id: int) -> str:
    """Read, validate and record the whole file; returns the final status.

    Each batch is its own tenant transaction that records its rows, their errors and
    the progress counters together: the progress bar moves, a crash keeps every finished
    batch, and a rerun resumes after the last committed one. Bad rows are reported and
    skipped; they never stop the import."""
    with tenant_context(organization):
        order_import = (
            OrderImport.objects.for_org(organization).select_for_update().get(pk=import_id)
        )
        if order_import.status not in (Status.QUEUED, Status.RUNNING):
            return order_import.status
        order_import.status = Status.RUNNING
        order_import.started_at = order_import.started_at or timezone.now()
        order_import.failure = ""
        order_import.save(update_fields=["status", "started_at", "failure", "updated_at"])
    position = order_import.processed_rows
    batch: Batch | None = None
    try:
        with order_import.file.open("rb") as fileobj:
            kind = XLSX if order_import.file.name.endswith(".xlsx") else CSV
            if not order_import.total_rows:
                with tenant_context(organization):
                    OrderImport.objects.for_org(organization).filter(pk=import_id).update(
                        total_rows=estimate_rows(fileobj, kind)
                    )
            batches = read_batches(
                fileobj, kind, order_import.mapping, size=BATCH_ROWS, skip=position,
                validator_class=partial(OrderValidator, tz=organization.timezone),
                problems_of=order_mapping_problems,
            )  # fmt: skip
            for batch in batches:
                position = _commit_batch(organization, import_id, position, batch)
            batch = None
        with tenant_context(organization):
            OrderImport.objects.for_org(organization).filter(pk=import_id).update(
                status=Status.DONE, total_rows=F("processed_rows"),
                finished_at=timezone.now(), updated_at=timezone.now(),
            )  # fmt: skip
        return Status.DONE
    except _Superseded:
        return Status.RUNNING
    except Exception as error:
        # Any failure ends with a reason on the import for the person to act on; the log
        # keeps the traceback.
        logger.exception("order import %s failed", import_id)
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else (
            f"{type(error).__name__}: {error}"
        )  # fmt: skip
        if batch is not None:
            reason = (f"Stopped while importing lines {batch.first_line}–{batch.last_line}: "
                      f"{reason} Rows before line {batch.first_line} were imported.")  # fmt: skip
        with tenant_context(organization):
            OrderImport.objects.for_org(organization).filter(pk=import_id).update(
                status=Status.FAILED, failure=reason[:2000], finished_at=timezone.now(),
                updated_at=timezone.now(),
            )  # fmt: skip
        return Status.FAILED


def _commit_batch(organization: Organization, import_id: int, position: int, batch: Batch) -> int:
    rows: list[OrderRow] = batch.results
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with tenant_context(organization):
        locked = (
            OrderImport.objects.for_org(organization)
            .select_for_update()
            .only("id", "status", "processed_rows", "mapping")
            .get(pk=import_id)
        )
        if locked.status != Status.RUNNING or locked.processed_rows != position:
            raise _Superseded
        headers = {target: header for header, target in locked.mapping.items() if target}
        refunded = dict(
            Conversion.objects.for_org(organization)
            .filter(source=ConversionSource.CSV, source_label="",
                    external_id__in=[r.data.external_id for r in rows if r.data])
            .values_list("external_id", "refunded")
        )  # fmt: skip
        for row in rows:
            if not row.ok or row.data is None:
                continue
            try:
                # A savepoint per row: a row the recording path refuses after all is
                # reported, and the rest of the batch still lands.
                with transaction.atomic():
                    outcome = conversion_record(
                        organization=organization,
                        data=_with_refund(row, refunded.get(row.data.external_id)),
                    )
            except ConversionInvalid as bad:
                column = headers.get(BLAME.get(bad.field, bad.field), "")
                value = str(row.values.get(BLAME.get(bad.field, bad.field), ""))
                reason = f"{bad.reason[:1].upper()}{bad.reason[1:]}."
                row.errors.append(RowError(row.line, column, value, reason))
                continue
            counts["created" if outcome.created else
                   "updated" if outcome.changed else "unchanged"] += 1  # fmt: skip
        errors = [e for r in rows for e in r.errors]
        OrderImportRowError.objects.bulk_create(
            OrderImportRowError(organization=organization, order_import_id=import_id,
                                line=e.line, column=e.column[:200], value=e.value,
                                reason=e.reason)
            for e in errors
        )  # fmt: skip
        OrderImport.objects.for_org(organization).filter(pk=import_id).update(
            processed_rows=F("processed_rows") + len(rows),
            created_count=F("created_count") + counts["created"],
            updated_count=F("updated_count") + counts["updated"],
            unchanged_count=F("unchanged_count") + counts["unchanged"],
            error_count=F("error_count") + sum(1 for r in rows if not r.ok),
            updated_at=timezone.now(),
        )  # fmt: skip
    return position + len(rows)


def _with_refund(row: OrderRow, already: Decimal | None):
    """The file says how much was refunded so far; what is new since the last import is
    one refund (keyed by the running total, so the same file twice adds nothing)."""
    data = row.data
    total_refunded = row.values.get("refunded", Decimal("0"))
    new = total_refunded - (already or Decimal("0"))
    if new < 0:
        raise ConversionInvalid(
            "refunded", f"is less than the {already} {data.currency} already recorded as refunded"
        )
    if new == 0:
        return data
    refund = RefundInput(
        external_id=f"csv-refunded-to:{total_refunded}", amount=new, currency=data.currency,
        refunded_at=row.values.get("refunded_at") or data.cancelled_at or data.occurred_at,
    )  # fmt: skip
    return dataclasses.replace(data, refunds=(refund,))
