"""Reading an uploaded file as a table: headers, then (line, cells) for each row.

CSV is decoded as UTF-8 (with or without a BOM), else as Windows-1252, else Latin-1 (every
byte is a Latin-1 character, so that last one never fails); a UTF-16 file (Excel's
"Unicode text") is recognised by its BOM. The delimiter is whichever of , ; tab | the
header line uses most. XLSX is read with openpyxl in read-only mode, first sheet, cached
values of formulas. Lines are spreadsheet rows: the header is line 1."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError

from creators.imports.fields import normalize_header

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CSV, XLSX = "csv", "xlsx"
DELIMITERS = (",", ";", "\t", "|")
_ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1 << 20


@dataclass
class Table:
    kind: str
    encoding: str
    headers: list[str]
    # Rows with at least one non-empty cell, as (line, cells); cells are strings and may be
    # fewer or more than the headers (a row with more is reported by the validator).
    rows: Iterator[tuple[int, list[str]]]
    # Data rows the file says it has (XLSX's recorded dimension), when known up front.
    row_hint: int | None = None


def file_kind(name: str, head: bytes) -> str:
    """CSV or XLSX, from the name and the first bytes; refuses anything else."""
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xls":
        raise ValidationError(
            "This is an Excel 97–2003 .xls file: save it as .xlsx or CSV and upload that."
        )
    if head.startswith(_ZIP_MAGIC):
        if suffix in (".xlsx", ".xlsm", ""):
            return XLSX
        raise ValidationError(f"“{name}” is a compressed file, not a CSV or an .xlsx workbook.")
    if suffix in (".xlsx", ".xlsm"):
        raise ValidationError(f"“{name}” is not a valid .xlsx workbook.")
    if suffix in (".csv", ".txt", ".tsv", ""):
        return CSV
    raise ValidationError("Upload a .csv or .xlsx file.")


def detect_encoding(fileobj: IO[bytes]) -> str:
    """utf-8-sig if the whole file is valid UTF-8, else cp1252 if that decodes it, else
    latin-1. Streams the file in chunks; leaves it at the start."""
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := fileobj.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
        finally:
            fileobj.seek(0)
    return "latin-1"


def check_headers(raw: list[str]) -> list[str]:
    headers = [str(h).strip() for h in raw]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ValidationError("The first row must hold the column headers, and it is empty.")
    seen: dict[str, int] = {}
    for number, header in enumerate(headers, start=1):
        if not header:
            raise ValidationError(
                f"Column {number} has no header: name every column in the first row, or "
                "delete the empty column."
            )
        key = normalize_header(header)
        if key in seen:
            raise ValidationError(
                f"Two columns are called “{header}” (columns {seen[key]} and {number}): "
                "rename one so each column can be mapped."
            )
        seen[key] = number
    return headers


@contextmanager
def open_table(fileobj: IO[bytes], kind: str) -> Iterator[Table]:
    """The file as a Table. Raises ValidationError (a message for the person who uploaded
    it) when it cannot be read, also while iterating rows."""
    fileobj.seek(0)
    if kind == XLSX:
        with _open_xlsx(fileobj) as table:
            yield table
    else:
        with _open_csv(fileobj) as table:
            yield table


@contextmanager
def _open_csv(fileobj: IO[bytes]) -> Iterator[Table]:
    encoding = detect_encoding(fileobj)
    stream = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        first = stream.readline()
        if not first:
            raise ValidationError("The file is empty.")
        counts = {d: first.count(d) for d in DELIMITERS}
        delimiter = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
        reader = csv.reader(itertools.chain([first], stream), delimiter=delimiter)
        try:
            raw_headers = next(reader, None)
        except csv.Error as error:
            raise ValidationError(f"Line 1 could not be read as CSV: {error}.") from None
        headers = check_headers(raw_headers or [])

        def rows() -> Iterator[tuple[int, list[str]]]:
            line = 1
            try:
                for cells in reader:
                    line += 1
                    if any(c.strip() for c in cells):
                        yield line, cells
            except csv.Error as error:
                raise ValidationError(
                    f"Line {line + 1} could not be read as CSV: {error}."
                ) from None

        yield Table(kind=CSV, encoding=encoding, headers=headers, rows=rows())
    finally:
        # The wrapper must not close the file it was lent.
        stream.detach()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Spreadsheets store 12000 as 12000.0; a whole number must read as one.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


@contextmanager
def _open_xlsx(fileobj: IO[bytes]) -> Iterator[Table]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ValidationError(f"The .xlsx workbook could not be opened ({error}).") from None
    try:
        if not workbook.worksheets:
            raise ValidationError("The workbook has no sheets.")
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        first = next(values, None)
        if first is None:
            raise ValidationError("The first sheet of the workbook is empty.")
        headers = check_headers([_xlsx_text(v) for v in first])
        hint = (sheet.max_row - 1) if sheet.max_row and sheet.max_row > 1 else None

        def rows() -> Iterator[tuple[int, list[str]]]:
            for line, row in enumerate(values, start=2):
                cells = [_xlsx_text(v) for v in row]
                if any(c.strip() for c in cells):
                    yield line, cells

        yield Table(kind=XLSX, encoding="", headers=headers, rows=rows(), row_hint=hint)
    finally:
        workbook.close()


def readable_upload(upload) -> tuple[str, str]:
    """(name, kind) of an uploaded CSV or XLSX once it is known to be readable: within
    the size limit, a known type, a header row and at least one row under it. Else a
    ValidationError on "file" that says what to fix. Leaves the upload at its start."""
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
    return name, kind
