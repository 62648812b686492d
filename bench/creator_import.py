"""Creator import: a 100,000-row CSV through the real import path.

Generates a realistic roster (about 85,000 creators, some with two or three accounts;
KOLs with credentials; audience splits, niches, languages, rates; one row in 500 with a
bad figure), then (a) parses and validates it without writing (the baseline: reading
and checking every cell, measured in the same run) and (b) imports it the way the upload
page does: import_upload, the remembered/guessed mapping, import_start, whose task
(import_creators_task, run eagerly here, i.e. synchronously) writes it in batches.

Figures: seconds for (b), rows per second, and ratio = seconds / baseline_seconds, the
cost of writing on top of reading. Target: seconds <= 60 on a 2-core machine."""

from __future__ import annotations

import csv
import json
import random
import tempfile
import time
from pathlib import Path

from common import bench_database, setup_django

ROWS = 100_000
SEED = 20261125

FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Farah", "Gus", "Hana", "Ivan", "Jia", "Kofi",
         "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar",
         "Vera", "Wei", "Xena", "Yusuf", "Zoe"]  # fmt: skip
LAST = ["Lee", "Okafor", "Schmidt", "Rossi", "Tanaka", "Silva", "Nguyen", "Kowalski",
        "Haddad", "Moreau", "Jensen", "Patel", "Garcia", "Kim", "Novak", "Walsh", "Costa",
        "Ibrahim"]  # fmt: skip
PROFESSIONS = [("Dermatologist", "MD, board-certified dermatologist"),
               ("Sports scientist", "PhD, sports science"),
               ("Financial planner", "CFP"), ("Nutritionist", "RD, registered dietitian"),
               ("Pharmacist", "PharmD")]  # fmt: skip
NICHES = ["skincare", "fitness", "nutrition", "finance", "beauty", "wellness", "running",
          "parenting", "tech", "travel", "food", "fashion"]  # fmt: skip
PLATFORMS = ["instagram", "tiktok", "youtube", "x", "linkedin", "xiaohongshu"]
COUNTRIES = ["US", "GB", "DE", "FR", "BR", "IN", "JP", "AU", "CA", "SG"]
CITIES = ["New York", "London", "Berlin", "Paris", "São Paulo", "Mumbai", "Tokyo", "Sydney"]
HEADERS = ["Name", "Email", "Role", "Profession", "Credentials", "Years of experience",
           "Niches", "Languages", "Country", "City", "Platform", "Handle", "Profile URL",
           "Followers", "Avg views", "Engagement rate", "Credibility", "Sponsored posts",
           "Audience countries", "Audience ages", "Audience gender", "Rate post", "Rate reel",
           "Bio"]  # fmt: skip


