"""The portal's results page: a creator sees their own links, codes, clicks, conversions
and commissions, and nothing of another creator in the same campaign; nothing of a
collaboration the brand only shortlisted them for."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.campaigns.factories import make_campaign, make_collaboration
from tests.portal.factories import portal_for
from tests.tracking.results_world import results_world, rollup

pytestmark = pytest.mark.django_db


def test_each_creator_sees_only_their_own_results(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        world = results_world(org)
        # A campaign Alice is only shortlisted for: the brand's business, not hers.
        secret = make_campaign(org, name="Secret shortlist campaign")
        shortlisted = make_collaboration(org, secret, creator=world.alice.creator)
        rollup(org, shortlisted, world.day, clicks=999)
    alice = portal_for(tenant_a, world.alice.creator)
    bob = portal_for(tenant_a, world.bob.creator)

    mine = Client().get(f"{alice.url}results/")
    assert mine.status_code == 200
    body = mine.content.decode()
    assert "Glow launch" in body
    assert f'data-collaboration="{world.alice.pk}"' in body
    assert 'data-kpi="clicks">120<' in body and 'data-kpi="conversions">5<' in body
    assert "ALICE10" in body and "/r/" in body
    assert "10% of attributed revenue: 50.00 USD so far" in body
    # Nothing of Bob's, nothing of the shortlist, no brand cost figures.
    for other in ("BOB10", "Bob Coach", f'data-collaboration="{world.bob.pk}"', "999",
                  "Secret shortlist campaign", "CPA", "ROAS"):  # fmt: skip
        assert other not in body, other

    theirs = Client().get(f"{bob.url}results/").content.decode()
    assert 'data-kpi="clicks">30<' in theirs and "BOB10" in theirs
    for other in ("ALICE10", "Alice Derm", "50.00 USD", 'data-kpi="clicks">120<'):
        assert other not in theirs, other


def test_results_page_link_is_in_the_portal_navigation(tenant_a):
    with tenant_a.context():
        world = results_world(tenant_a.organization)
    portal = portal_for(tenant_a, world.bob.creator)
    home = Client().get(portal.url).content.decode()
    assert f'href="{portal.url}results/"' in home


def test_an_unknown_link_sees_no_results(tenant_a):
    with tenant_a.context():
        results_world(tenant_a.organization)
    response = Client().get(f"/p/{'Z' * 43}/results/")
    assert b"Glow launch" not in response.content
