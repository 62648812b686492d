"""Real Chromium (Debian's package) for browser tests.

In CI (CI=true) a missing Chromium fails the run; locally the browser tests skip and say
how to install it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# The live server and the test share one thread with Playwright's event loop; Django's
# ORM refuses to run there unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        return  # the launch below fails loudly instead
    skip = pytest.mark.skip(
        reason="Chromium not found: install it with `sudo apt-get install chromium` "
        "(Debian) to run the browser tests; CI installs it and runs them."
    )
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
    }  # fmt: skip


@pytest.fixture
def shots(request):
    """shots("name") saves a full-page screenshot of `page` under test-results/e2e/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}

    def take(page, name: str) -> Path:
        counter["n"] += 1
        path = ARTIFACTS / f"{request.node.name}-{counter['n']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
