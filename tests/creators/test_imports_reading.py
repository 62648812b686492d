"""Reading uploaded files: encodings, delimiters, headers, line numbers, XLSX cells."""

from __future__ import annotations

import codecs
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from creators.imports.reading import CSV, XLSX, detect_encoding, file_kind, open_table


def read(content: bytes, kind: str = CSV) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_table(io.BytesIO(content), kind) as table:
        return table.headers, list(table.rows)


@pytest.mark.parametrize(
    "content,encoding",
    [
        ("Name\nZoë\n".encode(), "utf-8-sig"),
        (codecs.BOM_UTF8 + "Name\nZoë\n".encode(), "utf-8-sig"),
        ("Name\nZoë – “quoted”\n".encode("cp1252"), "cp1252"),
        # 0x81 has no character in Windows-1252: only Latin-1 reads it.
        (b"Name\nZo\xeb \x81\n", "latin-1"),
        ("Name\nZoë\n".encode("utf-16"), "utf-16"),
    ],
)
def test_encoding_detection(content, encoding):
    assert detect_encoding(io.BytesIO(content)) == encoding
    headers, rows = read(content)
    assert headers == ["Name"]
    assert rows[0][1][0].startswith("Zo")


def test_a_utf8_bom_is_not_part_of_the_first_header():
    headers, rows = read(codecs.BOM_UTF8 + b"Name,Handle\nAna,ana\n")
    assert headers == ["Name", "Handle"]
    assert rows == [(2, ["Ana", "ana"])]


def test_utf8_is_decoded_even_when_the_first_megabyte_is_ascii():
    content = b"Name\n" + b"a\n" * 600_000 + "Zoë\n".encode()
    assert detect_encoding(io.BytesIO(content)) == "utf-8-sig"
    assert read(content)[1][-1] == (600_002, ["Zoë"])


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_the_one_the_header_uses(delimiter):
    content = delimiter.join(["Name", "Handle", "Niches"]) + "\nAna" + delimiter + "ana"
    content += delimiter + "a,b\n"
    headers, rows = read(content.encode())
    assert headers == ["Name", "Handle", "Niches"]
    if delimiter != ",":
        assert rows[0][1] == ["Ana", "ana", "a,b"]


def test_lines_count_spreadsheet_rows_and_blank_rows_are_skipped():
    content = b'Name,Bio\nAna,"two\nlines"\n\n,\nBen,x\n'
    headers, rows = read(content)
    assert rows == [(2, ["Ana", "two\nlines"]), (5, ["Ben", "x"])]


def test_trailing_empty_headers_are_dropped_and_headers_trimmed():
    assert read(b" Name , Handle ,,\nA,b,,\n")[0] == ["Name", "Handle"]


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "The file is empty."),
        (b"\n", "The first row must hold the column headers"),
        (b"Name,,Handle\n", "Column 2 has no header"),
        (b"Name,Handle, NAME \n", "Two columns are called “NAME” (columns 1 and 3)"),
    ],
)
def test_bad_headers(content, message):
    with pytest.raises(ValidationError) as error:
        read(content)
    assert message in " ".join(error.value.messages)


@pytest.mark.parametrize(
    "name,head,expected",
    [
        ("a.csv", b"Name", CSV),
        ("A.TXT", b"Name", CSV),
        ("a.xlsx", b"PK\x03\x04", XLSX),
        ("noextension", b"PK\x03\x04", XLSX),
    ],
)
def test_file_kind(name, head, expected):
    assert file_kind(name, head) == expected


@pytest.mark.parametrize(
    "name,head,message",
    [
        ("a.xls", b"\xd0\xcf", "Excel 97–2003"),
        ("a.xlsx", b"Name,", "not a valid .xlsx"),
        ("a.zip", b"PK\x03\x04", "compressed file"),
        ("a.pdf", b"%PDF", "Upload a .csv or .xlsx file."),
    ],
)
def test_file_kind_refuses(name, head, message):
    with pytest.raises(ValidationError, match=message):
        file_kind(name, head)


def test_xlsx_cells_read_as_text_a_person_would_type():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Followers", "ER", "Joined", "Flag", "Empty"])
    sheet.append(["Ana", 12000.0, 3.25, dt.date(2026, 1, 2), True, None])
    sheet.append(["Ben", 7, 0.1, None, False, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    headers, rows = read(buffer.getvalue(), XLSX)
    assert headers == ["Name", "Followers", "ER", "Joined", "Flag", "Empty"]
    assert rows[0] == (2, ["Ana", "12000", "3.25", "2026-01-02T00:00:00", "TRUE", ""])
    assert rows[1] == (3, ["Ben", "7", "0.1", "", "FALSE", ""])
