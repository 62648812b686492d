"""Reads for the creator import pages: past imports, one import's errors, the file's
headers and first rows, the pre-filled mapping, and the preview."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from creators.imports.fields import TARGETS_BY_KEY, guess_field, normalize_header
from creators.imports.reading import XLSX, open_table
from creators.imports.rows import Validator
from creators.models import CreatorImport, ImportColumnMapping, ImportRowError, SocialAccount
from kolhub.models import Organization

PREVIEW_ROWS = 10
SAMPLES_PER_COLUMN = 3


def creator_import_list(*, organization: Organization) -> QuerySet[CreatorImport]:
    return (
        CreatorImport.objects.for_org(organization)
        .select_related("started_by")
        .order_by("-created_at", "-id")
    )


def import_row_error_list(
    *, organization: Organization, creator_import: CreatorImport
) -> QuerySet[ImportRowError]:
    return (
        ImportRowError.objects.for_org(organization)
        .filter(creator_import_id=creator_import.pk)
        .order_by("line", "id")
    )


@dataclass
class Sample:
    """The top of an uploaded file: its headers and first rows."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]

    def examples(self, header: str) -> list[str]:
        index = self.headers.index(header)
        values = [cells[index].strip() for _, cells in self.rows if index < len(cells)]
        return [v[:40] for v in values if v][:SAMPLES_PER_COLUMN]


def import_sample(
    *, organization: Organization, creator_import: CreatorImport, rows: int = PREVIEW_ROWS
) -> Sample:
    if creator_import.organization_id != organization.pk:
        raise ValueError("that import belongs to another organization")
    with creator_import.file.open("rb") as fileobj:
        kind = XLSX if creator_import.file.name.endswith(".xlsx") else "csv"
        with open_table(fileobj, kind) as table:
            taken: list[tuple[int, list[str]]] = []
            for row in table.rows:
                if len(taken) >= rows:
                    break
                taken.append(row)
            return Sample(headers=table.headers, rows=taken)


def import_headers(*, organization: Organization, creator_import: CreatorImport) -> list[str]:
    return import_sample(organization=organization, creator_import=creator_import, rows=0).headers


def import_mapping_initial(
    *, organization: Organization, headers: list[str], creator_import: CreatorImport | None = None
) -> dict[str, str]:
    """{header: field or ""} for the mapping page: a started import's own mapping; else,
    for each header, what this organization chose for it last time, or what it obviously
    means; no field twice (the first column keeps it)."""
    if creator_import is not None and creator_import.status != CreatorImport.Status.UPLOADED:
        return {header: creator_import.mapping.get(header, "") for header in headers}
    remembered = dict(
        ImportColumnMapping.objects.for_org(organization)
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
    text: str  # the value as it will be stored
    raw: str = ""  # the cell as the file has it
    error: str = ""


@dataclass
class PreviewRow:
    line: int
    cells: list[PreviewCell]
    outcome: str  # "new", "update", "skip", "error" or "unmapped"
    other_errors: list[str] = field(default_factory=list)


def import_preview(
    *, organization: Organization, sample: Sample, mapping: Mapping[str, str], on_duplicate: str
) -> list[PreviewRow]:
    """The sample rows as the import will take them: the values it will store, each bad
    cell with its reason, and what happens to the row."""
    validator = Validator(sample.headers, mapping)
    results = [validator.validate(line, cells) for line, cells in sample.rows]
    keys = {
        (r.values["platform"], r.values["handle"])
        for r in results
        if "platform" in r.values and "handle" in r.values
    }
    existing: set[tuple[str, str]] = set()
    if keys:
        match = Q()
        for platform, handle in keys:
            match |= Q(platform=platform, handle=handle)
        existing = set(
            SocialAccount.objects.for_org(organization)
            .filter(match)
            .values_list("platform", "handle")
        )
    rows = []
    for result, (_, cells) in zip(results, sample.rows, strict=True):
        cells = [
            PreviewCell(
                header=header,
                label=TARGETS_BY_KEY[target].label,
                text=_display(result.values.get(target)),
                raw=cells[index] if index < len(cells) else "",
                error=result.field_errors.get(target, ""),
            )
            for index, header, target, _ in validator.columns
        ]
        if not result.ok:
            outcome = "error"
        elif "platform" not in result.values or "handle" not in result.values:
            outcome = "unmapped"  # the mapping lacks a required column
        elif (result.values["platform"], result.values["handle"]) in existing:
            outcome = "update" if on_duplicate == CreatorImport.OnDuplicate.UPDATE else "skip"
        else:
            outcome = "new"
        other = [e.reason for e in result.errors if not e.column]
        rows.append(PreviewRow(result.line, cells, outcome, other))
    return rows


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:g}%" for k, v in value.items())
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)
