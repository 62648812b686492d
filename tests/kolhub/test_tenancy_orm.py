"""The ORM wall: tenant models refuse to be queried outside a tenant context."""

from __future__ import annotations

import pytest
from django.db import connection
from django_scopes import ScopeError

from kolhub.models import Membership, TenantModel
from kolhub.tenancy.context import (
    connection_tenant,
    current_organization,
    dangerously_unscoped,
    tenant_context,
)
from kolhub.tenancy.rls import tenant_models

pytestmark = pytest.mark.django_db


def test_every_tenant_model_refuses_an_unscoped_query(tenant_a):
    models = tenant_models()
    assert Membership in models  # the list is discovered, not empty
    for model in models:
        assert issubclass(model, TenantModel)
        with pytest.raises(ScopeError):
            list(model.objects.all())
        with pytest.raises(ScopeError):
            model.objects.filter(pk=1).exists()
        with pytest.raises(ScopeError):
            model.objects.for_org(tenant_a.organization).count()


def test_scoped_query_sees_only_its_organization(tenant_a, tenant_b):
    with tenant_context(tenant_b.organization):
        emails = set(Membership.objects.values_list("user__email", flat=True))
        # Even naming A explicitly returns nothing from inside B.
        assert Membership.objects.for_org(tenant_a.organization).count() == 0
    assert emails == {m.user.email for m in tenant_b.memberships.values()}


def test_escape_hatch_is_explicit(tenant_a, tenant_b):
    with dangerously_unscoped():
        orgs = set(Membership.objects.values_list("organization_id", flat=True))
    assert orgs == {tenant_a.organization.pk, tenant_b.organization.pk}


def test_nested_context_restores_the_outer_role_and_org(tenant_a, tenant_b):
    before = connection_tenant()
    with tenant_context(tenant_a.organization):
        assert connection_tenant()["db_current_org"] == str(tenant_a.organization.pk)
        with tenant_context(tenant_b.organization):
            assert current_organization() == tenant_b.organization
            inner = connection_tenant()
            assert inner["db_current_org"] == str(tenant_b.organization.pk)
            assert inner["db_role"] == "kolhub_app"
        assert connection_tenant()["db_current_org"] == str(tenant_a.organization.pk)
        assert current_organization() == tenant_a.organization
    assert connection_tenant() == before
    with pytest.raises(LookupError):
        current_organization()


def test_context_refuses_an_unsaved_or_missing_organization():
    from kolhub.models import Organization

    with pytest.raises(ValueError), tenant_context(None):
        pass
    with pytest.raises(ValueError), tenant_context(Organization(name="x", slug="x")):
        pass


def test_app_role_cannot_bypass_rls(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'kolhub_app'")
        assert cursor.fetchone() == (False, False)
