"""Claiming the portal with an account, across two organizations: the creator links each
brand's portal to one account, then /p/ lists both brands' collaborations (entering each
organization in turn), while each brand still sees only its own."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from campaigns import services
from campaigns.models import PortalAccountLink, PortalClaim, PortalToken
from campaigns.pipeline import Stage
from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration, make_offer
from tests.creators.factories import make_creator
from tests.kolhub.factories import UserFactory
from tests.portal.factories import portal_for

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def two_brands(tenant_a, tenant_b):
    """The same person is a creator of A ("Dr Ana Ruiz") and of B ("Ana R.")."""
    with tenant_a.context():
        a_creator = make_creator(tenant_a.organization, name="Dr Ana Ruiz")
        a_collab = make_collaboration(tenant_a.organization,
                                      make_campaign(tenant_a.organization, name="Alpha serum"),
                                      creator=a_creator, stage=Stage.INVITED)  # fmt: skip
        a_offer = make_offer(tenant_a.organization, a_collab, fee="1200")
        make_collaboration(tenant_a.organization,
                           make_campaign(tenant_a.organization, name="Alpha shortlist only"),
                           creator=a_creator)  # fmt: skip
    with tenant_b.context():
        b_creator = make_creator(tenant_b.organization, name="Ana R.")
        b_collab = make_collaboration(tenant_b.organization,
                                      make_campaign(tenant_b.organization, name="Beta protein"),
                                      creator=b_creator, stage=Stage.INVITED)  # fmt: skip
    account = UserFactory(email="ana@creator.test")
    return {
        "a": portal_for(tenant_a, a_creator), "b": portal_for(tenant_b, b_creator),
        "a_collab": a_collab, "a_offer": a_offer, "b_collab": b_collab, "account": account,
    }  # fmt: skip


def claim(client, portal):
    response = client.post(f"/p/{portal.raw}/claim/")
    assert response.status_code == 302 and response["Location"] == portal.url
    return text(client.get(response["Location"]))


def test_claim_both_brands_then_see_them_together(tenant_a, tenant_b, two_brands):
    anonymous = Client().get(two_brands["a"].url)
    assert "Create an account" in text(anonymous) and "Link to my account" not in text(anonymous)

    client = Client()
    client.force_login(two_brands["account"])
    assert "Link to my account (ana@creator.test)" in text(client.get(two_brands["a"].url))
    page = claim(client, two_brands["a"])
    assert "Linked." in page and "This portal is linked to your account" in page
    claim(client, two_brands["b"])

    with tenant_a.context():
        assert PortalClaim.objects.get().user == two_brands["account"]
    with tenant_b.context():
        assert PortalClaim.objects.get().user == two_brands["account"]
    assert PortalAccountLink.objects.filter(user=two_brands["account"]).count() == 2

    overview = text(client.get("/p/"))
    assert tenant_a.organization.name in overview and tenant_b.organization.name in overview
    assert "Alpha serum" in overview and "Beta protein" in overview
    assert "Offer v1 is waiting for you" in overview
    assert "Alpha shortlist only" not in overview
    assert overview.index(tenant_b.organization.name) < overview.index(tenant_a.organization.name)

    # Through the account, without the link: A's pages, and acting on A's offer.
    a_slug = tenant_a.organization.slug
    home = text(client.get(f"/p/b/{a_slug}/"))
    assert "Alpha serum" in home and "Beta protein" not in home
    collab_url = f"/p/b/{a_slug}/c/{two_brands['a_collab'].pk}/"
    assert "Accept these terms" in text(client.get(collab_url))
    response = client.post(f"{collab_url}offers/{two_brands['a_offer'].pk}/accept/")
    assert response.status_code == 302 and response["Location"] == collab_url
    with tenant_a.context():
        two_brands["a_offer"].refresh_from_db()
        assert two_brands["a_offer"].status == "accepted"
    # B's collaboration is not reachable under A's brand, nor A's under B's.
    assert client.get(f"/p/b/{a_slug}/c/{two_brands['b_collab'].pk}/").status_code == 404
    b_slug = tenant_b.organization.slug
    assert client.get(f"/p/b/{b_slug}/c/{two_brands['a_collab'].pk}/").status_code == 404

    # The account outlives the links.
    with tenant_a.context():
        PortalToken.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    assert client.get(two_brands["a"].url).status_code == 404
    assert "Alpha serum" in text(client.get("/p/"))


def test_each_brand_sees_only_its_own(tenant_a, tenant_b, two_brands):
    client = Client()
    client.force_login(two_brands["account"])
    claim(client, two_brands["a"])
    claim(client, two_brands["b"])
    a_page = text(tenant_a.client(Role.MEMBER).get(
        f"/o/{tenant_a.organization.slug}/campaigns/{two_brands['a_collab'].campaign_id}/"
        f"collaborations/{two_brands['a_collab'].pk}/"))  # fmt: skip
    assert "Linked to the account <strong>ana@creator.test</strong>" in a_page
    assert "Beta protein" not in a_page and "Ana R." not in a_page
    # A's members cannot open B's brand in the portal (they are not B's creator).
    member = tenant_a.client(Role.OWNER)
    assert member.get(f"/p/b/{tenant_b.organization.slug}/").status_code == 404
    assert "No brand linked yet" in text(member.get("/p/"))


def test_anonymous_and_unlinked_accounts(tenant_a, two_brands):
    response = Client().get("/p/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = Client().get(f"/p/b/{tenant_a.organization.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    stranger = Client()
    stranger.force_login(UserFactory())
    response = stranger.get(f"/p/b/{tenant_a.organization.slug}/")
    assert response.status_code == 404 and "Dr Ana Ruiz" not in text(response)
    assert stranger.get("/p/b/no-such-brand/").status_code == 404
    # Claiming needs an account: an anonymous POST changes nothing.
    Client().post(f"/p/{two_brands['a'].raw}/claim/")
    with tenant_a.context():
        assert not PortalClaim.objects.exists()


def test_one_account_per_creator_and_one_creator_per_account(tenant_a, two_brands):
    first, second = Client(), Client()
    first.force_login(two_brands["account"])
    intruder = UserFactory(email="someone@else.test")
    second.force_login(intruder)
    claim(first, two_brands["a"])
    assert "already linked to another account" in claim(second, two_brands["a"])
    # Claiming again with the same account is harmless.
    claim(first, two_brands["a"])
    with tenant_a.context():
        other = make_creator(tenant_a.organization, name="Another profile")
    other_portal = portal_for(tenant_a, other)
    assert "already speaks for another creator" in claim(first, other_portal)
    with tenant_a.context():
        assert PortalClaim.objects.count() == 1
        with pytest.raises(ValidationError):
            services.portal_claim(organization=tenant_a.organization, creator=other,
                                  user=two_brands["account"])  # fmt: skip


def test_the_brand_unlinks_an_account(tenant_a, two_brands):
    client = Client()
    client.force_login(two_brands["account"])
    claim(client, two_brands["a"])
    member = tenant_a.client(Role.MEMBER)
    collab = two_brands["a_collab"]
    response = member.post(f"/o/{tenant_a.organization.slug}/campaigns/{collab.campaign_id}/"
                           f"collaborations/{collab.pk}/portal-account/unlink/")  # fmt: skip
    assert response.status_code == 302
    assert not PortalAccountLink.objects.filter(user=two_brands["account"]).exists()
    assert client.get(f"/p/b/{tenant_a.organization.slug}/").status_code == 404
    assert "No brand linked yet" in text(client.get("/p/"))
