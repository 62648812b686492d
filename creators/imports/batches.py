"""A file as batches of validated rows, read ahead of the writer.

Reading, validating and preparing rows is pure Python; writing a batch is mostly
PostgreSQL's work, during which the writer waits on the socket with the GIL released.
Reading the next batch in a thread during that wait keeps both cores of a small machine
busy: on the 100,000-row benchmark (bench/creator_import.py) it saves about a fifth of the
time against reading inline. The reading thread never touches the database."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError

from creators.imports.fields import mapping_problems
from creators.imports.reading import open_table
from creators.imports.rows import RowResult, Validator


@dataclass
class Batch:
    first_line: int
    last_line: int
    results: list[RowResult]


def read_batches(
    fileobj: IO[bytes], kind: str, mapping: Mapping[str, str], *, size: int, skip: int = 0,
    prepare: Callable[[list[RowResult]], None] | None = None,
    validator_class: Callable[[list[str], Mapping[str, str]], Any] = Validator,
    problems_of: Callable[[Mapping[str, str]], list[str]] = mapping_problems,
) -> Iterator[Batch]:  # fmt: skip
    """Validated rows in batches of `size`, after the first `skip` rows (already imported
    by an earlier run: they are only noted, so a duplicate of one is still caught).
    `prepare` is called on each batch's rows before it is handed over: the part of writing
    that needs no database runs here too, in the reading thread. Another importer passes
    its own `validator_class` (headers, mapping -> an object with validate(line, cells)
    and remember(line, cells)) and `problems_of` (its mapping_problems)."""
    with open_table(fileobj, kind) as table:
        problems = problems_of(mapping) + [
            f"The file has no column called “{header}” any more."
            for header, target in mapping.items()
            if target and header not in table.headers
        ]
        if problems:
            raise ValidationError(problems)
        validator = validator_class(table.headers, mapping)
        seen = 0
        batch: Batch | None = None
        for line, cells in table.rows:
            seen += 1
            if seen <= skip:
                validator.remember(line, cells)
                continue
            if batch is None:
                batch = Batch(line, line, [])
            batch.results.append(validator.validate(line, cells))
            batch.last_line = line
            if len(batch.results) >= size:
                if prepare is not None:
                    prepare(batch.results)
                yield batch
                batch = None
        if batch is not None:
            if prepare is not None:
                prepare(batch.results)
            yield batch


_DONE = object()
SWITCH_INTERVAL = 0.0005


class ReadAhead:
    """Reads the next item of an iterator in a thread while the consumer works on the
    current one, and starts reading when told: `prefetch()`. The writer calls it once its
    own Python work on a batch is done and PostgreSQL's begins, so the reading overlaps
    the database's time rather than competing with the writer for the GIL (on the
    benchmark, reading as soon as a batch was taken overlapped next to nothing). Asking
    for the next item without having called it calls it then.

    An exception in the thread is raised in the consumer; leaving the `with` block stops
    the thread."""

    def __init__(self, items: Iterator) -> None:
        self._items = items
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._permits = threading.Semaphore(0)
        self._requested = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="creator-import-reader", daemon=True)

    def __enter__(self) -> ReadAhead:
        # The writer waits on PostgreSQL many times per batch, and each time the result
        # arrives it needs the GIL back from the reading thread, which holds it for up to
        # the switch interval (5 ms by default). Over a batch's dozens of network reads
        # and writes that adds up to a second; 0.5 ms makes it negligible. Process-wide,
        # so only for as long as the read-ahead runs (in a worker, the import is all the
        # process does).
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        if sys.getswitchinterval() == SWITCH_INTERVAL:
            sys.setswitchinterval(self._switch_interval)

    def __iter__(self) -> Iterator:
        while True:
            self.prefetch()
            item = self._queue.get()
            self._requested = False
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def prefetch(self) -> None:
        if not self._requested:
            self._requested = True
            self._permits.release()

    def _run(self) -> None:
        try:
            while self._wait_for_permit():
                try:
                    item = next(self._items)
                except StopIteration:
                    self._put(_DONE)
                    return
                if not self._put(item):
                    return
        except BaseException as error:  # noqa: BLE001 - handed over to the consumer
            self._put(error)
        finally:
            close = getattr(self._items, "close", None)
            if close is not None:
                close()

    def _put(self, item) -> bool:
        # One permit per item taken keeps the queue short of full; the timeout is a guard
        # so that a consumer gone for good can never leave this thread blocked.
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _wait_for_permit(self) -> bool:
        while not self._permits.acquire(timeout=0.1):
            if self._stop.is_set():
                return False
        return not self._stop.is_set()
