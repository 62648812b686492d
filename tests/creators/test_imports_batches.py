"""Batches of validated rows, and the thread that reads them ahead of the writer."""

from __future__ import annotations

import io
import sys
import threading

import pytest
from django.core.exceptions import ValidationError

from creators.imports.batches import ReadAhead, read_batches
from creators.imports.reading import CSV

MAPPING = {"Name": "name", "Platform": "platform", "Handle": "handle"}


def csv_file(rows: int) -> io.BytesIO:
    body = "".join(f"N{i},instagram,h{i}\n" for i in range(rows))
    return io.BytesIO(("Name,Platform,Handle\n" + body).encode())


def test_batches_carry_their_lines_and_skip_what_an_earlier_run_imported():
    batches = list(read_batches(csv_file(5), CSV, MAPPING, size=2, skip=1))
    assert [(b.first_line, b.last_line, len(b.results)) for b in batches] == [
        (3, 4, 2), (5, 6, 2),
    ]  # fmt: skip
    assert all(r.ok and r.key[0] == "instagram" for b in batches for r in b.results)


def test_a_mapping_that_no_longer_fits_the_file_is_refused():
    with pytest.raises(ValidationError, match="no column called “Gone”"):
        list(read_batches(csv_file(1), CSV, {**MAPPING, "Gone": "email"}, size=2))


def test_read_ahead_yields_in_order_and_prefetches_once_per_item():
    with ReadAhead(iter(range(5))) as ahead:
        seen = []
        for item in ahead:
            ahead.prefetch()
            ahead.prefetch()  # a second call for the same item asks for nothing more
            seen.append(item)
    assert seen == [0, 1, 2, 3, 4]


def test_read_ahead_hands_the_readers_error_to_the_writer():
    def items():
        yield 1
        raise ValueError("line 3 could not be read")

    with pytest.raises(ValueError, match="line 3"), ReadAhead(items()) as ahead:
        list(ahead)


def test_leaving_early_stops_the_thread_closes_the_reader_and_restores_the_interval():
    closed = threading.Event()
    interval = sys.getswitchinterval()

    def items():
        try:
            yield from range(1000)
        finally:
            closed.set()

    ahead = ReadAhead(items())
    with pytest.raises(RuntimeError), ahead:
        for item in ahead:
            ahead.prefetch()
            if item == 3:
                raise RuntimeError("the writer failed")
    assert not ahead._thread.is_alive()
    assert closed.is_set()
    assert sys.getswitchinterval() == interval
