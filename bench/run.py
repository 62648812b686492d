"""`make bench` runs every bench/<name>.py; `make bench NAME=<name>` runs one.

Each benchmark sets up its own database (never the demo data), prints progress, and
prints as its last line a JSON object with its figures, including ratios against a
baseline measured in the same run. This runner collects those lines into
docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REPORT = ROOT / "docs" / "benchmarks.md"


def discover(name: str | None) -> list[Path]:
    files = sorted(p for p in HERE.glob("*.py") if p.name not in {"run.py", "common.py"})
    if name:
        files = [p for p in files if p.stem == name]
        if not files:
            sys.exit(
                f"no benchmark named {name!r}; have: {', '.join(p.stem for p in discover(None))}"
            )
    return files


def run_one(path: Path) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kolhub.settings.test", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, str(path)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    last = ""
    for line in proc.stdout:
        print(f"[{path.stem}] {line}", end="", flush=True)
        if line.strip():
            last = line.strip()
    if proc.wait() != 0:
        raise SystemExit(f"benchmark {path.stem} failed with exit code {proc.returncode}")
    return json.loads(last)


def write_report(results: dict[str, dict]) -> None:
    existing = {}
    notes = ""
    if REPORT.exists():
        text = REPORT.read_text()
        # Sections written by hand after the table (## headings) are kept as they are.
        if "\n## " in text:
            text, notes = text[: text.index("\n## ")], text[text.index("\n## ") :]
        for line in text.splitlines():
            if line.startswith("| `") and "|" in line[3:]:
                name = line.split("`")[1]
                existing[name] = line
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    for name, figures in results.items():
        existing[name] = f"| `{name}` | {stamp} | {machine} | `{json.dumps(figures)}` |"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        "# Benchmarks\n\n"
        "Written by `make bench` (bench/run.py); each row is the last run of one benchmark.\n"
        "Ratios compare against a baseline measured in the same run, on the same machine,\n"
        "so they travel better than the absolute times. What each one measures is in the\n"
        "docstring of bench/<name>.py.\n\n"
        "| benchmark | run at | machine | figures (last line of its output) |\n"
        "|---|---|---|---|\n" + "\n".join(existing[k] for k in sorted(existing)) + "\n" + notes
    )


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
    results = {path.stem: run_one(path) for path in discover(name)}
    write_report(results)
    print(f"wrote {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
