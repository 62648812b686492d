"""The errors of an import as a CSV a person opens in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Protocol

from creators.exports import safe_cell

ERROR_COLUMNS = ["line", "column", "value", "reason"]


class RowErrorLike(Protocol):
    """An import's row error: creators' ImportRowError, tracking's OrderImportRowError."""

    line: int
    column: str
    value: str
    reason: str


def errors_csv(errors: Iterable[RowErrorLike]) -> str:
    """Every cell through creators.exports.safe_cell: the values came from an uploaded
    file, and a cell such as =cmd|' /C calc'!A0 must come back as text, not a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ERROR_COLUMNS)
    for error in errors:
        writer.writerow(
            [safe_cell(error.line), safe_cell(error.column), safe_cell(error.value),
             safe_cell(error.reason)]
        )  # fmt: skip
    return out.getvalue()
