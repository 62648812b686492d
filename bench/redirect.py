"""Redirect: /r/<code> under gunicorn against a bare Django redirect, with the same load.

Two gunicorn servers run side by side, started with the deployment's command
(docker-compose.yml / Dockerfile: `gunicorn <wsgi> --workers 3`, sync workers):
  - the app: kolhub.wsgi with production settings, its whole middleware stack, the real
    /r/<code> (code from Redis, click to the Redis buffer, bots filtered, dedupe);
  - the baseline: bench/redirect_baseline, a Django view that looks the code up by
    primary key in a table of the same database and answers 302, nothing else.
`wrk` (Debian's package, installed here if missing) drives both at 32 connections with
the same pre-generated requests, in short rounds ordered baseline, app, app, baseline,
baseline, app, ... (ABBA: the other work on a shared machine falls on both alike). Each
round sends HUMANS human requests and BOTS bot requests in a shuffled order: bots are
HEAD requests, crawler user agents and `Sec-Purpose: prefetch` requests. clicks.py's
visitor is a keyed hash of IP and user agent; every request comes from 127.0.0.1, so
visitors differ by user agent (a browser string plus a visitor number), and a visitor
keeps to one link, so some come back: those are the 30-minute repeats. Each round has
its own visitors.

After the app's rounds the bench runs the real flush and counts: every human request is
stored (`rows`), and `recorded` = the clicks counted once per visitor and link within 30
minutes, which must equal humans minus the repeats computed from what was sent
(`lost` = expected - recorded; the bench fails if it is not 0 or if rows differ).

Figures: rps and baseline_rps (requests answered per second over all rounds), ratio =
rps / baseline_rps (target >= 0.9), p99_ms and baseline_p99_ms (wrk's per-request
latency, median of the rounds' p99; target p99_ms <= 1.5 x baseline_p99_ms), sent,
recorded, lost (target 0)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from common import bench_database, setup_django

HUMANS = int(os.environ.get("BENCH_HUMANS", 8_000))  # per round
BOTS = int(os.environ.get("BENCH_BOTS", 1_000))  # per round
# Per server. Many short rounds, alternated, so that the other work on a shared machine
# falls on both servers alike.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 4))
CONNECTIONS = 32
GUNICORN_WORKERS = 3  # docker-compose.yml and the Dockerfile
LINKS = 50
SEED = 20261127
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = Path(tempfile.mkdtemp(prefix="kolhub-bench-redirect-"))

BROWSERS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
]
CRAWLERS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "WhatsApp/2.23.20.0",
]

# Replays the request file once, then sends a filler on connections that come free while
# the last real requests finish (an API route without credentials: the app answers 401,
# the baseline 404, neither renders a template or asks the database). When every real
# request has its answer it notes the time and writes the marker file; the bench then
# stops wrk (whose own clock runs for the whole -d). So each round sends exactly the
# planned requests, timed from the first sent to the last answered, and wrk's latency
# histogram holds them (plus at most a few dozen fillers).
WRK_SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } kh_timespec;
int clock_gettime(int clock, kh_timespec *ts);
]]
local ts = ffi.new("kh_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end
-- Globals, not locals: done() reads them through thread:get().
queue, planned, issued, answered, statuses, fillers, started, finished = {}, 0, 0, 0, {}, {}, 0, 0
function init(args)
  marker = args[2]
  for line in io.lines(args[1]) do
    local method, path, agent, purpose = line:match("^(%u+)\t([^\t]+)\t([^\t]*)\t([^\t]*)$")
    local headers = {["User-Agent"] = agent, ["X-Forwarded-Proto"] = "https"}
    if purpose ~= "" then headers["Sec-Purpose"] = purpose end
    queue[#queue + 1] = wrk.format(method, path, headers)
  end
  planned = #queue
  filler = wrk.format("GET", "/api/v1/o/filler/", {["X-Forwarded-Proto"] = "https"})
end
function request()
  -- wrk's first call checks the request (script_verify_request) and never sends it.
  if not checked then
    checked = true
    return filler
  end
  issued = issued + 1
  if issued == 1 then started = now_us() end
  if issued <= planned then return queue[issued] end
  return filler
end
function response(status, headers, body)
  if status == 401 or status == 404 then
    fillers[tostring(status)] = (fillers[tostring(status)] or 0) + 1
    return
  end
  answered = answered + 1
  statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  if answered == planned then
    finished = now_us()
    local f = io.open(marker, "w")
    f:write("done")
    f:close()
    wrk.thread:stop()
  end
end
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
function done(summary, latency, requests)
  local t = threads[1]
  local parts = {}
  for status, n in pairs(t:get("statuses")) do parts[#parts + 1] = '"' .. status .. '": ' .. n end
  local fill = {}
  for status, n in pairs(t:get("fillers")) do fill[#fill + 1] = '"' .. status .. '": ' .. n end
  io.write(string.format(
    'WRK {"answered": %d, "planned": %d, "issued": %d, "duration_us": %d, "p99_us": %d, '
    .. '"p50_us": %d, "errors": %d, "statuses": {%s}, "fillers": {%s}}\n',
    t:get("answered"), t:get("planned"), t:get("issued"), t:get("finished") - t:get("started"),
    latency:percentile(99), latency:percentile(50), summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", "), table.concat(fill, ", ")))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (Debian package)", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env).returncode:
            subprocess.run(["apt-get", "update", "-q"], env=env)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=True)
        return shutil.which("wrk") or sys.exit("wrk did not install")
    sys.exit("this benchmark needs wrk: sudo apt-get install wrk")


def plan_round(number: int, codes: list[str], rng: random.Random) -> tuple[Path, int, int]:
    """Write one round's requests; return (file, humans, distinct visitor-link pairs).

    A visitor keeps to one link (visitor % LINKS) and is drawn from 2 x HUMANS visitors,
    so about a fifth of the human requests are repeats within the window."""
    lines, pairs = [], set()
    for _ in range(HUMANS):
        visitor = rng.randrange(2 * HUMANS)
        code = codes[visitor % LINKS]
        agent = f"{BROWSERS[visitor % len(BROWSERS)]} r{number}v{visitor}"
        pairs.add((code, agent))
        lines.append(f"GET\t/r/{code}\t{agent}\t")
    for n in range(BOTS):
        code = codes[rng.randrange(LINKS)]
        kind = n % 3
        if kind == 0:  # a link unfurler or crawler
            lines.append(f"GET\t/r/{code}\t{CRAWLERS[n % len(CRAWLERS)]}\t")
        elif kind == 1:  # a preview's HEAD, with a browser's user agent
            lines.append(f"HEAD\t/r/{code}\t{BROWSERS[n % len(BROWSERS)]} r{number}b{n}\t")
        else:  # a browser's speculative prefetch
            lines.append(f"GET\t/r/{code}\t{BROWSERS[n % len(BROWSERS)]} r{number}p{n}\tprefetch")
    rng.shuffle(lines)
    path = WORK / f"round-{number}.tsv"
    path.write_text("\n".join(lines) + "\n")
    return path, HUMANS, len(pairs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, wsgi: str, env: dict[str, str]) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = WORK / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", wsgi, "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(GUNICORN_WORKERS), "--pythonpath", str(HERE)],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, code: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(
            f"{self.url}/r/{code}", method="HEAD",
            headers={"X-Forwarded-Proto": "https", "User-Agent": "Twitterbot/1.0"},
        )  # fmt: skip
        opener = urllib.request.build_opener(NoRedirect)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} server exited; see {self.log}")
            try:
                opener.open(request, timeout=2)
            except urllib.error.HTTPError as answer:
                if answer.code == 302:
                    return
                sys.exit(f"{self.name} answered {answer.code}; see {self.log}")
            except OSError:
                time.sleep(0.2)
        sys.exit(f"{self.name} did not start in {timeout}s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run_wrk(wrk: str, server: Server, requests: Path) -> dict:
    timeout = float(os.environ.get("BENCH_WRK_TIMEOUT", 600))
    script = WORK / "replay.lua"
    if not script.exists():
        script.write_text(WRK_SCRIPT)
    marker = WORK / "answered"
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{int(timeout)}s", "--timeout", "30s",
         "-s", str(script), server.url, "--", str(requests), str(marker)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # wrk prints its figures and exits
    output = proc.communicate()[0]
    lines = [line for line in output.splitlines() if line.startswith("WRK ")]
    if proc.returncode or not lines:
        sys.exit(f"wrk failed ({proc.returncode}):\n{output}")
    result = json.loads(lines[-1].removeprefix("WRK "))
    if result["answered"] != result["planned"] or result["errors"]:
        sys.exit(f"{server.name}: not every request was answered: {result}")
    return result


def main() -> None:
    setup_django()
    from django.conf import settings

    # A key prefix of the bench's own: a dev server's buffer on the same Redis is not ours.
    prefix = f"kolhub-bench-{uuid.uuid4().hex[:8]}"
    settings.CACHES["default"]["KEY_PREFIX"] = prefix
    from django.db import connection

    from kolhub.devstack import database_url
    from kolhub.models import Organization, User
    from kolhub.tenancy.context import tenant_context
    from tests.campaigns.factories import make_campaign, make_collaboration
    from tracking import clicks, services
    from tracking.models import Click

    wrk = ensure_wrk()
    with bench_database("redirect"):
        organization = Organization.objects.create(name="Bench brand", slug="bench-redirect")
        user = User.objects.create_user(email="bench@redirect.test")
        with tenant_context(organization):
            campaign = make_campaign(organization, name="Bench redirect")
            codes = [
                services.tracking_link_create(
                    organization=organization, by=user, platform="instagram",
                    collaboration=make_collaboration(organization, campaign),
                    destination_url=f"https://shop.example/p{n}?ref=bench",
                ).code
                for n in range(LINKS)
            ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_redirect_code (code varchar(16) PRIMARY KEY,"
                " url varchar(2000) NOT NULL)"
            )
            cursor.execute(
                "INSERT INTO bench_redirect_code SELECT code, target_url FROM tracking_linkcode"
            )

        env = dict(
            os.environ,
            DATABASE_URL=database_url(connection.settings_dict),
            DJANGO_SETTINGS_MODULE="kolhub.settings.production",
            DJANGO_SECRET_KEY=settings.SECRET_KEY,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            CACHE_KEY_PREFIX=prefix,
            LOG_LEVEL="WARNING",
        )
        servers = {
            "app": Server("app", "kolhub.wsgi:application", env),
            "baseline": Server("baseline", "redirect_baseline.wsgi:application", env),
        }
        try:
            for server in servers.values():
                server.wait_ready(codes[0])
            rng = random.Random(SEED)
            rounds = [plan_round(n, codes, rng) for n in range(ROUNDS)]
            # Warm up both (connections, caches) with bots only: nothing to count.
            warm = WORK / "warm.tsv"
            warm.write_text("".join(f"HEAD\t/r/{codes[n % LINKS]}\tTwitterbot/1.0\t\n"
                                    for n in range(2000)))  # fmt: skip
            for server in servers.values():
                run_wrk(wrk, server, warm)

            results: dict[str, list[dict]] = {"app": [], "baseline": []}
            order = []
            for n in range(ROUNDS):
                pair = [("baseline", n), ("app", n)]
                order += pair if n % 2 == 0 else pair[::-1]
            for name, n in order:
                result = run_wrk(wrk, servers[name], rounds[n][0])
                results[name].append(result)
                print(
                    f"round {n} {name:8}: {result['planned'] / result['duration_us'] * 1e6:7.0f}"
                    f" req/s, p99 {result['p99_us'] / 1000:.1f} ms, statuses {result['statuses']}",
                    flush=True,
                )
        finally:
            for server in servers.values():
                server.stop()
        for result in results["app"]:
            if set(result["statuses"]) != {"302"}:
                sys.exit(f"the app answered something other than 302: {result['statuses']}")

        inserted = clicks.flush_clicks()
        with tenant_context(organization):
            rows = Click.objects.count()
            recorded = Click.objects.filter(is_unique=True).count()
        humans = sum(r[1] for r in rounds)
        expected = sum(r[2] for r in rounds)
        sent = sum(r["planned"] for r in results["app"])
        print(f"flushed {inserted} clicks: {rows} stored, {recorded} counted; "
              f"{humans} humans sent, {humans - expected} of them repeats", flush=True)  # fmt: skip

        def rate(name: str) -> float:
            done = results[name]
            return sum(r["planned"] for r in done) / sum(r["duration_us"] for r in done) * 1e6

        def p99(name: str) -> float:
            return statistics.median(r["p99_us"] for r in results[name]) / 1000

        figures = {
            "benchmark": "redirect",
            "connections": CONNECTIONS,
            "gunicorn_workers": GUNICORN_WORKERS,
            "rps": round(rate("app")),
            "baseline_rps": round(rate("baseline")),
            "ratio": round(rate("app") / rate("baseline"), 3),
            "p99_ms": round(p99("app"), 2),
            "baseline_p99_ms": round(p99("baseline"), 2),
            "p99_ratio": round(p99("app") / p99("baseline"), 3),
            "sent": sent,
            "humans": humans,
            "repeats": humans - expected,
            "rows": rows,
            "recorded": recorded,
            "lost": expected - recorded,
        }
        with contextlib.suppress(OSError):
            shutil.rmtree(WORK)
        if rows != humans or recorded != expected:
            print(json.dumps(figures))
            sys.exit(f"clicks do not add up: {rows} stored of {humans} humans, "
                     f"{recorded} counted of {expected} expected")  # fmt: skip
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
