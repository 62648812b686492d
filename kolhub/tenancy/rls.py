"""The database wall: PostgreSQL row-level security on every tenant table.

Applied on every `post_migrate` (and on the test database's flushes), idempotently, to
every concrete model derived from kolhub.models.TenantModel. Tenant queries run as
settings.KOLHUB_APP_DB_ROLE (NOSUPERUSER NOBYPASSRLS) via `tenant_context`."""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.db import connections
from psycopg import sql

logger = logging.getLogger(__name__)

POLICY = "tenant_isolation"
CURRENT_ORG = "nullif(current_setting('app.current_org', true), '')::bigint"


def tenant_models() -> list:
    from kolhub.models import TenantModel

    return [
        m
        for m in apps.get_models()
        if issubclass(m, TenantModel) and not m._meta.abstract and not m._meta.proxy
    ]


def ensure_app_role(cursor, role: str) -> None:
    cursor.execute(
        sql.SQL(
            """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN
                CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
              END IF;
            EXCEPTION WHEN duplicate_object THEN NULL;  -- another process created it first
            END $$;
            """
        ).format(name=sql.Literal(role), role=sql.Identifier(role))
    )
    # When the owner is not a superuser (managed PostgreSQL), it must be a member of the
    # app role to `SET ROLE` to it.
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        cursor.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(role)))


# Under row-level security PostgreSQL evaluates the policy before any condition whose
# function is not LEAKPROOF, so such a condition cannot drive an index scan: a full-text
# match (@@) or an array overlap (&&) would scan every row of the tenant. These built-in
# functions raise no error that depends on row data, so declaring them LEAKPROOF is sound;
# it lets the GIN indexes work. It needs a superuser; elsewhere searches stay correct but
# slower (README, "Tenancy").
LEAKPROOF_FUNCTIONS = [
    "ts_match_vq(tsvector, tsquery)",
    "arrayoverlap(anyarray, anyarray)",
    "arraycontains(anyarray, anyarray)",
    "jsonb_exists(jsonb, text)",
    "numeric_ge(numeric, numeric)",
    "numeric_le(numeric, numeric)",
    "numeric_gt(numeric, numeric)",
    "numeric_lt(numeric, numeric)",
    "numeric_eq(numeric, numeric)",
]


def declare_leakproof(cursor) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        logger.warning("not a superuser: index use under row-level security is limited")
        return False
    for function in LEAKPROOF_FUNCTIONS:
        cursor.execute(f"ALTER FUNCTION {function} LEAKPROOF")
    return True


def apply(using: str = "default") -> list[str]:
    """Create the app role, grant it the tables, and put the policy on each tenant table
    that exists. Returns the tenant tables it covered."""
    role = settings.KOLHUB_APP_DB_ROLE
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RuntimeError("KOL Hub's tenant isolation needs PostgreSQL")
    tables = [m._meta.db_table for m in tenant_models()]
    with connection.cursor() as cursor:
        ensure_app_role(cursor, role)
        declare_leakproof(cursor)
        rid = sql.Identifier(role)
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(rid))
        cursor.execute(
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
            ).format(rid)
        )
        cursor.execute(
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(rid)
        )
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "       EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)"
            "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relname = ANY(%s)",
            [POLICY, tables],
        )
        state = {
            name: (enabled, forced, has_policy) for name, enabled, forced, has_policy in cursor
        }
        # A tenant table not created yet (`migrate <app> <earlier migration>`) is left
        # for the post_migrate of the migration that creates it.
        tables = [table for table in tables if table in state]
        for table in tables:
            enabled, forced, has_policy = state[table]
            tid = sql.Identifier(table)
            if not enabled:
                cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(tid))
            if not forced:
                cursor.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(tid))
            if not has_policy:
                cursor.execute(
                    sql.SQL(
                        "CREATE POLICY {policy} ON {table} "
                        "USING (organization_id = {org}) WITH CHECK (organization_id = {org})"
                    ).format(policy=sql.Identifier(POLICY), table=tid, org=sql.SQL(CURRENT_ORG))
                )
                logger.info("row-level security policy created on %s", table)
    return tables


def apply_after_migrate(sender, using="default", **kwargs) -> None:
    # post_migrate fires once per app; doing the work once, for the last app, is enough
    # and keeps test-database flushes cheap.
    if sender.label != _last_app_label():
        return
    apply(using=using)


def _last_app_label() -> str:
    # post_migrate is only sent for apps that have a models module.
    return [a for a in apps.get_app_configs() if a.models_module is not None][-1].label
