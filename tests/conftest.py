"""Shared fixtures. Every test that needs tenants gets two: A (whose data must never
leak) and B (the outsider), each with people in every role."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client

from kolhub import services
from kolhub.models import Membership, Organization, Role, User
from kolhub.tenancy.context import tenant_context
from tests.kolhub.factories import UserFactory


@dataclass
class Tenant:
    organization: Organization
    owner: User
    admin: User
    member: User
    viewer: User
    memberships: dict[str, Membership] = field(default_factory=dict)

    def client(self, role: str = Role.OWNER) -> Client:
        client = Client()
        client.force_login(getattr(self, role))
        return client

    def context(self):
        return tenant_context(self.organization)


def make_tenant(name: str, slug: str) -> Tenant:
    people = {
        role: UserFactory(email=f"{role}@{slug}.test", first_name=f"{name.split()[0]}{role}")
        for role in Role.values
    }
    org = services.organization_create(name=name, owner=people[Role.OWNER], slug=slug)
    tenant = Tenant(organization=org, **people)
    with tenant_context(org):
        tenant.memberships[Role.OWNER] = Membership.objects.get(user=people[Role.OWNER])
        for role in (Role.ADMIN, Role.MEMBER, Role.VIEWER):
            tenant.memberships[role] = Membership.objects.create(
                organization=org, user=people[role], role=role
            )
    return tenant


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads (imports) go to a temporary folder, not the developer's .data/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def outbox_email(settings):
    """Django's test set-up swaps in the locmem backend; we keep the real dev outbox so
    tests read mail the way a person does, from /dev/outbox/ and its table."""
    settings.EMAIL_BACKEND = "kolhub.outbox.OutboxEmailBackend"


@pytest.fixture
def tenant_a(db) -> Tenant:
    # Distinctive strings, so "not a byte of A's data" can be searched for in responses.
    return make_tenant("Zebracorn Alpha Labs", "zebracorn-alpha")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return make_tenant("Quokka Beta Foods", "quokka-beta")


@pytest.fixture(scope="session", autouse=True)
def drop_stale_test_databases(django_db_blocker):
    """Drop test databases left by runs that died (each run names its own by pid, so that
    concurrent runs on one server never share one)."""
    import os

    from django.db import connection

    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test_kolhub_%%'")
        for (name,) in cursor.fetchall():
            pid = name.removeprefix("test_kolhub_")
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                os.kill(int(pid), 0)
                continue  # that run is still going
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