def shares(rng: random.Random, keys: list[str], total: int) -> str:
    picked = rng.sample(keys, 3)
    first = rng.randint(total // 3, total // 2)
    second = rng.randint(5, (total - first) // 2)
    third = rng.randint(1, total - first - second)
    return ";".join(f"{k}:{v}" for k, v in zip(picked, (first, second, third), strict=True))


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(SEED)
    line = 0
    creator = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        while line < rows:
            creator += 1
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {creator}"
            email = f"creator{creator}@example.test" if rng.random() < 0.9 else ""
            kol = rng.random() < 0.3
            profession, credentials = rng.choice(PROFESSIONS) if kol else ("", "")
            niches = ";".join(rng.sample(NICHES, rng.randint(1, 3)))
            country = rng.choice(COUNTRIES)
            accounts = 1 if not email or rng.random() < 0.85 else rng.randint(2, 3)
            for platform in rng.sample(PLATFORMS, accounts):
                if line >= rows:
                    break
                line += 1
                followers = int(rng.lognormvariate(10, 1.5))
                if line % 500 == 0:
                    followers = -followers  # a bad row: reported, skipped
                handle = f"{name.split()[0].lower()}_{creator}_{platform[:2]}"
                writer.writerow([
                    name, email, "kol" if kol else rng.choice(["influencer", "ugc", "ambassador"]),
                    profession, credentials, rng.randint(2, 30) if kol else "", niches,
                    rng.choice(["en", "en;es", "en;fr", "de", "pt;en"]), country,
                    rng.choice(CITIES), platform, "@" + handle,
                    f"https://{platform}.example/{handle}", f"{followers:,}",
                    int(abs(followers) * rng.uniform(0.05, 0.6)),
                    f"{rng.uniform(0.5, 9):.2f}", f"{rng.uniform(60, 98):.1f}",
                    f"{rng.uniform(0, 40):.1f}", shares(rng, COUNTRIES, 90),
                    shares(rng, ["18-24", "25-34", "35-44", "45-54"], 95),
                    f"female:{(f := rng.randint(30, 80))};male:{100 - f - 2};other:2",
                    rng.choice(["", "250", "1200", "4800.50"]), rng.choice(["", "900", "3500"]),
                    f"{profession or 'Creator'} sharing {niches.replace(';', ', ')} tips.",
                ])  # fmt: skip


def main() -> None:
    setup_django()
    from celery import current_app
    from django.conf import settings
    from django.core.files import File

    from creators.imports import selectors, services
    from creators.imports.reading import CSV, open_table
    from creators.imports.rows import Validator
    from creators.models import Creator, CreatorImport, SocialAccount
    from kolhub.models import Organization, User
    from kolhub.tenancy.context import tenant_context

    with tempfile.TemporaryDirectory() as tmp, bench_database("creator_import"):
        settings.MEDIA_ROOT = tmp
        # The task runs in this process, synchronously, when import_start's transaction
        # commits: the same code a worker runs.
        current_app.conf.task_always_eager = True
        path = Path(tmp) / "roster.csv"
        print(f"writing a {ROWS:,}-row CSV", flush=True)
        write_csv(path, ROWS)
        print(f"{path.stat().st_size / 1024 / 1024:.1f} MB", flush=True)

        organization = Organization.objects.create(name="Bench brand", slug="bench-import")
        user = User.objects.create_user(email="bench@import.test")

        print("baseline: parse and validate every row, write nothing", flush=True)
        with tenant_context(organization):
            mapping = selectors.import_mapping_initial(organization=organization, headers=HEADERS)
        start = time.perf_counter()
        bad = 0
        with path.open("rb") as fileobj, open_table(fileobj, CSV) as table:
            validator = Validator(table.headers, mapping)
            for line, cells in table.rows:
                bad += not validator.validate(line, cells).ok
        baseline = time.perf_counter() - start
        print(f"baseline {baseline:.1f}s, {bad} bad rows", flush=True)

        print("import through import_upload -> import_start -> import_creators_task", flush=True)
        start = time.perf_counter()
        with path.open("rb") as fileobj, tenant_context(organization):
            creator_import = services.import_upload(
                organization=organization, uploaded_by=user, upload=File(fileobj, "roster.csv")
            )
            sample = selectors.import_sample(
                organization=organization, creator_import=creator_import
            )
            services.import_start(
                organization=organization,
                creator_import=creator_import,
                mapping=selectors.import_mapping_initial(
                    organization=organization, headers=sample.headers
                ),
                on_duplicate=CreatorImport.OnDuplicate.UPDATE,
                started_by=user,
            )
        seconds = time.perf_counter() - start
        with tenant_context(organization):
            creator_import.refresh_from_db()
            creators = Creator.objects.count()
            accounts = SocialAccount.objects.count()
        print(
            f"{creator_import.status}: {creator_import.created_count} created, "
            f"{creator_import.updated_count} updated, {creator_import.error_count} errors; "
            f"{creators} creators, {accounts} accounts in {seconds:.1f}s",
            flush=True,
        )
        assert creator_import.status == CreatorImport.Status.DONE, creator_import.failure
        assert creator_import.processed_rows == ROWS
        print(
            json.dumps(
                {
                    "benchmark": "creator_import",
                    "rows": ROWS,
                    "seconds": round(seconds, 2),
                    "rows_per_second": round(ROWS / seconds),
                    "baseline_seconds": round(baseline, 2),
                    "ratio": round(seconds / baseline, 2),
                }
            )
        )


if __name__ == "__main__":
    main()
