"""Reads for the orders import pages: past imports, one import's errors, the file's
headers and first rows (creators' import_sample reads any import with a file), the
pre-filled mapping, and the preview."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from creators.imports.fields import normalize_header
from creators.imports.selectors import Sample, import_sample
from kolhub.models import Organization
from tracking.imports.fields import TARGETS_BY_KEY, guess_field
from tracking.imports.rows import OrderValidator
from tracking.models import (
    Conversion,
    ConversionSource,
    OrderImport,
    OrderImportColumnMapping,
    OrderImportRowError,
)

PREVIEW_ROWS = 10


def order_import_list(*, organization: Organization) -> QuerySet[OrderImport]:
    return (
        OrderImport.objects.for_org(organization)
        .select_related("started_by")
        .order_by("-created_at", "-id")
    )


def order_import_row_error_list(
    *, organization: Organization, order_import: OrderImport
) -> QuerySet[OrderImportRowError]:
    return (
        OrderImportRowError.objects.for_org(organization)
        .filter(order_import_id=order_import.pk)
        .order_by("line", "id")
    )


def order_import_sample(
    *, organization: Organization, order_import: OrderImport, rows: int = PREVIEW_ROWS
) -> Sample:
    return import_sample(organization=organization, creator_import=order_import, rows=rows)


def order_import_headers(*, organization: Organization, order_import: OrderImport) -> list[str]:
    return order_import_sample(organization=organization, order_import=order_import, rows=0).headers


def order_import_mapping_initial(
    *, organization: Organization, headers: list[str], order_import: OrderImport | None = None
) -> dict[str, str]:
    """{header: field or ""}: a started import's own mapping; else what this organization
    chose for the header last time, or what it obviously means; no field twice."""
    if order_import is not None and order_import.status != OrderImport.Status.UPLOADED:
        return {header: order_import.mapping.get(header, "") for header in headers}
    remembered = dict(
        OrderImportColumnMapping.objects.for_org(organization)
        .filter(header__in=[normalize_header(h) for h in headers])
        .values_list("header", "field")
    )
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = normalize_header(header)
        target = remembered[key] if key in remembered else guess_field(header)
        if target not in TARGETS_BY_KEY or target in used:
            target = ""
        used.add(target)
        mapping[header] = target
    return mapping


@dataclass
class PreviewCell:
    header: str
    label: str
    text: str
    error: str = ""


@dataclass
class PreviewRow:
    line: int
    cells: list[PreviewCell]
    outcome: str  # "new", "update", "error" or "unmapped"
    other_errors: list[str]


def order_import_preview(
    *, organization: Organization, sample: Sample, mapping: Mapping[str, str]
) -> list[PreviewRow]:
    """The sample rows as the import will take them: the values, each bad cell with its
    reason, and whether the order is new or already recorded from an earlier import."""
    validator = OrderValidator(sample.headers, mapping, tz=organization.timezone)
    results = [validator.validate(line, cells) for line, cells in sample.rows]
    known = set(
        Conversion.objects.for_org(organization)
        .filter(source=ConversionSource.CSV, source_label="",
                external_id__in=[r.values["external_id"] for r in results
                                 if "external_id" in r.values])
        .values_list("external_id", flat=True)
    )  # fmt: skip
    rows = []
    for result in results:
        cells = [
            PreviewCell(header, TARGETS_BY_KEY[target].label,
                        _display(result.values.get(target)),
                        result.field_errors.get(target, ""))
            for _, header, target in validator.columns
        ]  # fmt: skip
        if not result.ok:
            outcome = "error"
        elif result.data is None:
            outcome = "unmapped"
        else:
            outcome = "update" if result.data.external_id in known else "new"
        other = [e.reason for e in result.errors if not e.column]
        rows.append(PreviewRow(result.line, cells, outcome, other))
    return rows


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ", ".join(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
