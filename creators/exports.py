"""CSV written for people to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence

from django.db.models import QuerySet

from kolhub.models import Organization
from kolhub.tenancy.context import tenant_context

# Rows fetched per round trip from the server-side cursor.
CHUNK_SIZE = 2000

# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets:
# "=cmd|' /C calc'!A0" would run when opened. Prefix such cells with a quote (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        # Negative numbers stay numbers: only text that would be parsed as a formula.
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


def csv_lines(*, organization: Organization, queryset: QuerySet,
              columns: Sequence[tuple[str, str]]) -> Iterator[str]:  # fmt: skip
    """`queryset` as CSV lines (a header of the columns' labels, then a row per object,
    every cell safe_cell'd), read as the lines are sent.

    The response streams after the request's tenant context has ended, so the rows are
    read inside a tenant context of their own (scope, role and RLS setting, one
    transaction), through a server-side cursor: a million-creator search is never held
    in memory at once."""
    writer = csv.writer(_Echo())
    yield writer.writerow([label for _, label in columns])
    with tenant_context(organization):
        for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield writer.writerow([safe_cell(_cell(obj, name)) for name, _ in columns])


def _cell(obj, name: str):
    value = getattr(obj, name)
    if isinstance(value, list):
        return "; ".join(value)
    return value


class _Echo:
    """A file for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value
