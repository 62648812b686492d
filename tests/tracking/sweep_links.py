"""Organization A's tracking link with flushed clicks, for the cross-tenant sweep and the
RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from django.test import Client

from tests.tracking.world import linked
from tracking.clicks import flush_clicks


def values(tenant) -> dict:
    with tenant.context():
        _collaboration, link = linked(tenant.organization,
                                      destination="https://zebracorn-secret-shop.example/x",
                                      handle="zebracornsecrethandle", by=tenant.owner)  # fmt: skip
    Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile").get(f"/r/{link.code}")
    flush_clicks()
    return {
        "link_id": link.pk,
        "kind": "svg",
        "secrets": ["zebracorn-secret-shop", "zebracornsecrethandle", link.code],
    }
