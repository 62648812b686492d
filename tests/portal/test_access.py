"""Portal tokens: random, stored hashed, expiring, revocable; an unknown, expired,
revoked or altered link gets the same friendly 404 with no data (and is logged); a
valid link runs inside its organization's tenant and reaches nothing of another creator
or another organization."""

from __future__ import annotations

import datetime
import logging

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from campaigns import services
from campaigns.models import PortalToken, Side
from campaigns.pipeline import Stage
from kolhub.selectors import hash_token
from tests.campaigns.factories import (
    agreed_collaboration,
    make_campaign,
    make_collaboration,
    make_offer,
)
from tests.creators.factories import make_creator
from tests.portal.factories import portal_for

pytestmark = pytest.mark.django_db

INVALID = "This link is no longer valid"


@pytest.fixture
def world(tenant_a, tenant_b):
    """A's creator Ana (negotiating, with an open offer) and Ben (agreed, with a ledger),
    and B's creator Bea (whose data must never show in A's portal, and the other way)."""
    with tenant_a.context():
        org = tenant_a.organization
        campaign = make_campaign(org, name="Zebracorn serum launch")
        ana = make_creator(org, name="Ana Zebracorn")
        ben = make_creator(org, name="Ben Zebracorn")
        ana_collab = make_collaboration(org, campaign, creator=ana, stage=Stage.INVITED)
        ana_offer = make_offer(org, ana_collab, note="Ana secret note")
        ben_collab = agreed_collaboration(org, campaign, creator=ben, note="Ben secret note")
        shortlist = make_collaboration(org, make_campaign(org, name="Zebracorn private shortlist"),
                                       creator=ana)  # fmt: skip
    with tenant_b.context():
        bea = make_creator(tenant_b.organization, name="Bea Quokka")
        bea_collab = agreed_collaboration(tenant_b.organization,
                                          make_campaign(tenant_b.organization,
                                                        name="Quokka campaign"),
                                          creator=bea, note="Bea secret note")  # fmt: skip
    return {
        "ana": portal_for(tenant_a, ana), "ben": portal_for(tenant_a, ben),
        "bea": portal_for(tenant_b, bea), "ana_collab": ana_collab, "ana_offer": ana_offer,
        "ben_collab": ben_collab, "bea_collab": bea_collab, "shortlist": shortlist,
    }  # fmt: skip


def text(response) -> str:
    return response.content.decode()


def test_token_is_random_long_and_stored_hashed(tenant_a, world):
    ana = world["ana"]
    assert len(ana.raw) >= 43 and ana.raw != world["ben"].raw
    with tenant_a.context():
        token = PortalToken.objects.get(pk=ana.token.pk)
    assert token.token_hash == hash_token(ana.raw) and ana.raw not in token.token_hash
    # Sixty days by default.
    assert abs((token.expires_at - timezone.now()) - datetime.timedelta(days=60)) < (
        datetime.timedelta(minutes=1)
    )


def test_resolve_returns_the_organization_and_creator(tenant_a, world):
    organization, creator, token = services.portal_token_resolve(world["ana"].raw)
    assert organization == tenant_a.organization and creator.name == "Ana Zebracorn"
    assert token.pk == world["ana"].token.pk


@pytest.mark.parametrize("how", ["unknown", "tampered", "truncated", "junk", "revoked", "expired"])
def test_bad_links_get_the_same_page_with_no_data(tenant_a, world, caplog, how):
    raw = world["ana"].raw
    if how == "unknown":
        raw = "A" * 43
    elif how == "tampered":
        raw = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    elif how == "truncated":
        raw = raw[:20]
    elif how == "junk":
        raw = "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"  # <img src=x onerror=alert(1)>
    elif how == "revoked":
        with tenant_a.context():
            services.portal_token_revoke(organization=tenant_a.organization,
                                         token=world["ana"].token, by=tenant_a.owner)  # fmt: skip
    elif how == "expired":
        with tenant_a.context():
            PortalToken.objects.filter(pk=world["ana"].token.pk).update(
                expires_at=timezone.now() - datetime.timedelta(seconds=1))  # fmt: skip
    client = Client()
    with caplog.at_level(logging.WARNING, logger="portal.access"):
        for path in ("", "payments/", f"c/{world['ana_collab'].pk}/"):
            response = client.get(f"/p/{raw}/{path}")
            assert response.status_code == 404
            page = text(response)
            assert INVALID in page
            for secret in ("Ana Zebracorn", "Zebracorn serum launch", "Ana secret note",
                           tenant_a.organization.name, "<img src=x"):  # fmt: skip
                assert secret not in page
        response = client.post(f"/p/{raw}/c/{world['ana_collab'].pk}/offers/"
                               f"{world['ana_offer'].pk}/accept/")  # fmt: skip
        assert response.status_code == 404
    expected = {"unknown": "unknown", "tampered": "unknown", "truncated": "malformed",
                "junk": "malformed", "revoked": "revoked", "expired": "expired"}[how]  # fmt: skip
    refusals = [r.getMessage() for r in caplog.records if r.name == "portal.access"]
    assert refusals and all(f"refused: {expected}" in m for m in refusals)
    assert all(world["ana"].raw not in m for m in refusals)  # the token is never logged
    with tenant_a.context():
        world["ana_offer"].refresh_from_db()
        assert world["ana_offer"].status == "open"


