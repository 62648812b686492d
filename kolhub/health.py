"""/healthz: database, redis, a live worker, pending migrations. 200 only when all ok."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def check_redis() -> dict:
    client = cache._cache.get_client()  # the Redis client behind Django's cache
    client.ping()
    return {"ok": True}


def check_worker() -> dict:
    """A live worker that consumes our task queue (a worker of another deployment on a
    shared Redis, or one listening elsewhere, does not count)."""
    from django.conf import settings

    from kolhub.celery import app

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    replies = app.control.inspect(timeout=0.5).active_queues() or {}
    workers = sorted(
        name for name, queues in replies.items() if any(q["name"] == queue for q in queues)
    )
    if not workers:
        return {"ok": False, "error": f"no Celery worker on queue {queue!r} answered in 0.5 s"}
    return {"ok": True, "workers": workers}


def check_migrations() -> dict:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = [f"{m.app_label}.{m.name}" for m, _ in plan]
        return {"ok": False, "error": f"{len(pending)} pending", "pending": pending}
    return {"ok": True}


CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "worker": check_worker,
    "migrations": check_migrations,
}


@never_cache
@require_GET
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            result = check()
        except Exception as exc:  # a health check reports failures, it does not raise
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = result
    ok = all(r["ok"] for r in results.values())
    return JsonResponse({"ok": ok, "checks": results}, status=200 if ok else 503)
