"""The database wall: row-level security, proven with raw SQL as the app role, on
committed data (transaction=True, so nothing hides behind a test transaction)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from psycopg import sql

from kolhub.tenancy import rls
from kolhub.tenancy.context import tenant_context
from kolhub.tenancy.rls import tenant_models
from tests.tenant_world import a_world

pytestmark = pytest.mark.django_db(transaction=True)


def _as_app_role(cursor, org_id: int | None) -> None:
    cursor.execute(
        "SELECT set_config('role', %s, true), set_config('app.current_org', %s, true)",
        [settings.KOLHUB_APP_DB_ROLE, "" if org_id is None else str(org_id)],
    )


def test_every_tenant_table_has_forced_rls_and_the_policy(db):
    tables = [m._meta.db_table for m in tenant_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
            "WHERE c.relrowsecurity AND c.relforcerowsecurity AND p.polname = 'tenant_isolation'"
        )
        protected = {row[0] for row in cursor}
    assert tables and set(tables) <= protected


def test_policies_skip_a_tenant_table_not_created_yet(db):
    # `migrate tracking 0008` on a new database sends post_migrate while the tenant tables
    # of later migrations do not exist yet: apply() covers the others and does not fail.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE tracking_runningtotal")
        covered = rls.apply()
        transaction.set_rollback(True)
    assert "tracking_runningtotal" not in covered and "creators_creator" in covered
    assert "tracking_runningtotal" in rls.apply()


def test_raw_select_as_app_role_never_returns_another_tenants_rows(tenant_a, tenant_b):
    a_world(tenant_a)
    a_world(tenant_b)
    a, b = tenant_a.organization.pk, tenant_b.organization.pk
    for model in tenant_models():
        table = sql.Identifier(model._meta.db_table)
        with connection.cursor() as cursor:
            # As the owner, A's rows are there: the filter below is what hides them.
            cursor.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE organization_id = %s").format(table), [a]
            )
            assert cursor.fetchone()[0] > 0, (
                f"{table} has no rows of A to hide: create one in a tests/<app>/sweep_*.py"
            )
        with transaction.atomic(), connection.cursor() as cursor:
            _as_app_role(cursor, b)
            cursor.execute(sql.SQL("SELECT organization_id FROM {}").format(table))
            seen = {row[0] for row in cursor}
            assert seen == {b}, f"{model._meta.db_table} showed {seen} to organization B"
            cursor.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE organization_id = %s").format(table), [a]
            )
            assert cursor.fetchone()[0] == 0
        with transaction.atomic(), connection.cursor() as cursor:
            _as_app_role(cursor, None)
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(table))
            assert cursor.fetchone()[0] == 0, f"{table} leaks rows with no org setting"


def test_app_role_cannot_write_into_another_tenant(tenant_a, tenant_b):
    with (
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        _as_app_role(cursor, tenant_b.organization.pk)
        cursor.execute(
            "UPDATE kolhub_membership SET organization_id = %s WHERE organization_id = %s",
            [tenant_a.organization.pk, tenant_b.organization.pk],
        )
    with (
        pytest.raises(ProgrammingError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        _as_app_role(cursor, tenant_b.organization.pk)
        cursor.execute(
            "INSERT INTO kolhub_membership (organization_id, user_id, role, created_at, "
            "updated_at) VALUES (%s, %s, 'owner', now(), now())",
            [tenant_a.organization.pk, tenant_b.owner.pk],
        )


def test_tenant_context_runs_as_the_app_role(tenant_a):
    with tenant_context(tenant_a.organization), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('app.current_org')")
        assert cursor.fetchone() == (settings.KOLHUB_APP_DB_ROLE, str(tenant_a.organization.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user <> %s", [settings.KOLHUB_APP_DB_ROLE])
        assert cursor.fetchone()[0], "the role switch outlived its transaction"
