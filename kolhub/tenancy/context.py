"""Entering a tenant: one transaction, the django-scopes scope, the database role and
`app.current_org`, together. Everything tenant-facing (requests under /o/<slug>/, API
routes, Celery tenant tasks) runs inside `tenant_context`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from kolhub.models import Organization

_current: ContextVar[Organization | None] = ContextVar("kolhub_current_org", default=None)


def current_organization() -> Organization:
    """The organization of the tenant context we are in; raises outside one."""
    organization = _current.get()
    if organization is None:
        raise LookupError("not inside tenant_context(): no current organization")
    return organization


@contextmanager
def tenant_context(organization: Organization) -> Iterator[Organization]:
    if organization is None or organization.pk is None:
        # django-scopes treats a None scope value as "no filter": refuse it here.
        raise ValueError("tenant_context needs a saved organization")
    with transaction.atomic():
        # `SET LOCAL` survives RELEASE SAVEPOINT, so when we are nested inside another
        # transaction (a test, a task called from a request) we restore what was there.
        nested = bool(connection.savepoint_ids)
        with connection.cursor() as cursor:
            if nested:
                cursor.execute(
                    "SELECT current_setting('role'), current_setting('app.current_org', true)"
                )
                previous_role, previous_org = cursor.fetchone()
            # Planner settings ride along in the same round trip. work_mem: with the
            # default 4 MB a full-text bitmap over a large roster goes lossy and rechecks
            # every row. random_page_cost: the default 4 prices a random read for a
            # spinning disk; at 1.1 (SSD, hot data) PostgreSQL walks a selective index and
            # stops at LIMIT instead of building bitmaps of a million rows (bench/).
            cursor.execute(
                "SELECT set_config('role', %s, true), set_config('app.current_org', %s, true),"
                " set_config('work_mem', %s, true), set_config('random_page_cost', %s, true)",
                [
                    settings.KOLHUB_APP_DB_ROLE,
                    str(organization.pk),
                    settings.KOLHUB_TENANT_WORK_MEM,
                    settings.KOLHUB_TENANT_RANDOM_PAGE_COST,
                ],
            )
        token = _current.set(organization)
        try:
            with scope(organization=organization):
                yield organization
        finally:
            _current.reset(token)
        # Only reached without an exception; on one, or when the block is marked for
        # rollback, rolling back the savepoint undoes the settings by itself.
        if nested and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('role', %s, true), set_config('app.current_org', %s, true)",
                    [previous_role, previous_org or ""],
                )


def connection_tenant() -> dict:
    """What the database connection says about who we are: the role queries run as and
    the organization RLS filters on. Used by health checks and isolation tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('app.current_org', true)")
        role, org = cursor.fetchone()
    return {"db_role": role, "db_current_org": org or None}


@contextmanager
def dangerously_unscoped() -> Iterator[None]:
    """Turn off the ORM wall for platform-level work: the admin, migrations, platform
    jobs, and lookups that must find their tenant first (an API key by prefix, an
    invitation by token). The database wall still applies inside a tenant_context."""
    with scopes_disabled():
        yield
