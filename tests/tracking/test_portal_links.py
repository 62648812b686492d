"""The creator sees their own tracking links and counts in the portal; another creator's
portal (same brand or another) never shows them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.campaigns.shipping_world import ready_to_ship
from tests.portal.factories import portal_for
from tracking import clicks, services

pytestmark = pytest.mark.django_db


def test_creator_sees_own_links_only(tenant_a, tenant_b):
    with tenant_a.context():
        mine = ready_to_ship(tenant_a.organization, name="Ada", email="ada@links.test")
        other = ready_to_ship(tenant_a.organization, name="Bea", email="bea@links.test")
        link = services.tracking_link_create(organization=tenant_a.organization, collaboration=mine,
                                             platform="tiktok",
                                             destination_url="https://zebra-dest.example/")  # fmt: skip
    Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile").get(f"/r/{link.code}")
    clicks.flush_clicks()
    page = Client().get(portal_for(tenant_a, mine.creator).collaboration(mine)).content.decode()
    assert f"/r/{link.code}" in page and "1 click · 1 unique" in page
    other_page = Client().get(portal_for(tenant_a, other.creator).collaboration(other))
    assert other_page.status_code == 200 and link.code not in other_page.content.decode()
    # Bea's portal asking for Ada's collaboration: not found.
    assert Client().get(portal_for(tenant_a, other.creator).collaboration(mine)).status_code == 404
    with tenant_b.context():
        outsider = ready_to_ship(tenant_b.organization, name="Cy", email="cy@links.test")
    foreign = Client().get(portal_for(tenant_b, outsider.creator).collaboration(outsider))
    assert link.code not in foreign.content.decode()
