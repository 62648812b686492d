"""A file as batches of validated rows, read ahead of the writer.

Reading and validating is pure Python; writing a batch is mostly PostgreSQL's work, during
which the Python process waits on the socket with the GIL released. Reading the next
batch in a thread while the current one is written keeps both of a small machine's cores
busy: on the 100,000-row benchmark it takes the import from about the sum of the two to
about the larger of them. The reading thread never touches the database."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO

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
    fileobj: IO[bytes], kind: str, mapping: Mapping[str, str], *, size: int, skip: int = 0
) -> Iterator[Batch]:
    """Validated rows in batches of `size`, after the first `skip` rows (already imported
    by an earlier run: they are only noted, so a duplicate of one is still caught)."""
    with open_table(fileobj, kind) as table:
        problems = mapping_problems(mapping) + [
            f"The file has no column called “{header}” any more."
            for header, target in mapping.items()
            if target and header not in table.headers
        ]
        if problems:
            raise ValidationError(problems)
        validator = Validator(table.headers, mapping)
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
                yield batch
                batch = None
        if batch is not None:
            yield batch


_DONE = object()


class ReadAhead:
    """Runs an iterator in a thread, `depth` items ahead of the consumer. An exception in
    the thread is raised in the consumer; leaving the `with` block stops the thread."""

    def __init__(self, items: Iterator, depth: int = 2) -> None:
        self._items = items
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="creator-import-reader", daemon=True)

    def __enter__(self) -> Iterator:
        self._thread.start()
        return self._consume()

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        while self._thread.is_alive():
            # Unblock a producer waiting on a full queue.
            with contextlib.suppress(queue.Empty):
                self._queue.get_nowait()
            self._thread.join(timeout=0.05)

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
            self._put(_DONE)
        except BaseException as error:  # noqa: BLE001 - handed over to the consumer
            self._put(error)
        finally:
            close = getattr(self._items, "close", None)
            if close is not None:
                close()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _consume(self) -> Iterator:
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