def test_a_link_expires_with_time(tenant_a, world):
    url = world["ana"].url
    assert Client().get(url).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=61)):
        assert INVALID in text(Client().get(url))


def test_lifetime_is_configurable(tenant_a, settings):
    settings.PORTAL_TOKEN_LIFETIME_DAYS = 7
    with tenant_a.context():
        creator = make_creator(tenant_a.organization)
    portal = portal_for(tenant_a, creator)
    assert portal.token.expires_at - timezone.now() < datetime.timedelta(days=7, minutes=1)


def test_home_shows_only_this_creators_visible_collaborations(tenant_a, world):
    response = Client().get(world["ana"].url)
    page = text(response)
    assert response.status_code == 200
    assert "Hello Ana Zebracorn" in page and tenant_a.organization.name in page
    assert "Zebracorn serum launch" in page and "Offer v1 is waiting for you" in page
    # Ben's collaboration (same organization, same campaign) and the shortlist are not.
    assert "Ben Zebracorn" not in page and "Zebracorn private shortlist" not in page
    assert "Quokka" not in page
    # The token page is private.
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def test_a_token_reaches_nothing_of_another_creator(world):
    client = Client()
    ana, ben = world["ana"], world["ben"]
    ben_collab, ana_collab, ana_offer = world["ben_collab"], world["ana_collab"], world["ana_offer"]
    assert client.get(ben.collaboration(ben_collab)).status_code == 200
    # Ana's link naming Ben's collaboration, and Ben's naming Ana's.
    assert client.get(ana.collaboration(ben_collab)).status_code == 404
    assert client.get(ben.collaboration(ana_collab)).status_code == 404
    for action in ("accept", "decline", "counter"):
        response = client.post(ben.collaboration(ana_collab, f"offers/{ana_offer.pk}/{action}/"))
        assert response.status_code == 404
        # Ana's offer under Ben's collaboration (his own URL) is not found either.
        response = client.post(ben.collaboration(ben_collab, f"offers/{ana_offer.pk}/{action}/"))
        assert response.status_code == 404
    assert client.get(ana.collaboration(world["shortlist"])).status_code == 404
    payments = text(client.get(f"{ana.url}payments/"))
    assert "No payments yet" in payments and "USD 500.00" not in payments
    assert "USD 500.00" in text(client.get(f"{ben.url}payments/"))


def test_a_token_reaches_nothing_of_another_organization(tenant_a, tenant_b, world):
    client = Client()
    ana, bea = world["ana"], world["bea"]
    bea_collab = world["bea_collab"]
    assert client.get(bea.collaboration(bea_collab)).status_code == 200
    # A's token with B's collaboration id: looked up inside A's tenant, so not there.
    assert client.get(ana.collaboration(bea_collab)).status_code == 404
    with tenant_b.context():
        bea_offer = bea_collab.terms
    response = client.post(ana.collaboration(bea_collab, f"offers/{bea_offer.pk}/accept/"))
    assert response.status_code == 404
    # And B's token shows nothing of A.
    for path in ("", "payments/"):
        page = text(client.get(f"{bea.url}{path}"))
        for secret in ("Zebracorn", tenant_a.organization.name, "Ana", "Ben"):
            assert secret not in page


def test_portal_requests_run_inside_the_tokens_tenant(tenant_a, world, monkeypatch):
    from kolhub.tenancy.context import connection_tenant
    from portal.views import home as views

    seen = []
    original = views.HomeView.get_context_data

    def recording(self, **kwargs):
        seen.append(connection_tenant())
        return original(self, **kwargs)

    monkeypatch.setattr(views.HomeView, "get_context_data", recording)
    assert Client().get(world["ana"].url).status_code == 200
    # The app role, with row-level security on A: a raw query could not read B.
    assert seen == [{"db_role": "kolhub_app", "db_current_org": str(tenant_a.organization.pk)}]


def test_last_used_is_kept_to_the_minute(tenant_a, world):
    client = Client()
    client.get(world["ana"].url)
    with tenant_a.context():
        first = PortalToken.objects.get(pk=world["ana"].token.pk).last_used_at
    client.get(world["ana"].url)
    with tenant_a.context():
        assert PortalToken.objects.get(pk=world["ana"].token.pk).last_used_at == first
    assert first is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        client.get(world["ana"].url)
    with tenant_a.context():
        assert PortalToken.objects.get(pk=world["ana"].token.pk).last_used_at > first


def test_issue_checks_the_organization(tenant_a, tenant_b, world):
    from django.core.exceptions import ValidationError

    with tenant_b.context(), pytest.raises(ValidationError, match="another organization"):
        services.portal_token_issue(organization=tenant_b.organization,
                                    creator=world["ana"].creator, issued_by=None)  # fmt: skip
    with tenant_a.context(), pytest.raises(ValidationError, match="not a member"):
        services.portal_token_issue(organization=tenant_a.organization,
                                    creator=world["ana"].creator, issued_by=tenant_b.owner)  # fmt: skip


def test_offer_side_is_the_creator(tenant_a, world):
    client = Client()
    ana = world["ana"]
    response = client.post(ana.collaboration(world["ana_collab"],
                                             f"offers/{world['ana_offer'].pk}/accept/"))  # fmt: skip
    assert response.status_code == 302
    with tenant_a.context():
        offer = world["ana_offer"]
        offer.refresh_from_db()
        assert offer.status == "accepted" and offer.decided_by == Side.CREATOR
