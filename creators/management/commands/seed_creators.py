"""`manage.py seed_creators --count N`: synthetic creators in bulk, for benchmarks."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from creators.seeding import (
    SEED,
    LoadProgress,
    bench_organization_get_or_create,
    synthetic_roster_load,
    tables_analyze,
)


class Command(BaseCommand):
    help = (
        "Add N realistic synthetic creators (with social accounts and rate cards) to an "
        "organization, loaded with COPY. For benchmarks: never the demo brands' rosters."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="creators to add")
        parser.add_argument(
            "--org", default="bench", help="organization slug; created if missing (default: bench)"
        )
        parser.add_argument(
            "--accounts-per-creator", type=float, default=1.5,
            help="mean social accounts per creator, 1 to 3 (default 1.5)",
        )  # fmt: skip
        parser.add_argument(
            "--chunk-size", type=int, default=10_000,
            help="creators per transaction (default 10,000)",
        )  # fmt: skip
        parser.add_argument("--seed", type=int, default=SEED, help="random seed")

    def handle(self, *args, count, org, accounts_per_creator, chunk_size, seed, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if not 1 <= accounts_per_creator <= 3:
            raise CommandError("--accounts-per-creator must be between 1 and 3.")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        try:
            organization = bench_organization_get_or_create(slug=org)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"seeding {count:,} creators into {organization.name} ({organization.slug}), "
            f"~{accounts_per_creator:g} accounts each, chunks of {chunk_size:,}"
        )

        def progress(done: LoadProgress) -> None:
            rate = done.creators / done.elapsed if done.elapsed else 0
            left = (done.total - done.creators) / rate if rate else 0
            self.stdout.write(
                f"  {done.creators:>10,} / {done.total:,} creators, {done.accounts:,} accounts"
                f"  {done.elapsed:6.1f} s  {rate:,.0f}/s  ~{left:.0f} s left"
            )

        done = synthetic_roster_load(
            organization=organization, count=count, accounts_per_creator=accounts_per_creator,
            seed=seed, chunk_size=chunk_size, progress=progress,
        )  # fmt: skip
        started = time.perf_counter()
        tables_analyze()
        self.stdout.write(f"  ANALYZE {time.perf_counter() - started:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"added {done.creators:,} creators and {done.accounts:,} accounts in "
                f"{done.elapsed + time.perf_counter() - started:.1f} s"
            )
        )
