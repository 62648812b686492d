"""Shared set-up for benchmarks: Django on a database of the benchmark's own."""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Callable, Iterator


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kolhub.settings.test")
    import django

    django.setup()


@contextlib.contextmanager
def bench_database(name: str) -> Iterator[None]:
    """Create `kolhub_bench_<name>`, migrate it (row-level security included), drop it."""
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"kolhub_bench_{name}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 4)
