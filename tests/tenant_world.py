"""One of everything for a tenant: the objects the cross-tenant sweep fills URLs with and
the rows the RLS test hides. Each app adds a `tests/<app>/sweep_*.py` module whose
`values(tenant) -> dict` creates at least one row in each of its tenant tables and returns
{url_param_name: value, ..., "secrets": [strings that must never leak]}."""

from __future__ import annotations

import importlib
from pathlib import Path

from kolhub import services
from kolhub.models import Role


def a_world(tenant) -> dict:
    """Objects of organization A, one per kind of path parameter, from every app."""
    values = _platform_values(tenant)
    tests_dir = Path(__file__).resolve().parent
    for module_path in sorted(tests_dir.glob("*/sweep_*.py")):
        module = importlib.import_module(f"tests.{module_path.parent.name}.{module_path.stem}")
        extra = module.values(tenant)
        values["secrets"] = values["secrets"] + list(extra.pop("secrets", []))
        clash = set(extra) & set(values)
        assert not clash, f"{module_path.name} redefines sweep parameters {clash}"
        values.update(extra)
    return values


def _platform_values(tenant) -> dict:
    """The platform's own parameters (kolhub routes)."""
    owner = tenant.memberships[Role.OWNER]
    with tenant.context():
        invitation = services.invitation_create(
            organization=tenant.organization,
            actor=owner,
            email="secret-invitee@zebra.test",
            role=Role.MEMBER,
        )
        key, raw = services.api_key_create(
            organization=tenant.organization, actor=owner, name="Zebracorn key", role="member"
        )
    return {
        "org_slug": tenant.organization.slug,
        "membership_id": tenant.memberships[Role.MEMBER].pk,
        "invitation_id": invitation.pk,
        "key_id": key.pk,
        "secrets": [key.prefix, raw, "secret-invitee@zebra.test"],
    }
