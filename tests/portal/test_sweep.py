"""The portal's own sweep: every route under /p/, found through the URL resolver, filled
with organization A's objects (tests/tenant_world.py) and requested through every other
way in: organization B's portal link, B's creator account, an unknown link, no login,
and the link of another creator of A. Expected: no route answers 200 for A's
collaboration or offer, and no response carries a byte of what is not the visitor's. A
new portal route with a parameter this sweep cannot fill fails the test."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

from campaigns import services
from campaigns.models import Offer
from tests.campaigns.factories import agreed_collaboration, make_campaign
from tests.creators.factories import make_creator
from tests.kolhub.factories import UserFactory
from tests.kolhub.test_sweep import assert_no_leak, fill, markers_of, walk
from tests.tenant_world import a_world

pytestmark = pytest.mark.django_db

METHODS = ["get", "post"]
# What only the creator of the offers world (tests/campaigns/sweep_offers.py) may see.
CREATOR_SECRETS = [
    "Zebracorn Offer Creator", "Zebracorn secret offer note", "Zebracorn secret counter note",
    "Zebracorn secret gift note", "5,432.00", "ZEBRA-PAID-REF",
    # ... and of the contracts world (tests/contracts/sweep_contracts.py).
    "Zebracorn Signing Creator", "zebracorn-signer@creator.test", "31,415.92",
]  # fmt: skip


def portal_routes() -> list[str]:
    routes = sorted({r for r in walk(get_resolver().url_patterns) if r.startswith("p/")})
    assert any("<str:token>" in r for r in routes) and any("<slug:brand>" in r for r in routes)
    return routes


def sweep(routes, client, way: dict, markers: list[str], who: str) -> int:
    checked = 0
    for route in routes:
        url = fill(route, way)
        for method in METHODS:
            response = getattr(client, method)(url)
            if "<int:collaboration_id>" in route or "<int:contract_id>" in route:
                assert response.status_code in (302, 404, 405), (who, method, url,
                                                                 response.status_code)  # fmt: skip
                if response.status_code == 302:
                    assert response["Location"].startswith("/accounts/login/"), (who, url)
            assert_no_leak(response, markers, url, f"{who} {method}")
            checked += 1
    return checked


def test_portal_routes_reach_nothing_that_is_not_the_visitors(tenant_a, tenant_b):
    values = a_world(tenant_a)
    with tenant_a.context():
        offer = Offer.objects.get(pk=values["offer_id"])
        other = make_creator(tenant_a.organization, name="Another creator of A")
        _token, a_other_raw = services.portal_token_issue(
            organization=tenant_a.organization, creator=other, issued_by=None
        )
    # B's creator, with a collaboration, a link and an account (names of B's own: the
    # tenant world's names are the same in every organization).
    with tenant_b.context():
        b_creator = make_creator(tenant_b.organization, name="Quokka creator")
        agreed_collaboration(tenant_b.organization,
                             make_campaign(tenant_b.organization, name="Quokka campaign"),
                             creator=b_creator)  # fmt: skip
        _token, b_raw = services.portal_token_issue(organization=tenant_b.organization,
                                                    creator=b_creator, issued_by=None)  # fmt: skip
        b_account = UserFactory(email="quokka@creator.test")
        services.portal_claim(organization=tenant_b.organization, creator=b_creator,
                              user=b_account)  # fmt: skip
    b_account_client = Client()
    b_account_client.force_login(b_account)
    stranger = Client()
    stranger.force_login(UserFactory(email="stranger@creator.test"))

    routes = portal_routes()
    # Every object of A the world made (content rows too), with the offer's collaboration.
    objects = {**{k: v for k, v in values.items() if k != "secrets"},
               "collaboration_id": offer.collaboration_id, "offer_id": offer.pk}  # fmt: skip
    a_slug = tenant_a.organization.slug
    markers = markers_of(tenant_a, values)
    checked = 0
    for who, client, way in [
        ("B's link", Client(), {"token": b_raw, "brand": tenant_b.organization.slug}),
        ("B's creator account", b_account_client, {"token": b_raw, "brand": a_slug}),
        ("an account with no brand", stranger, {"token": "Z" * 43, "brand": a_slug}),
        ("an unknown link", Client(), {"token": "Z" * 43, "brand": a_slug}),
    ]:  # fmt: skip
        checked += sweep(routes, client, {**objects, **way}, markers, who)
    # The same organization, another creator: the brand's name is theirs to see; the
    # other creator's collaboration, offers and payments are not.
    checked += sweep(routes, Client(), {**objects, "token": a_other_raw, "brand": a_slug},
                     CREATOR_SECRETS, "another creator's link")  # fmt: skip
    assert checked > 60
