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
def bench_database(name: str, *, keep: bool = False) -> Iterator[bool]:
    """Create `kolhub_bench_<name>`, migrate it (row-level security included), drop it.

    With `keep` the database is kept afterwards and reused (migrated again) by the next
    run, so working on a query does not mean seeding a million rows each time. Yields
    whether the database was reused (so the benchmark can skip its seeding)."""
    from django.core.management import call_command
    from django.db import connection

    bench_name = f"kolhub_bench_{name}"
    reused = keep and _database_exists(bench_name)
    if reused:
        connection.close()
        connection.settings_dict["NAME"] = bench_name
        call_command("migrate", verbosity=0)
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = bench_name
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield reused
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _database_exists(name: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 4)
